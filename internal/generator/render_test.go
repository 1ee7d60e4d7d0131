package generator

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"
)

// fixedRand gives the same secrets on every run, so outputs can be compared.
func fixedRand() io.Reader { return rand.NewChaCha8([32]byte{1}) }

func testOptions() Options {
	o := DefaultOptions()
	o.Name = "my-api"
	return o
}

func testTemplate(files fstest.MapFS) Tree {
	return Tree{Sources: []Source{{Label: "tmpl", FS: files}}}
}

func TestRenderRules(t *testing.T) {
	files := fstest.MapFS{
		"README.md.tmpl":                             {Data: []byte("# {{.Name}} ({{.Slug}})\r\nline\n\n\n")},
		"copied.txt":                                 {Data: []byte("{{ not rendered }}")},
		"{{.App.Name}}/models.py.tmpl":               {Data: []byte("class {{.App.Model}}:\n    pass")},
		"config/{{if .Celery}}celery.py{{end}}.tmpl": {Data: []byte("app = 1\n")},
		"{{if .GitHubCI}}.github{{end}}/ci.yml.tmpl": {Data: []byte("python: {{ gha \"matrix.python\" }}\n")},
		"start.sh.tmpl":                              {Data: []byte("#!/bin/sh\necho hi\n")},
		"empty/__init__.py":                          {Data: nil},
		".env.tmpl":                                  {Data: []byte("KEY={{.Secrets.DjangoSecretKey}}\n")},
	}
	plan, err := Render(testOptions(), testTemplate(files), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"README.md":         "# my-api (my_api)\nline\n",
		"copied.txt":        "{{ not rendered }}",
		"items/models.py":   "class Item:\n    pass\n",
		".github/ci.yml":    "python: ${{ matrix.python }}\n",
		"start.sh":          "#!/bin/sh\necho hi\n",
		"empty/__init__.py": "",
	}
	for path, content := range want {
		f, ok := plan.Lookup(path)
		if !ok {
			t.Errorf("%s is missing", path)
			continue
		}
		if string(f.Data) != content {
			t.Errorf("%s = %q, want %q", path, f.Data, content)
		}
	}
	if _, ok := plan.Lookup("config/celery.py"); ok {
		t.Error("config/celery.py rendered without --celery")
	}
	if f, _ := plan.Lookup("start.sh"); f.Mode != 0o755 {
		t.Errorf("start.sh mode %o, want 755", f.Mode)
	}
	if f, _ := plan.Lookup("README.md"); f.Mode != 0o644 {
		t.Errorf("README.md mode %o, want 644", f.Mode)
	}
	if f, _ := plan.Lookup(".env"); !f.Keep || f.Mode != 0o600 || len(f.Data) < 60 {
		t.Errorf(".env = %+v, want a kept, owner-only file with a secret", f)
	}
	if _, ok := plan.Lookup(".scaffold.yaml"); ok {
		t.Error("Render wrote .scaffold.yaml; the answers file is a step of its own")
	}
	for i := 1; i < len(plan.Files); i++ {
		if plan.Files[i-1].Path >= plan.Files[i].Path {
			t.Fatalf("plan not sorted: %s before %s", plan.Files[i-1].Path, plan.Files[i].Path)
		}
	}
}

func TestRenderConditionalPaths(t *testing.T) {
	files := fstest.MapFS{
		"{{.App.Name}}/models.py.tmpl":               {Data: []byte("x\n")},
		"config/{{if .Celery}}celery.py{{end}}.tmpl": {Data: []byte("x\n")},
		"{{if .GitLabCI}}.gitlab-ci.yml{{end}}.tmpl": {Data: []byte("x\n")},
	}
	o := testOptions()
	o.Resource, o.Celery, o.CI = "", true, "gitlab"
	plan, err := Render(o, testTemplate(files), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range plan.Files {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != ".gitlab-ci.yml config/celery.py" {
		t.Errorf("paths = %v", got)
	}
}

func TestRenderLaterSourceWinsAndRemove(t *testing.T) {
	base := fstest.MapFS{"Dockerfile": {Data: []byte("base\n")}, "keep.txt": {Data: []byte("k\n")}, "drop.txt": {Data: []byte("d\n")}}
	over := fstest.MapFS{"Dockerfile.tmpl": {Data: []byte("pack {{.Name}}\n")}}
	tmpl := Tree{Sources: []Source{{Label: "base", FS: base}, {Label: "pack", FS: over}}, Remove: []string{"drop.txt"}}
	plan, err := Render(testOptions(), tmpl, fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := plan.Lookup("Dockerfile"); string(f.Data) != "pack my-api\n" {
		t.Errorf("Dockerfile = %q", f.Data)
	}
	if _, ok := plan.Lookup("drop.txt"); ok {
		t.Error("drop.txt was not removed")
	}
	if _, ok := plan.Lookup("keep.txt"); !ok {
		t.Error("keep.txt is missing")
	}
}

func TestRenderErrorsNameTheFile(t *testing.T) {
	tests := []struct {
		files fstest.MapFS
		want  string
		is    error
	}{
		{fstest.MapFS{"a.txt.tmpl": {Data: []byte("ok\n{{.Nope}}\n")}}, "tmpl/a.txt.tmpl:2", nil},
		{fstest.MapFS{"b.txt.tmpl": {Data: []byte("{{if}}\n")}}, "tmpl/b.txt.tmpl:1", nil},
		{fstest.MapFS{"c.txt.tmpl": {Data: []byte("{{.Extra.team}}\n")}}, "tmpl/c.txt.tmpl:1", nil},
		{fstest.MapFS{"{{if .Celery}}x{{else}}..{{end}}/evil.tmpl": {Data: []byte("x\n")}}, "climbs out", ErrUnsafePath},
		{fstest.MapFS{"{{.Extra.dir}}/x.tmpl": {Data: []byte("x\n")}}, "is absolute", ErrUnsafePath},
		{fstest.MapFS{"a/{{.Extra.up}}/x.tmpl": {Data: []byte("x\n")}}, "climbs out", ErrUnsafePath},
		{fstest.MapFS{"{{.Name}}/x.tmpl": {Data: []byte("x\n")}}, "", nil},
	}
	o := testOptions()
	o.Extra = map[string]any{"dir": "/etc", "up": "../.."}
	for _, tt := range tests {
		_, err := Render(o, testTemplate(tt.files), fixedRand())
		if tt.want == "" {
			if err != nil {
				t.Errorf("unexpected error: %v", err)
			}
			continue
		}
		var te *TreeError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Render = %v, want a *TreeError mentioning %q", err, tt.want)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Render = %v, want errors.Is %v", err, tt.is)
		}
	}
}

func TestRenderRefusesAFileWhereAFolderGoes(t *testing.T) {
	base := fstest.MapFS{"config/settings.py.tmpl": {Data: []byte("DEBUG = False\n")}}
	o := testOptions()
	o.Extra = map[string]any{"dir": "config"}
	for _, pack := range []fstest.MapFS{
		{"config": {Data: []byte("x\n")}},
		{"{{.Extra.dir}}.tmpl": {Data: []byte("x\n")}},
		{"config/settings.py/x": {Data: []byte("x\n")}},
	} {
		tmpl := Tree{Sources: []Source{{Label: "builtin", FS: base}, {Label: "pack", FS: pack}}}
		_, err := Render(o, tmpl, fixedRand())
		var te *TreeError
		if !errors.Is(err, ErrPathClash) || !errors.As(err, &te) {
			t.Errorf("Render = %v, want a *TreeError for ErrPathClash", err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "pack/") || !strings.Contains(msg, "builtin/config/settings.py.tmpl") {
			t.Errorf("Render = %q, want both template files named", msg)
		}
	}
}

func TestRenderIsDeterministicApartFromSecrets(t *testing.T) {
	files := fstest.MapFS{
		".env.tmpl":  {Data: []byte("K={{.Secrets.DjangoSecretKey}}\nP={{.Secrets.DatabasePassword}}\n")},
		"a.txt.tmpl": {Data: []byte("{{.Name}} {{.Extra}}\n")},
	}
	o := testOptions()
	o.Extra = map[string]any{"b": 2, "a": 1, "c": true}
	a, err := Render(o, testTemplate(files), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Render(o, testTemplate(files), rand.NewChaCha8([32]byte{2}))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Files {
		same := bytes.Equal(a.Files[i].Data, b.Files[i].Data)
		if a.Files[i].Path == ".env" && same {
			t.Error(".env is the same for different random sources")
		}
		if a.Files[i].Path != ".env" && !same {
			t.Errorf("%s differs between runs", a.Files[i].Path)
		}
	}
}

func TestPlanAdd(t *testing.T) {
	plan := Plan{Files: []File{{Path: "a"}, {Path: "c/d"}}}
	for _, f := range []File{{Path: "b"}, {Path: "a", Data: []byte("new")}, {Path: "0"}} {
		if err := plan.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, f := range plan.Files {
		got = append(got, f.Path)
	}
	if strings.Join(got, " ") != "0 a b c/d" || string(plan.Files[1].Data) != "new" {
		t.Errorf("plan = %v; want 0 a b c/d, with a replaced", got)
	}
	for _, clash := range []string{"c", "a/x"} {
		if err := plan.Add(File{Path: clash}); !errors.Is(err, ErrPathClash) {
			t.Errorf("Add(%s) = %v; want ErrPathClash", clash, err)
		}
	}
}

func TestRenderRefusesInvalidOptions(t *testing.T) {
	o := testOptions()
	o.Name = "../x"
	_, err := Render(o, testTemplate(fstest.MapFS{}), fixedRand())
	var oe *OptionError
	if !errors.As(err, &oe) {
		t.Fatalf("Render = %v, want *OptionError", err)
	}
}

func TestRenderReportsShortRandom(t *testing.T) {
	_, err := Render(testOptions(), testTemplate(fstest.MapFS{}), strings.NewReader("short"))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Render = %v, want io.ErrUnexpectedEOF", err)
	}
}

func BenchmarkRender(b *testing.B) {
	o := testOptions()
	tmpl := Builtin()
	rnd := fixedRand()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(o, tmpl, rnd); err != nil {
			b.Fatal(err)
		}
	}
}

func TestEnvRecordsTheOwnersIDs(t *testing.T) {
	for _, tc := range []struct {
		owner    Owner
		uid, gid string
	}{
		{Owner{UID: 1234, GID: 5678}, "UID=1234\n", "GID=5678\n"},
		// Root, and ids that are unknown (Windows gives -1): never root in the container.
		{Owner{UID: 0, GID: 0}, "UID=1000\n", "GID=1000\n"},
		{Owner{UID: -1, GID: -1}, "UID=1000\n", "GID=1000\n"},
	} {
		o := DefaultOptions()
		o.Name = "myapi"
		o.Owner = tc.owner
		plan, err := Render(o, Builtin(), rand.NewChaCha8([32]byte{}))
		if err != nil {
			t.Fatal(err)
		}
		env, _ := plan.Lookup(".env")
		if !strings.Contains(string(env.Data), tc.uid) || !strings.Contains(string(env.Data), tc.gid) {
			t.Errorf("owner %+v: .env does not hold %q and %q:\n%s", tc.owner, tc.uid, tc.gid, env.Data)
		}
		if db, ok := plan.Lookup(".env.db"); !ok || !db.Keep || db.Mode != 0o600 {
			t.Errorf(".env.db: %+v; want a kept file readable by its owner only", db)
		}
	}
}
