package cli

import (
	"context"
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
	r := run(t, fsys, "new", "myapi", "--yes", "--git=false", "--database", database,
		"--resource", "authors", "name:str:120", "email:email:unique")
	if r.code != ExitOK {
		t.Fatalf("new: exit %d: %s", r.code, r.stderr)
	}
}

func addResource(t *testing.T, fsys afero.Fs, name string, specs ...string) result {
	t.Helper()
	return run(t, fsys, append([]string{"add", "resource", name, "--project", "myapi"}, specs...)...)
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

func TestAddResourceRefusesAndWritesNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, fsys afero.Fs)
		args  []string
		want  string
	}{
		{"existing resource", nil, []string{"authors", "name:str"}, "has a resource of that name already"},
		{"unknown type", nil, []string{"books", "title:string"}, `unknown type "string"`},
		{"unknown modifier", nil, []string{"books", "title:str:uniq"}, `unknown modifier "uniq"`},
		{"keyword", nil, []string{"books", "class:str"}, "Python keyword"},
		{"dunder", nil, []string{"books", "__x:str"}, `must not start with "_"`},
		{"id", nil, []string{"books", "id:int"}, "has an id already"},
		{"timestamp", nil, []string{"books", "created_at:datetime"}, "created_at already"},
		{"duplicate", nil, []string{"books", "title:str", "title:text"}, "already a field named title"},
		{"unknown target", nil, []string{"books", "author:fk:writers"}, "writers is not a resource of this project; it has authors"},
		{"self without null", nil, []string{"books", "parent:fk:books"}, "must be optional"},
		{"module clash", nil, []string{"config", "name:str"}, "shadow"},
		{"folder in the way", func(t *testing.T, fsys afero.Fs) {
			if err := fsys.MkdirAll("myapi/books", 0o755); err != nil {
				t.Fatal(err)
			}
		}, []string{"books", "title:str"}, "already exists in the project"},
		{"missing marker", func(t *testing.T, fsys afero.Fs) {
			edit(t, fsys, "myapi/config/settings.py", "    # scaffold: installed-apps\n", "")
		}, []string{"books", "title:str"}, `config/settings.py has no line "# scaffold: installed-apps"`},
		{"missing file", func(t *testing.T, fsys afero.Fs) {
			if err := fsys.Remove("myapi/README.md"); err != nil {
				t.Fatal(err)
			}
		}, []string{"books", "title:str"}, `README.md has no line "<!-- scaffold: endpoints -->"`},
		{"other template version", func(t *testing.T, fsys afero.Fs) {
			edit(t, fsys, "myapi/.scaffold.yaml", "  version: ", "  version: 0.")
		}, []string{"books", "title:str"}, "run scaffold update in it first"},
		{"not a project", func(t *testing.T, fsys afero.Fs) {
			if err := fsys.Remove("myapi/.scaffold.yaml"); err != nil {
				t.Fatal(err)
			}
		}, []string{"books", "title:str"}, "has no .scaffold.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := newFs(t)
			newProjectWithAuthors(t, fsys, "postgres")
			if tt.setup != nil {
				tt.setup(t, fsys)
			}
			before := tree(t, fsys, "myapi")
			r := addResource(t, fsys, tt.args[0], tt.args[1:]...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d: %s", r.code, ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q, want one line mentioning %q", r.stderr, tt.want)
			}
			after := tree(t, fsys, "myapi")
			if len(after) != len(before) {
				t.Errorf("%d files before, %d after", len(before), len(after))
			}
			for p, data := range before {
				if after[p] != data {
					t.Errorf("%s changed", p)
				}
			}
		})
	}
}

func TestAddResourceKeepsTheUsersEdits(t *testing.T) {
	fsys := newFs(t)
	newProjectWithAuthors(t, fsys, "sqlite")
	edit(t, fsys, "myapi/config/settings.py", "    # scaffold: installed-apps\n", "    \"mine\",\n    # scaffold: installed-apps\n")
	edit(t, fsys, "myapi/README.md", "## Endpoints", "## Our endpoints")
	if r := addResource(t, fsys, "books", "title:str"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	settings := tree(t, fsys, "myapi")["config/settings.py"]
	if !strings.Contains(settings, "    \"authors\",\n    \"mine\",\n    \"books\",\n    # scaffold: installed-apps\n") {
		t.Errorf("INSTALLED_APPS:\n%s", settings)
	}
	readme := tree(t, fsys, "myapi")["README.md"]
	if !strings.Contains(readme, "## Our endpoints") || !strings.Contains(readme, "| `/api/books/` |") {
		t.Errorf("README.md lost the edit or lacks the resource:\n%s", readme)
	}
	if r := addResource(t, fsys, "books", "title:str"); r.code != ExitUsage {
		t.Errorf("adding books twice: exit %d, want %d", r.code, ExitUsage)
	}
}

func TestAddResourceDryRunWritesNothing(t *testing.T) {
	fsys := newFs(t)
	newProjectWithAuthors(t, fsys, "postgres")
	before := tree(t, fsys, "myapi")
	r := run(t, fsys, "add", "resource", "books", "title:str", "--project", "myapi", "--dry-run")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"books/models.py", "config/settings.py", "config/urls.py", "README.md", ".scaffold.yaml"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run does not list %s:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "config/wsgi.py") {
		t.Errorf("dry run lists an unchanged file:\n%s", r.stdout)
	}
	if after := tree(t, fsys, "myapi"); len(after) != len(before) {
		t.Errorf("a dry run wrote files")
	}
}

func TestAddResourceHelpShowsTheFieldSyntax(t *testing.T) {
	r := run(t, newFs(t), "add", "resource", "--help")
	for _, want := range []string{"decimal:D,P", "fk:RESOURCE", "default=VALUE", "scaffold add resource books title:str author:fk:authors"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

func edit(t *testing.T, fsys afero.Fs, name, old, new string) {
	t.Helper()
	data, err := afero.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", name, old)
	}
	if err := afero.WriteFile(fsys, name, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNewAsksForTheExampleResourcesFields(t *testing.T) {
	fsys := newFs(t)
	fake := prompt.NewFake(map[string]any{
		"name": "myapi", "resource": "books",
		FieldsQuestion: []any{"title:string", "title:str price:decimal:8,2"},
	})
	r := runAsked(t, fsys, fake, "new")
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

func TestNewTakesFieldsAfterTheName(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, fsys, "new", "myapi", "--yes", "--resource", "books", "title:str", "isbn:str:13:unique"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if models := readFile(t, fsys, "myapi/books/models.py"); !strings.Contains(models, "isbn = models.CharField(max_length=13, unique=True)") {
		t.Errorf("books/models.py:\n%s", models)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "x", "--yes", "--no-resource", "title:str"}, "need a resource"},
		{[]string{"new", "x", "--yes", "title:nope"}, `unknown type "nope"`},
		{[]string{"new", "x", "y", "--yes"}, "more than one project NAME"},
	} {
		r := run(t, newFs(t), tt.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d mentioning %q", tt.args, r.code, r.stderr, ExitUsage, tt.want)
		}
	}
}

// What add resource records renders again to the same files: scaffold diff,
// which renders from .scaffold.yaml, finds nothing to change.
func TestAddedResourcesRenderAgainFromTheAnswersFile(t *testing.T) {
	fsys := newFs(t)
	newProjectWithAuthors(t, fsys, "mysql")
	for _, add := range addedResources {
		if r := addResource(t, fsys, add.name, add.specs...); r.code != ExitOK {
			t.Fatalf("add resource %s: exit %d: %s", add.name, r.code, r.stderr)
		}
	}
	if r := run(t, fsys, "diff", "myapi"); r.code != ExitOK {
		t.Errorf("scaffold diff: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
