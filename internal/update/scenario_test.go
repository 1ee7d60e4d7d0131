package update

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
	pipeline "github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

var rewrite = flag.Bool("update", false, "rewrite the golden update scenarios")

// nextTemplates is release 1.0.0 as a later release might change it: every
// kind of change an update meets, in files the scenario's user also touches
// and in files they leave alone.
func nextTemplates(t *testing.T) generator.Tree {
	t.Helper()
	v1, err := Released("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	tree := fstest.MapFS{}
	err = fs.WalkDir(v1.Sources[0].FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(v1.Sources[0].FS, name)
		tree[name] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(name, old, new string) {
		t.Helper()
		f, ok := tree[name]
		if !ok || !bytes.Contains(f.Data, []byte(old)) {
			t.Fatalf("nextTemplates: %s has no %q", name, old)
		}
		f.Data = bytes.Replace(f.Data, []byte(old), []byte(new), 1)
	}
	// Far from the user's edits of settings.py: merges cleanly.
	edit("config/settings.py.tmpl", `"PAGE_SIZE": 20,`, `"PAGE_SIZE": 50,`)
	// An app beside the one the user added after items: merged by entry.
	edit("config/settings.py.tmpl", "    \"{{.App.Name}}\",\n{{- end}}\n", "    \"{{.App.Name}}\",\n{{- end}}\n    \"django.contrib.humanize\",\n")
	// A new pin beside the user's own package: merged by entry.
	edit("requirements.txt.tmpl", "whitenoise==6.12.0\n", "whitenoise==6.12.1\n")
	// A new route, in the file the user turned to CRLF and added a route to.
	edit("config/urls.py.tmpl", "    path(\"admin/\", admin.site.urls),\n", "    path(\"admin/\", admin.site.urls),\n    path(\"health/\", health),\n")
	// The very line the user rewrote in README.md: a conflict.
	edit("README.md.tmpl", "A REST API built with Django", "An HTTP API built with Django")
	// Left alone by the user: updated.
	edit("Dockerfile.tmpl", "# Build stage: compilers", "# Build stage: the compilers")
	// Deleted by the user: stays deleted.
	edit("tests/test_health.py", "\n", "\n\n")
	// A new variable: appended to .env.
	edit(".env.tmpl", "DJANGO_LOG_LEVEL=INFO\n", "DJANGO_LOG_LEVEL=INFO\nWEB_CONCURRENCY=2\n")
	// A new secrets file, which takes a variable out of .env: added with the
	// password that .env already holds; the variable stays in .env, unused.
	edit(".env.tmpl", "POSTGRES_PASSWORD={{.Secrets.DatabasePassword}}\n", "")
	tree[".env.db.tmpl"] = &fstest.MapFile{Data: []byte("POSTGRES_PASSWORD={{.Secrets.DatabasePassword}}\n"), Mode: 0o644}
	// A file the templates drop, and one they add.
	delete(tree, "conftest.py")
	tree["config/checks.py.tmpl"] = &fstest.MapFile{Data: []byte("\"\"\"System checks of {{.Name}}.\"\"\"\n"), Mode: 0o644}
	src, err := generator.FolderSource("templates@next", tree)
	if err != nil {
		t.Fatal(err)
	}
	return generator.Tree{Sources: []generator.Source{src}}
}

// scenarioUser edits a project as a user would between two updates.
func scenarioUser(t *testing.T, fsys afero.Fs, dir string) {
	t.Helper()
	edit := func(name, old, new string) {
		t.Helper()
		full := filepath.Join(dir, name)
		data, err := afero.ReadFile(fsys, full)
		if err != nil || !bytes.Contains(data, []byte(old)) {
			t.Fatalf("scenario: %s has no %q (%v)", name, old, err)
		}
		if err := afero.WriteFile(fsys, full, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name, data string) {
		t.Helper()
		if err := afero.WriteFile(fsys, filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Settings: another time zone, and an app of their own.
	edit("config/settings.py", `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`)
	edit("config/settings.py", "    \"items\",\n", "    \"items\",\n    \"blog\",\n")
	write("blog/__init__.py", "")
	write("blog/apps.py", "from django.apps import AppConfig\n\n\nclass BlogConfig(AppConfig):\n    name = \"blog\"\n")
	write("blog/models.py", "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n")
	// A field on the example model, with its migration.
	edit("items/models.py", "    description = models.TextField(blank=True)\n",
		"    description = models.TextField(blank=True)\n    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)\n")
	write("items/migrations/0002_item_price.py", "# the user's own migration\n")
	// A package of their own, a route of their own, and urls.py in CRLF.
	edit("requirements.txt", "whitenoise==6.12.0\n", "whitenoise==6.12.0\nrequests==2.32.3\n")
	edit("config/urls.py", "    path(\"api-auth/\", include(\"rest_framework.urls\")),\n",
		"    path(\"api-auth/\", include(\"rest_framework.urls\")),\n    path(\"blog/\", include(\"blog.urls\")),\n")
	urls, err := afero.ReadFile(fsys, filepath.Join(dir, "config/urls.py"))
	if err != nil {
		t.Fatal(err)
	}
	write("config/urls.py", strings.ReplaceAll(string(urls), "\n", "\r\n"))
	// The README's first line, which the templates change too.
	edit("README.md", "A REST API built with Django", "Our catalogue API, built with Django")
	// A generated test they do not want.
	if err := fsys.Remove(filepath.Join(dir, "tests/test_health.py")); err != nil {
		t.Fatal(err)
	}
}

// TestUpdateScenario generates a project with release 1.0.0, edits it as a
// user would, updates it to later templates, and compares what the update
// reports and writes with a golden archive.
func TestUpdateScenario(t *testing.T) {
	git := systemGit(t)
	v1, err := Released("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	next := nextTemplates(t)
	opts := generator.DefaultOptions()
	opts.Name = "myapi"

	fsys := afero.NewMemMapFs()
	const dir = "/work/myapi"
	generated := renderWith(t, opts, v1, "1.0.0", rand.NewChaCha8([32]byte{1}))
	if _, err := writer.Write(fsys, dir, generated, false); err != nil {
		t.Fatal(err)
	}
	scenarioUser(t, fsys, dir)
	before := snapshot(t, fsys, dir)

	in := scenarioInput(t, fsys, dir, opts, v1, next, "1.0.0", "1.1.0", GitMerger{Git: git})
	p, err := Compute(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, fsys, dir); !bytes.Equal(before, after) {
		t.Fatal("Compute changed the project")
	}
	got := scenarioArchive(p)
	golden.Check(t, "../../testdata/update/scenario.txtar", got, *rewrite, "go test ./internal/update -update")

	// Computing again gives the very same plan.
	again, err := Compute(context.Background(), scenarioInput(t, fsys, dir, opts, v1, next, "1.0.0", "1.1.0", GitMerger{Git: git}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(scenarioArchive(again), got) {
		t.Error("a second Compute gave another plan")
	}

	// Applied, resolved, and updated again: nothing left to do.
	apply(t, fsys, dir, p)
	resolveTakingOurs(t, fsys, dir, p.Conflicts())
	second, err := Compute(context.Background(), Input{
		Fs: fsys, Dir: dir, Base: &in.Theirs, Theirs: in.Theirs, Hashes: config.Hashes(in.Theirs), Labels: in.Labels, Merger: GitMerger{Git: git},
	})
	if err != nil {
		t.Fatal(err)
	}
	if second.Lags() {
		t.Errorf("the second update still has work: %s", second.Summary())
	}
}

// scenarioInput renders both sides as scaffold update does: with the same
// random bytes, and the secrets the project already has.
func scenarioInput(t *testing.T, fsys afero.Fs, dir string, opts generator.Options, from, to generator.Tree, fromVersion, toVersion string, m Merger) Input {
	t.Helper()
	replay := NewReplay(rand.NewChaCha8([32]byte{2}))
	plans, err := pipeline.ReuseSecrets(fsys, dir, func(own generator.Secrets) ([]generator.Plan, error) {
		opts.Secrets = own
		return []generator.Plan{renderWith(t, opts, to, toVersion, replay.Again()), renderWith(t, opts, from, fromVersion, replay.Again())}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	theirs, base := plans[0], plans[1]
	return Input{
		Fs: fsys, Dir: dir, Base: &base, Theirs: theirs,
		Labels:    Labels{Ours: opts.Name + " (yours)", Base: templates.Name + " " + fromVersion, Theirs: templates.Name + " " + toVersion},
		Templates: templates.Name + " " + toVersion,
		Merger:    m,
	}
}

// renderWith renders a project as scaffold does: with its answers file,
// which records the builtin templates of the given version, and
// which records the hashes of the files.
func renderWith(t *testing.T, o generator.Options, tree generator.Tree, version string, rnd io.Reader) generator.Plan {
	t.Helper()
	p, err := pipeline.Render(context.Background(), pipeline.Spec{Options: o, Tree: tree, Templates: config.Template{Name: templates.Name, Version: version}, ScaffoldVersion: "v1.0.0"}, rnd)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// scenarioArchive shows the report, then every file the update writes.
func scenarioArchive(p Plan) []byte {
	a := &txtar.Archive{Comment: []byte("scaffold update: " + p.Summary() + "\n")}
	for _, l := range p.Lines() {
		a.Comment = fmt.Appendf(a.Comment, "%-9s %s\n", l.Kind, l)
	}
	for _, f := range p.Writes() {
		if f.Path == config.FileName {
			continue // records the run: scaffold's own version
		}
		a.Files = append(a.Files, txtar.File{Name: f.Path, Data: f.Data})
	}
	return txtar.Format(a)
}

// apply writes a plan as the writer would, for tests of what follows.
func apply(t *testing.T, fsys afero.Fs, dir string, p Plan) {
	t.Helper()
	for _, f := range p.Writes() {
		full := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := fsys.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := afero.WriteFile(fsys, full, f.Data, f.Mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range p.Removes() {
		if err := fsys.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
}

// resolveTakingOurs resolves each conflict block as a user keeping their side.
func resolveTakingOurs(t *testing.T, fsys afero.Fs, dir string, paths []string) {
	t.Helper()
	for _, name := range paths {
		full := filepath.Join(dir, filepath.FromSlash(name))
		data, err := afero.ReadFile(fsys, full)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		state := 0
		for line := range strings.Lines(string(data)) {
			switch {
			case isMarker(strings.TrimSuffix(line, "\n"), markerOurs):
				state = 1
			case state == 1 && strings.TrimSuffix(line, "\n") == markerSep:
				state = 2
			case state == 2 && isMarker(strings.TrimSuffix(line, "\n"), markerTheirs):
				state = 0
			case state != 2:
				out.WriteString(line)
			}
		}
		if err := afero.WriteFile(fsys, full, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot is every file of the project with its mode, in one archive.
func snapshot(t *testing.T, fsys afero.Fs, dir string) []byte {
	t.Helper()
	a := &txtar.Archive{}
	err := afero.Walk(fsys, dir, func(p string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := afero.ReadFile(fsys, p)
		rel, _ := filepath.Rel(dir, p)
		a.Files = append(a.Files, txtar.File{Name: fmt.Sprintf("%s %v", filepath.ToSlash(rel), info.Mode()), Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return txtar.Format(a)
}
