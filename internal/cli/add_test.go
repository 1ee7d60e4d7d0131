package cli

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/prompt"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/version"
)

// The resources of TestAddResourceMatchesNewProject, in the order added.
// apples sorts before the others, so its import goes first in config/urls.py;
// tags sorts after config, whose import sits among the resources' there.
var addedResources = []struct {
	name  string
	specs []string
}{
	{"books", []string{"title:str", "author:fk:authors", "price:decimal:8,2", "isbn:str:13:unique:null"}},
	{"apples", []string{"variety:slug:unique", "books:m2m:books:null", "picked:date:default=today"}},
	{"tags", []string{"label:str:50:unique", "apples:m2m:apples:null"}},
}

func newProjectWithAuthors(t *testing.T, fsys afero.Fs, database string) {
	t.Helper()
	r := run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false", "--database", database,
		"--resource", "authors", "name:str:120", "email:email:unique")
	if r.code != ExitOK {
		t.Fatalf("new: exit %d: %s", r.code, r.stderr)
	}
}

func addResource(t *testing.T, fsys afero.Fs, name string, specs ...string) result {
	t.Helper()
	return run(t, harness{fs: fsys}, append([]string{"add", "resource", name, "--project", "myapi"}, specs...)...)
}

// Adding resources one by one must give exactly the project that new gives
// for the same resources at once: scaffold update renders it that way.
func TestAddResourceMatchesNewProject(t *testing.T) {
	for _, database := range []string{"postgres", "mysql", "sqlite"} {
		t.Run(database, func(t *testing.T) {
			fsys := newFs(t)
			newProjectWithAuthors(t, fsys, database)
			opts := generator.DefaultOptions()
			opts.Name, opts.Database, opts.Resource = "myapi", database, "authors"
			opts.ResourceFields = mustParse(t, "name:str:120", "email:email:unique")
			for _, add := range addedResources {
				r := addResource(t, fsys, add.name, add.specs...)
				if r.code != ExitOK {
					t.Fatalf("add resource %s: exit %d: %s", add.name, r.code, r.stderr)
				}
				opts.Resources = append(opts.Resources, resource.Resource{Name: add.name, Fields: mustParse(t, add.specs...)})
			}
			plan, err := project.Render(context.Background(), project.Spec{Options: opts, Tree: generator.Builtin(), Templates: pack.Builtin().Templates(), ScaffoldVersion: version.String()}, rand.NewChaCha8([32]byte{7}))
			if err != nil {
				t.Fatal(err)
			}
			got := tree(t, fsys, "myapi")
			for _, f := range plan.Files {
				if f.Path == ".env" {
					continue
				}
				want := f.Mode.String() + " " + string(f.Data)
				if got[f.Path] != want {
					t.Errorf("%s differs from a new project's:\n%s\nwant\n%s", f.Path, got[f.Path], want)
				}
				delete(got, f.Path)
			}
			delete(got, ".env")
			for p := range got {
				t.Errorf("%s is not in a new project", p)
			}
		})
	}
}

func mustParse(t *testing.T, specs ...string) []resource.Field {
	t.Helper()
	fields, err := resource.ParseFields(specs)
	if err != nil {
		t.Fatal(err)
	}
	return fields
}

func TestNewAsksForTheExampleResourcesFields(t *testing.T) {
	fsys := newFs(t)
	fake := prompt.NewFake(map[string]any{
		"name": "myapi", "resource": "books",
		FieldsQuestion: []any{"title:string", "title:str price:decimal:8,2"},
	})
	r := run(t, harness{fs: fsys, asked: fake}, "new")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	models := readFile(t, fsys, "myapi/books/models.py")
	if !strings.Contains(models, "price = models.DecimalField(max_digits=8, decimal_places=2)") {
		t.Errorf("books/models.py:\n%s", models)
	}
	if answers := readFile(t, fsys, "myapi/.scaffold.yaml"); !strings.Contains(answers, "resource_fields:\n  - title:str\n  - price:decimal:8,2\n") {
		t.Errorf(".scaffold.yaml does not record the fields:\n%s", answers)
	}
	for _, q := range fake.Asked {
		if q.Name == FieldsQuestion && len(q.Refused) != 1 {
			t.Errorf("refused %v, want the unknown type", q.Refused)
		}
	}
}

// A table wider than the database holds is refused before anything is
// written, with the limit named, rather than by migrate.
func TestAddResourceRefusesMoreColumnsThanTheDatabaseHolds(t *testing.T) {
	fsys := newFs(t)
	newProjectWithAuthors(t, fsys, "sqlite")
	before := tree(t, fsys, "myapi")
	specs := make([]string, 1998)
	for i := range specs {
		specs[i] = fmt.Sprintf("f%d:int", i)
	}
	r := addResource(t, fsys, "wide", specs...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "2001 columns") || !strings.Contains(r.stderr, "SQLite's limit of 2000") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !maps.Equal(before, tree(t, fsys, "myapi")) {
		t.Error("the refused resource changed the project")
	}
}
