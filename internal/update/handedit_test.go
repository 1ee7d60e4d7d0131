package update

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

// celeryByHand is a project generated without Celery whose .scaffold.yaml
// the user then edited to celery: true: the recorded answers, which the
// base is rendered from, already say true, but files: records what was
// written without it.
func celeryByHand(t *testing.T) (afero.Fs, string, Input, generator.Options) {
	t.Helper()
	tmpl := generator.Builtin()
	opts := generator.DefaultOptions()
	opts.Name = "myapi"
	fsys := afero.NewMemMapFs()
	const dir = "/myapi"
	first := renderWith(t, opts, tmpl, templates.Version, rand.NewChaCha8([32]byte{3}))
	if _, err := writer.Write(fsys, dir, first, false); err != nil {
		t.Fatal(err)
	}
	edited := opts
	edited.Celery = true
	in := scenarioInput(t, fsys, dir, edited, tmpl, tmpl, templates.Version, templates.Version, GitMerger{Git: systemGit(t)})
	in.Hashes = config.Hashes(first)
	return fsys, dir, in, edited
}

func TestHandEditedAnswersAddWhatWasNeverWritten(t *testing.T) {
	fsys, dir, in, edited := celeryByHand(t)
	p, err := Compute(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"config/celery.py", "config/tasks.py", "tests/test_tasks.py"} {
		if k := kindOf(p, name); k != Added {
			t.Errorf("%s: %s, want added: files: never recorded it", name, k)
		}
	}
	if n := p.Count(Deleted); n != 0 {
		t.Errorf("%d files reported deleted by the user, who deleted none:\n%v", n, p.paths(Deleted))
	}
	broken, err := p.BrokenImports(in)
	if err != nil || len(broken) != 0 {
		t.Errorf("broken imports %v (%v), want none", broken, err)
	}
	apply(t, fsys, dir, p)
	fresh := afero.NewMemMapFs()
	if _, err := writer.Write(fresh, dir, render(t, edited, generator.Builtin(), 99), false); err != nil {
		t.Fatal(err)
	}
	got, want := withoutSecrets(t, fsys, dir), withoutSecrets(t, fresh, dir)
	if !bytes.Equal(txtar.Format(got), txtar.Format(want)) {
		t.Errorf("the updated project (b/) is not what new writes with Celery (a/):\n%s", golden.Diff(want, got))
	}
}

// A file that was written and that the user removed stays deleted; when
// what the update writes imports it, the plan says so.
func TestBrokenImportOfAFileTheUserDeleted(t *testing.T) {
	fsys, dir, in, _ := celeryByHand(t)
	// As if files: had recorded config/celery.py, and the user deleted it.
	celery, _ := in.Theirs.Lookup("config/celery.py")
	in.Hashes["config/celery.py"] = config.Hash(celery.Data)
	p, err := Compute(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if k := kindOf(p, "config/celery.py"); k != Deleted {
		t.Fatalf("config/celery.py: %s, want deleted", k)
	}
	broken, err := p.BrokenImports(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []BrokenImport{
		{Path: "config/__init__.py", Module: ".celery", File: "config/celery.py"},
		{Path: "config/healthcheck.py", Module: "config.celery", File: "config/celery.py"},
	}
	if len(broken) != len(want) || broken[0] != want[0] || broken[1] != want[1] {
		t.Errorf("broken imports %+v, want %+v", broken, want)
	}
	// Put back, it is no longer missing.
	if err := afero.WriteFile(fsys, filepath.Join(dir, "config/celery.py"), celery.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err = Compute(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if broken, _ := p.BrokenImports(in); len(broken) != 0 {
		t.Errorf("broken imports %+v after the file came back", broken)
	}
}

func TestImportedModules(t *testing.T) {
	src := "import os\nimport config.logs\nfrom .celery import app as celery_app\nfrom . import tasks, views as v\nfrom ..items.models import Item\nfrom rest_framework import serializers\n"
	got := importedModules("config/__init__.py", []byte(src))
	want := []string{"os.py", "config/logs.py", "config/celery.py", "config/tasks.py", "config/views.py", "items/models.py", "rest_framework.py"}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i].files[0] != want[i] {
			t.Errorf("%d: %s, want %s", i, got[i].files[0], want[i])
		}
	}
}

func kindOf(p Plan, name string) Kind {
	for _, c := range p.Changes {
		if c.Path == name {
			return c.Kind
		}
	}
	return Unchanged
}
