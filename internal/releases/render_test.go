package releases_test

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
)

var writeGolden = flag.Bool("update", false, "write the golden projects of releases that have none yet")

// releaseCases together use every value of every option of release 1.0.0.
var releaseCases = []struct {
	name string
	opts func(*generator.Options)
}{
	{"default", func(o *generator.Options) {}},
	{"mysql-jwt-celery-cors-uvicorn-gitlab", func(o *generator.Options) {
		o.Python, o.Database, o.Auth, o.Celery, o.CORS, o.Server, o.CI = "3.12", "mysql", "jwt", true, true, "uvicorn", "gitlab"
	}},
	{"sqlite-session-noresource-nodocs-django61", func(o *generator.Options) {
		o.Python, o.Django, o.Database, o.Auth, o.Resource, o.APIDocs, o.CORS, o.CI = "3.14", "6.1", "sqlite", "session", "", false, true, "none"
	}},
	{"postgres-jwt-celery-uvicorn-django61", func(o *generator.Options) {
		o.Django, o.Auth, o.Resource, o.Celery, o.Server = "6.1", "jwt", "blog_posts", true, "uvicorn"
	}},
}

// TestEveryReleaseRendersAsReleased renders each archived release with this
// engine and compares it with what the release rendered when it was made.
// Those golden projects are written once and never rewritten: a difference
// means the engine no longer renders an old release as it did, which would
// break `scaffold update` for every project generated with it.
func TestEveryReleaseRendersAsReleased(t *testing.T) {
	for _, version := range releases.Versions() {
		tmpl, err := update.Released(version)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range releaseCases {
			t.Run(version+"/"+tc.name, func(t *testing.T) {
				o := generator.DefaultOptions()
				o.Name = "myapi"
				tc.opts(&o)
				plan, err := generator.Render(o, tmpl, rand.NewChaCha8([32]byte{1}))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("../../testdata/releases", version, tc.name+".txtar")
				_, statErr := os.Stat(path)
				got := golden.Archive(tc.name, templateOutput(plan))
				golden.Check(t, path, got, *writeGolden && os.IsNotExist(statErr), "go test ./internal/releases -update")
			})
		}
	}
}

// templateOutput leaves out the answers file, which records the run rather
// than the templates.
func templateOutput(p generator.Plan) generator.Plan {
	var out generator.Plan
	for _, f := range p.Files {
		if f.Path != ".scaffold.yaml" {
			out.Files = append(out.Files, f)
		}
	}
	return out
}
