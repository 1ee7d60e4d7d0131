package cli

import (
	"maps"
	"strings"
	"testing"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/templates"
)

// An owned resource and a model named by --model are recorded, so that the
// answers file makes the same project again.
func TestOwnerAndModelAreRecordedAndRenderAgain(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false", "--database", "sqlite",
		"--resource", "notes", "--owner", "--model", "Memo", "title:str"); r.code != ExitOK {
		t.Fatalf("new: exit %d: %s", r.code, r.stderr)
	}
	if r := addResource(t, fsys, "people", "name:str", "--owner"); r.code != ExitOK {
		t.Fatalf("add people: exit %d: %s", r.code, r.stderr)
	}
	if r := addResource(t, fsys, "children", "name:str", "--model", "Kid"); r.code != ExitOK {
		t.Fatalf("add children: exit %d: %s", r.code, r.stderr)
	}
	answers := readFile(t, fsys, "myapi/.scaffold.yaml")
	for _, want := range []string{"\n  owner: true\n", "resource_model: Memo\n",
		"  - name: people\n    fields:\n      - name:str\n    model: Person\n    owner: true\n",
		"  - name: children\n    fields:\n      - name:str\n    model: Kid\n"} {
		if !strings.Contains(answers, want) {
			t.Errorf(".scaffold.yaml lacks %q:\n%s", want, answers)
		}
	}
	for path, want := range map[string]string{
		"myapi/notes/models.py":    "class Memo(models.Model):\n    owner = models.ForeignKey(",
		"myapi/people/models.py":   "class Person(models.Model):\n    owner = models.ForeignKey(",
		"myapi/children/models.py": "class Kid(models.Model):\n    name = ",
		"myapi/people/views.py":    "return queryset.filter(owner=user)",
	} {
		if got := readFile(t, fsys, path); !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", path, want, got)
		}
	}
	if r := run(t, harness{fs: fsys}, "new", "--config", "myapi/.scaffold.yaml", "--no-input", "--git=false", "-o", "again"); r.code != ExitOK {
		t.Fatalf("new --config: exit %d: %s", r.code, r.stderr)
	}
	first, again := tree(t, fsys, "myapi"), tree(t, fsys, "again/myapi")
	for _, secret := range []string{".env", ".env.db"} {
		delete(first, secret)
		delete(again, secret)
	}
	if !maps.Equal(first, again) {
		for p := range first {
			if first[p] != again[p] {
				t.Errorf("%s renders differently from its answers file", p)
			}
		}
	}
}

// An answers file that records no model was written by scaffold 1.2.0 or
// earlier, whose models keep the names they had, whatever the English
// singular says.
func TestAnswersFileWithoutModelsKeepsTheOldNames(t *testing.T) {
	fsys := newFs(t)
	writeFile(t, fsys, "answers.yaml", "answers:\n  name: myapi\n  database: sqlite\n  resource: news\n"+
		"resources:\n  - name: people\n    fields:\n      - name:str\n")
	if r := run(t, harness{fs: fsys}, "new", "--config", "answers.yaml", "--no-input", "--git=false"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := readFile(t, fsys, "myapi/news/models.py"); !strings.Contains(got, "class New(models.Model):") {
		t.Errorf("news/models.py:\n%s", got)
	}
	if got := readFile(t, fsys, "myapi/people/models.py"); !strings.Contains(got, "class People(models.Model):") {
		t.Errorf("people/models.py:\n%s", got)
	}
	if got := readFile(t, fsys, "myapi/.scaffold.yaml"); strings.Contains(got, "model:") {
		t.Errorf("the old names are recorded, which an older scaffold could not read:\n%s", got)
	}
	// Another resource named on the command line takes today's names.
	if r := run(t, harness{fs: fsys}, "new", "--config", "answers.yaml", "--no-input", "--git=false", "-o", "other", "--resource", "series"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := readFile(t, fsys, "other/myapi/series/models.py"); !strings.Contains(got, "class Series(models.Model):") {
		t.Errorf("series/models.py:\n%s", got)
	}
}

func TestBadModelsAndOwnersAreUsageErrors(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false", "--database", "sqlite", "--resource", "notes"); r.code != ExitOK {
		t.Fatalf("new: exit %d: %s", r.code, r.stderr)
	}
	before := tree(t, fsys, "myapi")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"people", "--model", "person"}, "starts with a capital letter"},
		{[]string{"people", "--model", "Blog_Post"}, "ASCII letters and digits"},
		{[]string{"people", "--model", "None"}, "Python keyword"},
		{[]string{"people", "--model", "Decimal"}, "imports a name"},
		{[]string{"memos", "--model", "Note"}, "the model of notes already"},
	} {
		r := addResource(t, fsys, tc.args[0], tc.args[1:]...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("add resource %v: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	if !maps.Equal(before, tree(t, fsys, "myapi")) {
		t.Error("a refused resource changed the project")
	}
	if r := addResource(t, fsys, "persons", "name:str"); r.code != ExitOK {
		t.Fatalf("add persons: exit %d: %s", r.code, r.stderr)
	}
	if r := addResource(t, fsys, "people", "name:str"); r.code != ExitUsage || !strings.Contains(r.stderr, "its model would be Person") {
		t.Errorf("people beside persons: exit %d, stderr %q", r.code, r.stderr)
	}
	r := run(t, harness{fs: newFs(t)}, "new", "myapi", "--yes", "--git=false", "--no-resource", "--owner")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "there is none") {
		t.Errorf("--owner without a resource: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, harness{fs: newFs(t)}, "new", "myapi", "--yes", "--git=false", "--no-resource", "--model", "Thing")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "needs a resource") {
		t.Errorf("--model without a resource: exit %d, stderr %q", r.code, r.stderr)
	}
}

// Resources that a release before the ordering index made get it in a
// migration of their own; a hand-written answers file, and one of the
// current templates, are of today.
func TestMadeWithoutIndexes(t *testing.T) {
	for _, tc := range []struct {
		tmpl config.Template
		want bool
	}{
		{config.Template{}, false},
		{config.Template{Name: "django-drf", Version: "1.0.0"}, true},
		{config.Template{Name: "django-drf", Version: "1.1.0"}, true},
		{config.Template{Name: "django-drf", Version: templates.Version}, false},
		{config.Template{Name: "django-drf", Version: "1.3.0"}, false},
		{config.Template{Name: "acme", Version: "9.0.0", Path: "../acme"}, true},
		{config.Template{Name: "acme", Version: "9.0.0", Path: "../acme", Builtin: "1.1.0"}, true},
		{config.Template{Name: "acme", Version: "0.1.0", Path: "../acme", Builtin: "1.4.0"}, false},
	} {
		if got := tc.tmpl.MadeWithoutIndexes(); got != tc.want {
			t.Errorf("%+v: %v, want %v", tc.tmpl, got, tc.want)
		}
	}
}
