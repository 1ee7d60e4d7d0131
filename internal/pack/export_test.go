package pack

import (
	"bytes"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

func TestExportCopiesEveryTemplate(t *testing.T) {
	plan, err := Export()
	if err != nil {
		t.Fatal(err)
	}
	y, ok := plan.Lookup(FileName)
	if !ok {
		t.Fatal("the export has no pack.yaml")
	}
	p, err := parse(FileName, y.Data)
	if err != nil {
		t.Fatalf("exported pack.yaml does not parse: %v", err)
	}
	if p.Name != templates.Name || p.Version != templates.Version {
		t.Errorf("exported pack is %s %s, want %s %s", p.Name, p.Version, templates.Name, templates.Version)
	}
	if p.spec.IsZero() {
		t.Error("the exported pack.yaml has no conditions")
	}
	count := 0
	err = fs.WalkDir(templates.Project(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == generator.ManifestFile {
			return err
		}
		count++
		want, err := fs.ReadFile(templates.Project(), name)
		if err != nil {
			return err
		}
		if f, ok := plan.Lookup(FilesDir + "/" + name); !ok || !bytes.Equal(f.Data, want) {
			t.Errorf("files/%s is missing or differs from the builtin template", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) != count+1 {
		t.Errorf("the export has %d files, want pack.yaml and %d templates", len(plan.Files), count)
	}
}

// TestExportRoundTrip renders the exported pack and the builtin templates
// with the same answers and random source: every file must match, .env too.
func TestExportRoundTrip(t *testing.T) {
	builtin := templates.Project()
	t.Run("builtin templates", func(t *testing.T) {
		plan, err := Export()
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, plan, builtin)
	})
	t.Run("a richer tree", func(t *testing.T) {
		tree := fstest.MapFS{
			".dockerignore":   {Data: []byte(".env\n")},
			"entrypoint.sh":   {Data: []byte("#!/bin/sh\nexec \"$@\"\n")},
			".env.tmpl":       {Data: []byte("DJANGO_SECRET_KEY={{ .Secrets.DjangoSecretKey }}\n")},
			"static/logo.png": {Data: []byte{0x89, 'P', 'N', 'G', 0, 1, 2}},
			"{{if .GitHubCI}}.github{{end}}/workflows/ci.yml.tmpl": {Data: []byte("python: {{ gha \"matrix.python\" }}\n")},
			"{{.App.Name}}/models.py.tmpl":                         {Data: []byte("class {{ .App.Model }}: pass\r\n\n\n")},
		}
		plan, err := exportTree(tree, templates.Name, templates.Version)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, plan, tree)
	})
}

func roundTrip(t *testing.T, export generator.Plan, builtin fs.FS) {
	t.Helper()
	fsys := afero.NewMemMapFs()
	if _, err := writer.Write(fsys, "exported", export, false); err != nil {
		t.Fatal(err)
	}
	p, err := Load(fsys, "exported")
	if err != nil {
		t.Fatal(err)
	}
	src, err := generator.FolderSource("templates/project", builtin)
	if err != nil {
		t.Fatal(err)
	}
	viaPack := p.Tree()
	viaPack.Sources[0] = src
	alone := generator.Builtin()
	alone.Sources[0] = src

	for _, opts := range []generator.Options{
		generator.DefaultOptions(),
		{Python: "3.14", Django: "6.1", Database: "sqlite", Auth: "jwt", Resource: "blog_posts", Server: "uvicorn", CI: "gitlab", Celery: true, CORS: true},
		{Python: "3.12", Django: "5.2", Database: "mysql", Auth: "session", Server: "gunicorn", CI: "none"},
	} {
		opts.Name = "shop-api"
		want, err := generator.Render(opts, alone, fixedRand())
		if err != nil {
			t.Fatal(err)
		}
		got, err := generator.Render(opts, viaPack, fixedRand())
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Files) != len(want.Files) {
			t.Errorf("%+v: the exported pack renders %d files, the builtin templates %d", opts, len(got.Files), len(want.Files))
		}
		for _, w := range want.Files {
			g, ok := got.Lookup(w.Path)
			if !ok || g.Mode != w.Mode || !bytes.Equal(g.Data, w.Data) {
				t.Errorf("%+v: %s differs between the exported pack and the builtin templates", opts, w.Path)
			}
		}
	}
}
