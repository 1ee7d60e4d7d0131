package pack

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/templates"
)

func TestParseSchema(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		line int
		want string
	}{
		{"empty", "# nothing\n", 0, "needs at least a name: and a version:"},
		{"missing name", "version: 1.0.0\n", 0, "name: is missing"},
		{"missing version", "name: acme\n", 0, "version: is missing"},
		{"unknown key", "name: acme\nversion: 1.0.0\nquestion: []\n", 3, `unknown key "question"; see the pack.yaml format`},
		{"unknown question key", "name: acme\nversion: 1.0.0\nquestions:\n  - name: team\n    promt: Team\n", 5, `unknown key "questions.0.promt"`},
		{"bad type", "name: acme\nversion: [1]\n", 2, `version: want a string, not a list`},
		{"questions not a list", "name: acme\nversion: 1.0.0\nquestions: team\n", 3, `questions: "team" is not a list`},
		{"bad question type", "name: acme\nversion: 1.0.0\nquestions:\n  - name: team\n    type: number\n", 5, `type "number" is not one of string, bool, choice`},
		{"choice without choices", "name: acme\nversion: 1.0.0\nquestions:\n  - name: tier\n    type: choice\n", 4, "type: choice needs a list of choices:"},
		{"choices on a string", "name: acme\nversion: 1.0.0\nquestions:\n  - name: tier\n    choices: [a]\n", 5, "choices: only apply to type: choice"},
		{"duplicate choice", "name: acme\nversion: 1.0.0\nquestions:\n  - name: tier\n    type: choice\n    choices: [a, a]\n", 6, `choice "a" is listed twice`},
		{"duplicate question", "name: acme\nversion: 1.0.0\nquestions:\n  - name: team\n  - name: team\n", 5, `question "team" is asked twice`},
		{"not an identifier", "name: acme\nversion: 1.0.0\nquestions:\n  - name: owning-team\n", 4, `"owning-team" is not an identifier`},
		{"leading digit", "name: acme\nversion: 1.0.0\nquestions:\n  - name: 2fa\n", 4, `"2fa" is not an identifier`},
		{"leading underscore", "name: acme\nversion: 1.0.0\nquestions:\n  - name: _team\n", 4, `"_team" is not an identifier`},
		{"nameless question", "name: acme\nversion: 1.0.0\nquestions:\n  - prompt: Team\n", 4, "a question has no name:"},
		{"bool default", "name: acme\nversion: 1.0.0\nquestions:\n  - name: pager\n    type: bool\n    default: sometimes\n", 6, `pager: default: "sometimes": use true or false`},
		{"choice default", "name: acme\nversion: 1.0.0\nquestions:\n  - name: tier\n    type: choice\n    choices: [gold]\n    default: tin\n", 7, `tier: default: "tin": choose one of gold`},
		{"list default", "name: acme\nversion: 1.0.0\nquestions:\n  - name: team\n    default: [a]\n", 5, "default: must be a single value"},
		{"remove climbs", "name: acme\nversion: 1.0.0\nremove:\n  - README.md\n  - ../x\n", 5, `remove: "../x" is not a path inside the project`},
		{"remove what is not generated", "name: acme\nversion: 1.0.0\nremove:\n  - README.md\n  - .gitlab-ci.yaml\n", 5, `remove: ".gitlab-ci.yaml" is not a file that the builtin templates generate`},
		{"remove a folder", "name: acme\nversion: 1.0.0\nremove: [config]\n", 3, `remove: "config" is not a file that the builtin templates generate`},
		{"remove the answers file", "name: acme\nversion: 1.0.0\nremove: [.scaffold.yaml]\n", 3, `remove: ".scaffold.yaml" is not a file`},
		{"remove absolute", "name: acme\nversion: 1.0.0\nremove: [/etc/passwd]\n", 3, `"/etc/passwd" is not a path inside the project`},
		{"not yaml", "name: [acme\n", 1, "not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse("acme/pack.yaml", []byte(tt.yaml))
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("Parse error = %v, want a *config.Error", err)
			}
			if ce.File != "acme/pack.yaml" || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.want) {
				t.Errorf("Parse error = %q (line %d), want line %d and %q", err, ce.Line, tt.line, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines", err)
			}
		})
	}
}

func TestParseRemovesBuiltinOutputs(t *testing.T) {
	for _, name := range []string{".gitlab-ci.yml", ".github/workflows/ci.yml", "config/celery.py", "items/models.py", "blog_posts/tests/test_api.py", "docker/mariadb/grant-test-database.sql", "manage.py"} {
		if _, err := parse("acme/pack.yaml", []byte("name: acme\nversion: 1.0.0\nremove: ["+name+"]\n")); err != nil {
			t.Errorf("remove %s: %v", name, err)
		}
	}
}

func TestParseQuestions(t *testing.T) {
	p, err := parse("pack.yaml", []byte(`name: acme
version: "1.10"
questions:
  - name: team
    default: 1.10
  - name: pager
    type: bool
    default: true
  - name: tier
    type: choice
    choices: [gold, silver]
  - name: note
    default:
remove: [.gitlab-ci.yml]
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "1.10" || len(p.Questions) != 4 || p.Remove[0] != ".gitlab-ci.yml" {
		t.Fatalf("Parse = %+v", p)
	}
	team, _ := p.Question("team")
	if team.Kind != generator.KindString || team.Default != "1.10" || team.Prompt != "team" {
		t.Errorf("team = %+v; want a string question defaulting to the text as written", team)
	}
	pager, _ := p.Question("pager")
	if pager.Default != true {
		t.Errorf("pager default = %#v, want true", pager.Default)
	}
	for _, name := range []string{"tier", "note"} {
		if q, _ := p.Question(name); q.Default != nil {
			t.Errorf("%s default = %#v, want none", name, q.Default)
		}
	}
}

func TestPackQuestionsAnswerExtra(t *testing.T) {
	p, err := parse("pack.yaml", []byte("name: acme\nversion: 1.0.0\nquestions:\n  - name: pager\n    type: bool\n  - name: tier\n    type: choice\n    choices: [gold, silver]\n"))
	if err != nil {
		t.Fatal(err)
	}
	pager, _ := p.Question("pager")
	tier, _ := p.Question("tier")
	o := generator.DefaultOptions()
	o.Extra = nil
	pager.Set(&o, true)
	if o.Extra["pager"] != true || pager.Get(o) != true {
		t.Errorf("Extra = %v; want pager set", o.Extra)
	}
	if _, err := tier.Parse("tin"); err == nil || err.Error() != `invalid tier "tin": choose one of gold, silver` {
		t.Errorf("tier.Parse(tin) = %v", err)
	}
	if v, err := pager.Parse("0"); v != false || err != nil {
		t.Errorf("pager.Parse(0) = %v, %v", v, err)
	}
}

func TestLoad(t *testing.T) {
	fsys := afero.NewMemMapFs()
	write(t, fsys, "acme/pack.yaml", "name: acme\nversion: 1.0.0\n")
	write(t, fsys, "acme/files/OWNERS", "platform\n")
	p, err := Load(fsys, "acme")
	if err != nil {
		t.Fatal(err)
	}
	tmpl := p.Tree()
	if r := p.Templates(); r.Name != "acme" || r.Version != "1.0.0" || r.Path != "" || r.Builtin != templates.Version || len(tmpl.Sources) != 2 {
		t.Fatalf("Templates = %+v, Tree = %+v", r, tmpl)
	}
	// template.path is relative to the project folder.
	if r, err := p.TemplatesFor("out/myapi", nil); err != nil || r.Path != "../../acme" {
		t.Errorf("TemplatesFor = %+v, %v; want the path ../../acme", r, err)
	}
	if src := tmpl.Sources[1]; src.Label != "acme/files" {
		t.Errorf("pack source label = %q, want acme/files", src.Label)
	}

	t.Run("without files", func(t *testing.T) {
		write(t, fsys, "bare/pack.yaml", "name: bare\nversion: 1.0.0\nremove: [README.md]\n")
		p, err := Load(fsys, "bare")
		if err != nil {
			t.Fatal(err)
		}
		if tmpl := p.Tree(); len(tmpl.Sources) != 1 || tmpl.Remove[0] != "README.md" {
			t.Errorf("Template = %+v, want the builtin source alone and the removal", tmpl)
		}
	})
	t.Run("no pack.yaml", func(t *testing.T) {
		_, err := Load(fsys, "nowhere")
		var ce *config.Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "nowhere/pack.yaml: not found") {
			t.Errorf("Load error = %v, want pack.yaml not found as a *config.Error", err)
		}
	})
	t.Run("a file for the folder", func(t *testing.T) {
		_, err := Load(fsys, "acme/pack.yaml")
		var ce *config.Error
		if !errors.As(err, &ce) || err.Error() != "acme/pack.yaml: is a file; a template pack is the folder that holds pack.yaml and files/" {
			t.Errorf("Load error = %v", err)
		}
	})
	t.Run("pack.yaml is a folder", func(t *testing.T) {
		if err := fsys.MkdirAll("dir/pack.yaml", 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := Load(fsys, "dir")
		var ce *config.Error
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "dir/pack.yaml: is a folder;") {
			t.Errorf("Load error = %v, want a *config.Error", err)
		}
	})
	t.Run("files is a file", func(t *testing.T) {
		write(t, fsys, "odd/pack.yaml", "name: odd\nversion: 1.0.0\n")
		write(t, fsys, "odd/files", "")
		_, err := Load(fsys, "odd")
		var ce *config.Error
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "must be a folder") {
			t.Errorf("Load error = %v", err)
		}
	})
}

func TestBuiltin(t *testing.T) {
	p := Builtin()
	if len(p.Questions) != 0 || p.Dir != "" {
		t.Fatalf("Builtin = %+v", p)
	}
	if tmpl := p.Tree(); len(tmpl.Sources) != 1 || p.Templates().Path != "" {
		t.Errorf("Builtin().Tree() = %+v, want the builtin templates alone", tmpl)
	}
}

func write(t *testing.T, fsys afero.Fs, name, data string) {
	t.Helper()
	if err := afero.WriteFile(fsys, name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadManifest(t *testing.T) {
	fsys := afero.NewMemMapFs()
	for name, data := range map[string]string{
		"pack.yaml":                          "name: acme\nversion: 1.0.0\nconditions:\n  ops/: .Extra.pager\n  OWNERS: ne .Extra.team \"\"\nper_resource: resource/\n",
		"files/ops/pager.yaml":               "x\n",
		"files/OWNERS.tmpl":                  "{{ .Extra.team }}\n",
		"files/resource/permissions.py.tmpl": "# {{ .App.Model }}\n",
	} {
		write(t, fsys, "acme/"+name, data)
	}
	p, err := Load(fsys, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if p.Manifest == nil || p.Tree().Sources[1].Manifest != p.Manifest {
		t.Fatalf("Load = %+v; want the manifest on the pack's source", p)
	}
	for _, tc := range []struct {
		extra map[string]any
		want  []string
		not   []string
	}{
		{map[string]any{"pager": true, "team": "payments"}, []string{"ops/pager.yaml", "OWNERS", "items/permissions.py"}, []string{"resource/permissions.py"}},
		{map[string]any{"pager": false, "team": ""}, []string{"items/permissions.py"}, []string{"ops/pager.yaml", "OWNERS"}},
	} {
		plan, err := render(t, fsys, "acme", tc.extra)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range tc.want {
			if _, ok := plan.Lookup(name); !ok {
				t.Errorf("%v: %s is missing", tc.extra, name)
			}
		}
		for _, name := range tc.not {
			if _, ok := plan.Lookup(name); ok {
				t.Errorf("%v: %s was generated", tc.extra, name)
			}
		}
	}
}

func TestLoadManifestErrorsPointAtTheLine(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"name: acme\nversion: 1.0.0\nconditions:\n  OWNERS: .Extra.team\n  ops/: .Extra.pager\n", `acme/pack.yaml line 5: conditions.ops/: there is no folder ops/; add it, or remove this entry`},
		{"name: acme\nversion: 1.0.0\nconditions:\n  OWNERS: eq .Extra.team\"\n", `acme/pack.yaml line 4: conditions.OWNERS: "eq .Extra.team\"" is not a template expression`},
		{"name: acme\nversion: 1.0.0\nper_resource: apps/\n", `acme/pack.yaml line 3: per_resource: there is no folder apps/`},
		{"name: acme\nversion: 1.0.0\nconditions: [OWNERS]\n", `acme/pack.yaml line 3: conditions: want a mapping, not a list`},
	}
	for _, tt := range tests {
		fsys := afero.NewMemMapFs()
		write(t, fsys, "acme/pack.yaml", tt.yaml)
		write(t, fsys, "acme/files/OWNERS.tmpl", "x\n")
		_, err := Load(fsys, "acme")
		var ce *config.Error
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Load error = %v; want a *config.Error starting %q", err, tt.want)
		}
	}
}
