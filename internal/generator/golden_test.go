package generator

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenDir is the repository's top-level testdata, where golden projects
// are reviewed like code.
const goldenDir = "../../testdata/golden"

// goldenCases together use every value of every option.
var goldenCases = []struct {
	name string
	opts func(*Options)
}{
	{"default", func(o *Options) {}},
	{"mysql-jwt-celery-cors-uvicorn-gitlab", func(o *Options) {
		o.Python, o.Database, o.Auth, o.Celery, o.CORS, o.Server, o.CI = "3.12", "mysql", "jwt", true, true, "uvicorn", "gitlab"
	}},
	{"sqlite-session-noresource-nodocs-django61", func(o *Options) {
		o.Python, o.Django, o.Database, o.Auth, o.Resource, o.APIDocs, o.CORS, o.CI = "3.14", "6.1", "sqlite", "session", "", false, true, "none"
	}},
	{"postgres-jwt-celery-uvicorn-django61", func(o *Options) {
		o.Django, o.Auth, o.Resource, o.Celery, o.Server = "6.1", "jwt", "blog_posts", true, "uvicorn"
	}},
	{"mysql-token-nodocs-gitlab", func(o *Options) {
		o.Python, o.Database, o.APIDocs, o.CI = "3.14", "mysql", false, "gitlab"
	}},
	{"sqlite-token-celery-cors-uvicorn-django61", func(o *Options) {
		o.Python, o.Django, o.Database, o.Resource, o.Celery, o.CORS, o.Server, o.CI = "3.12", "6.1", "sqlite", "categories", true, true, "uvicorn", "none"
	}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			o.Name = "myapi"
			tc.opts(&o)
			plan, err := Render(o, Builtin(), fixedRand())
			if err != nil {
				t.Fatal(err)
			}
			got := txtar.Format(archiveOf(o, plan))
			path := filepath.Join(goldenDir, tc.name+".txtar")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v; run go test ./internal/generator -update to create it", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the rendered project; review this diff and run go test ./internal/generator -update if it is right:\n%s",
					path, goldenDiff(txtar.Parse(want), txtar.Parse(got)))
			}
		})
	}
}

// archiveOf keeps a whole project in one reviewable file. txtar has no modes,
// so the comment lists the executable files.
func archiveOf(o Options, plan Plan) *txtar.Archive {
	var comment strings.Builder
	resource := "--resource " + o.Resource
	if o.Resource == "" {
		resource = "--no-resource"
	}
	fmt.Fprintf(&comment, "scaffold new %s --python %s --django %s --database %s --auth %s %s --api-docs=%t --celery=%t --cors=%t --server %s --ci %s\n",
		o.Name, o.Python, o.Django, o.Database, o.Auth, resource, o.APIDocs, o.Celery, o.CORS, o.Server, o.CI)
	a := &txtar.Archive{}
	for _, f := range plan.Files {
		if f.Mode&0o111 != 0 {
			fmt.Fprintf(&comment, "executable: %s\n", f.Path)
		}
		a.Files = append(a.Files, txtar.File{Name: f.Path, Data: f.Data})
	}
	a.Comment = []byte(comment.String())
	return a
}

// goldenDiff shows a unified diff per changed file, which reads far better
// than two whole archives.
func goldenDiff(want, got *txtar.Archive) string {
	files := func(a *txtar.Archive) map[string]string {
		m := map[string]string{"(header)": string(a.Comment)}
		for _, f := range a.Files {
			m[f.Name] = string(f.Data)
		}
		return m
	}
	w, g := files(want), files(got)
	names := map[string]bool{}
	for n := range w {
		names[n] = true
	}
	for n := range g {
		names[n] = true
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	var out strings.Builder
	for _, n := range sorted {
		if w[n] == g[n] {
			continue
		}
		diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(w[n]), B: difflib.SplitLines(g[n]),
			FromFile: "golden/" + n, ToFile: "rendered/" + n, Context: 2,
		})
		out.WriteString(diff)
	}
	return out.String()
}
