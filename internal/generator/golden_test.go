package generator_test

import (
	"flag"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/resource"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenDir is the repository's top-level testdata, where golden projects
// are reviewed like code.
const goldenDir = "../../testdata/golden"

// goldenCases together use every value of every option.
var goldenCases = []struct {
	name string
	opts func(*generator.Options)
}{
	{"default", func(o *generator.Options) {}},
	{"mysql-jwt-celery-cors-uvicorn-gitlab", func(o *generator.Options) {
		o.Python, o.Database, o.Auth, o.Celery, o.CORS, o.Server, o.CI = "3.12", "mysql", "jwt", true, true, "uvicorn", "gitlab"
		o.UpdateCheck = true
	}},
	{"sqlite-session-noresource-nodocs-django61", func(o *generator.Options) {
		o.Python, o.Django, o.Database, o.Auth, o.Resource, o.APIDocs, o.CORS, o.CI = "3.14", "6.1", "sqlite", "session", "", false, true, "none"
	}},
	{"postgres-jwt-celery-uvicorn-django61", func(o *generator.Options) {
		o.Django, o.Auth, o.Resource, o.Celery, o.Server = "6.1", "jwt", "blog_posts", true, "uvicorn"
		o.UpdateCheck = true
	}},
	{"mysql-token-nodocs-gitlab", func(o *generator.Options) {
		o.Python, o.Database, o.APIDocs, o.CI = "3.14", "mysql", false, "gitlab"
	}},
	{"postgres-typed-resources", func(o *generator.Options) {
		o.Resource = "authors"
		o.ResourceFields = fields("name:str:120", "email:email:unique", "bio:text:null")
		o.Resources = []resource.Resource{
			{Name: "books", Fields: fields("title:str:index", "isbn:str:13:unique:null", "author:fk:authors",
				"price:decimal:8,2:default=9.99", "rating:float:null", "in_print:bool", "published:date:default=today",
				"stocked_at:datetime:default=now", "site:url:null", "code:uuid:unique:default=uuid4", "handle:slug:unique",
				"meta:json:default={}", "pages:int:index", "sold:bigint:null", "sequel:fk:books:null",
				"coauthors:m2m:authors:null",
				"status:choice:draft,published,archived:default=draft", "binding:choice:hardcover,paperback:null",
				"summary:text:null", "contact:email:null", "isbn10:str:10:null", "notes:json:default=[]")},
			{Name: "tags", Fields: fields("label:slug:unique", "books:m2m:books", "state:choice:archived,draft,published:index")},
		}
	}},
	{"sqlite-jwt-owned-resources", func(o *generator.Options) {
		o.Database, o.Auth = "sqlite", "jwt"
		o.Resource, o.ResourceOwner = "notes", true
		o.ResourceFields = fields("title:str:120", "body:text:null")
		o.Resources = []resource.Resource{
			{Name: "people", Fields: fields("name:str", "note:fk:notes")},
			{Name: "children", Model: "Kid", Owner: true, Fields: fields("name:str", "parent:fk:notes:null")},
		}
	}},
	{"sqlite-token-celery-cors-uvicorn-django61", func(o *generator.Options) {
		o.Python, o.Django, o.Database, o.Resource, o.Celery, o.CORS, o.Server, o.CI = "3.12", "6.1", "sqlite", "categories", true, true, "uvicorn", "none"
	}},
	{"postgres-kubernetes", func(o *generator.Options) {
		o.Kubernetes = true
	}},
	{"mysql-celery-cors-uvicorn-kubernetes", func(o *generator.Options) {
		o.Name, o.Database, o.Celery, o.CORS, o.Server, o.Kubernetes = "My_API", "mysql", true, true, "uvicorn", true
	}},
}

func fields(specs ...string) []resource.Field {
	f, err := resource.ParseFields(specs)
	if err != nil {
		panic(err)
	}
	return f
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			o := generator.DefaultOptions()
			o.Name = "myapi"
			tc.opts(&o)
			plan, err := golden.Project(o, generator.Builtin(), pack.Builtin().Templates(), rand.NewChaCha8([32]byte{1}))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(goldenDir, tc.name+".txtar"), golden.Archive(golden.Command(o), plan),
				*update, "go test ./internal/generator -update")
		})
	}
}
