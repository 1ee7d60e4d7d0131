package generator

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/djscaffold/scaffold/templates"
)

// TestBuiltinNamesAreLiteral keeps the builtin tree readable by shell tools:
// conditions live in its manifest, not in its file names.
func TestBuiltinNamesAreLiteral(t *testing.T) {
	err := fs.WalkDir(templates.Project(), ".", func(name string, d fs.DirEntry, err error) error {
		if strings.Contains(name, "{{") || strings.ContainsAny(name, " \t") {
			t.Errorf("%s: a template file name holds template syntax or a space; put its condition in %s", name, ManifestFile)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if Builtin().Sources[0].Manifest == nil {
		t.Errorf("the builtin tree has no %s", ManifestFile)
	}
}

func manifestTree(manifest string, files ...string) fstest.MapFS {
	tree := fstest.MapFS{ManifestFile: {Data: []byte(manifest)}}
	for _, f := range files {
		tree[f] = &fstest.MapFile{Data: []byte("{{.App.Name}} {{.App.Model}}\n")}
	}
	return tree
}

func TestManifestConditionsAndResources(t *testing.T) {
	tree := manifestTree(`conditions:
  config/celery.py: .Celery
  .github/: eq .CI "github"
  resource/tasks.py: and .Celery (ne .App.Name "skip")
per_resource: resource/
`, "config/celery.py.tmpl", "config/settings.py.tmpl", ".github/workflows/ci.yml", "resource/models.py.tmpl", "resource/tasks.py.tmpl", "README.md.tmpl")
	src, err := FolderSource("tree", tree)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		set  func(*Options)
		want string
	}{
		{func(o *Options) {}, ".github/workflows/ci.yml README.md config/settings.py items/models.py"},
		{func(o *Options) { o.Celery, o.CI, o.Resource = true, "gitlab", "blog_posts" },
			"README.md blog_posts/models.py blog_posts/tasks.py config/celery.py config/settings.py"},
		{func(o *Options) { o.Celery, o.Resource = true, "" }, ".github/workflows/ci.yml README.md config/celery.py config/settings.py"},
		{func(o *Options) { o.Celery, o.Resource = true, "skip" }, ".github/workflows/ci.yml README.md config/celery.py config/settings.py skip/models.py"},
	}
	for _, tt := range tests {
		o := testOptions()
		tt.set(&o)
		plan, err := Render(o, Tree{Sources: []Source{src}}, fixedRand())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range plan.Files {
			got = append(got, f.Path)
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%+v: paths\n %s\nwant\n %s", o, strings.Join(got, " "), tt.want)
		}
		if f, ok := plan.Lookup("blog_posts/models.py"); ok && string(f.Data) != "blog_posts BlogPost\n" {
			t.Errorf("blog_posts/models.py = %q; want .App to describe the resource", f.Data)
		}
	}
}

func TestTreeWithoutManifestKeepsTemplatedNames(t *testing.T) {
	src, err := FolderSource("tree", fstest.MapFS{
		"resource/x.py":                     {Data: []byte("x\n")},
		"{{if .Celery}}celery.py{{end}}":    {Data: []byte("x\n")},
		"{{.App.Name}}/models.py.tmpl":      {Data: []byte("x\n")},
		"manifest.yaml.tmpl":                {Data: []byte("{{.Name}}\n")},
		"{{if .GitHubCI}}.github{{end}}/ci": {Data: []byte("x\n")},
	})
	if err != nil || src.Manifest != nil {
		t.Fatalf("FolderSource = %+v, %v; want no manifest", src, err)
	}
	plan, err := Render(testOptions(), Tree{Sources: []Source{src}}, fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range plan.Files {
		got = append(got, f.Path)
	}
	if want := ".github/ci items/models.py manifest.yaml resource/x.py"; strings.Join(got, " ") != want {
		t.Errorf("paths %q; want %q", got, want)
	}
}

func TestManifestErrors(t *testing.T) {
	tests := []struct {
		manifest string
		key      string
		want     string
	}{
		{"conditions:\n  nope.py: .Celery\n", "conditions.nope.py", "there is no file nope.py or nope.py.tmpl; add it, or remove this entry"},
		{"conditions:\n  config: .Celery\n", "conditions.config", "config is a folder; end it with a slash: config/"},
		{"conditions:\n  docs/: .Celery\n", "conditions.docs/", "there is no folder docs/"},
		{"conditions:\n  ../x: .Celery\n", "conditions.../x", "is not a path inside the tree"},
		{"conditions:\n  a.py: \"\"\n", "conditions.a.py", "the condition is empty"},
		{"conditions:\n  a.py: eq .CI \"github\n", "conditions.a.py", "is not a template expression"},
		{"per_resource: apps/\n", "per_resource", "there is no folder apps/"},
	}
	for _, tt := range tests {
		tree := manifestTree(tt.manifest, "a.py", "config/settings.py")
		_, err := FolderSource("tree", tree)
		me, ok := errors.AsType[*ManifestError](err)
		if !ok || me.Key != tt.key || me.File != "tree/manifest.yaml" || !strings.Contains(me.Msg, tt.want) {
			t.Errorf("%q: error %v; want a ManifestError for %s saying %q", tt.manifest, err, tt.key, tt.want)
		}
	}
	if _, err := FolderSource("tree", manifestTree("condition: {}\n")); err == nil || !strings.Contains(err.Error(), "tree/manifest.yaml") {
		t.Errorf("an unknown key: %v; want an error naming the file", err)
	}
}

func TestManifestConditionThatFailsNamesTheEntry(t *testing.T) {
	src, err := FolderSource("tree", manifestTree("conditions:\n  a.py: .Extra.pager\n", "a.py"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Render(testOptions(), Tree{Sources: []Source{src}}, fixedRand())
	if _, ok := errors.AsType[*TreeError](err); !ok || !strings.Contains(err.Error(), `tree/manifest.yaml (conditions.a.py):1: no answer "pager" in .Extra`) {
		t.Errorf("Render = %v; want a template error naming the manifest entry", err)
	}
}

func TestSourceGenerates(t *testing.T) {
	src := Builtin().Sources[0]
	for _, name := range []string{".gitlab-ci.yml", ".github/workflows/ci.yml", "config/celery.py", "items/models.py", "blog_posts/tests/test_api.py", "docker/mariadb/grant-test-database.sql", "manage.py"} {
		if !src.Generates(name) {
			t.Errorf("the builtin templates never generate %s", name)
		}
	}
	for _, name := range []string{ManifestFile, "config", "resource", "items/nope.py", "config/celery.py.tmpl", ".scaffold.yaml"} {
		if src.Generates(name) {
			t.Errorf("the builtin templates generate %s", name)
		}
	}
}
