package pack

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
)

// fixedRand gives the same secrets on every run.
func fixedRand() *rand.ChaCha8 { return rand.NewChaCha8([32]byte{}) }

// render renders the pack in dir over a stand-in for the builtin templates,
// so that these tests do not depend on what the builtin templates hold.
func render(t *testing.T, fsys afero.Fs, dir string, extra map[string]any) (generator.Plan, error) {
	t.Helper()
	p, err := Load(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := p.Tree()
	tmpl.Sources[0] = generator.Source{Label: "templates/project", FS: fstest.MapFS{
		"Dockerfile.tmpl": {Data: []byte("FROM python:{{ .Python }}\n")},
		"README.md.tmpl":  {Data: []byte("# {{ .Name }} {{ .Extra.team }}\n")},
		"{{if .GitLabCI}}.gitlab-ci.yml{{end}}.tmpl":           {Data: []byte("test: {}\n")},
		"{{if .GitHubCI}}.github{{end}}/workflows/ci.yml.tmpl": {Data: []byte("on: push\n")},
	}}
	opts := generator.DefaultOptions()
	opts.Name = "shop"
	opts.CI = "gitlab"
	opts.Extra = extra
	return generator.Render(opts, tmpl, fixedRand())
}

func TestRenderOverridesAddsRemoves(t *testing.T) {
	fsys := afero.NewMemMapFs()
	write(t, fsys, "acme/pack.yaml", "name: acme\nversion: 1.0.0\nremove: [.gitlab-ci.yml]\n")
	write(t, fsys, "acme/files/Dockerfile.tmpl", "FROM acme/python:{{ .Python }}\n")
	write(t, fsys, "acme/files/OWNERS.tmpl", "{{ .Extra.team }}\n")
	write(t, fsys, "acme/files/{{if .Extra.pager}}ops{{end}}/pager.yaml", "raw {{ not rendered }}\n")

	plan, err := render(t, fsys, "acme", map[string]any{"team": "payments", "pager": true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Dockerfile":     "FROM acme/python:3.13\n",
		"OWNERS":         "payments\n",
		"README.md":      "# shop payments\n",
		"ops/pager.yaml": "raw {{ not rendered }}\n",
	}
	for name, data := range want {
		f, ok := plan.Lookup(name)
		if !ok || string(f.Data) != data {
			t.Errorf("%s = %q (present %v), want %q", name, f.Data, ok, data)
		}
	}
	if _, ok := plan.Lookup(".gitlab-ci.yml"); ok {
		t.Error(".gitlab-ci.yml was rendered, but the pack removes it")
	}

	plan, err = render(t, fsys, "acme", map[string]any{"team": "payments", "pager": false})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plan.Lookup("ops/pager.yaml"); ok {
		t.Error("ops/pager.yaml was rendered, but its folder's name renders empty")
	}
}

func TestRenderRefusesUnsafePaths(t *testing.T) {
	tests := []struct {
		name, file, dir string
		want            string
	}{
		{"climbs through a template", "{{ .Extra.dir }}/x.tmpl", "../..", `acme/files/{{ .Extra.dir }}/x.tmpl: unsafe path: rendered path "../../x" climbs out of the project`},
		{"absolute through a template", "{{ .Extra.dir }}/x", "/etc", `acme/files/{{ .Extra.dir }}/x: unsafe path: rendered path "/etc/x" is absolute`},
		{"dot segment", "{{ .Extra.dir }}/x", ".", `rendered path "./x" has an empty or "." folder`},
		{"slash inside a segment", "{{ .Extra.dir }}/x", "a//b", `rendered path "a//b/x" has an empty or "." folder`},
		{"climbs inside a segment", "{{ .Extra.dir }}/x", "a/../../b", `rendered path "a/../../b/x" climbs out of the project`},
		{"backslash", "{{ .Extra.dir }}/x", `..\..`, `rendered path "..\\../x" is absolute`},
		{"into .git", ".git/hooks/pre-commit", "", `acme/files/.git/hooks/pre-commit: unsafe path: rendered path ".git/hooks/pre-commit" is inside .git`},
		{"into .git through a template", "{{ .Extra.dir }}/config", ".GIT", `rendered path ".GIT/config" is inside .git`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := afero.NewMemMapFs()
			write(t, fsys, "acme/pack.yaml", "name: acme\nversion: 1.0.0\n")
			write(t, fsys, "acme/files/"+tt.file, "x\n")
			_, err := render(t, fsys, "acme", map[string]any{"dir": tt.dir, "team": "t"})
			var te *generator.TreeError
			if !errors.Is(err, generator.ErrUnsafePath) || !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render error = %v, want ErrUnsafePath naming the file: %s", err, tt.want)
			}
		})
	}
}

func TestRenderReportsFileAndLine(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             *regexp.Regexp
	}{
		{"syntax error", "OWNERS.tmpl", "# owners\n\nteam: {{ .Extra.team }\n", regexp.MustCompile(`^template: acme/files/OWNERS.tmpl:3: unexpected "}" in operand$`)},
		{"missing key", "OWNERS.tmpl", "# owners\n\nteam: {{ .Extra.teem }}\n", regexp.MustCompile(`^template: acme/files/OWNERS.tmpl:3: no answer "teem" in .Extra, which holds the answers to the template pack's questions$`)},
		{"unknown field", "Dockerfile.tmpl", "FROM {{ .Pyhton }}\n", regexp.MustCompile(`^template: acme/files/Dockerfile.tmpl:1: no field "Pyhton" in the template data; see the data that templates get in the README$`)},
		{"unknown nested field", "Dockerfile.tmpl", "\nFROM {{ .App.Nope | lower }}\n", regexp.MustCompile(`^template: acme/files/Dockerfile.tmpl:2: no field "Nope" in .App; see the data that templates get in the README$`)},
		{"unknown field in a path", "{{ .Nope }}/x", "x\n", regexp.MustCompile(`^template: acme/files/\{\{ .Nope }}/x \(path\):1: no field "Nope" in the template data;`)},
		{"bad path", "{{ .Extra.dir }/x", "x\n", regexp.MustCompile(`^template: acme/files/\{\{ .Extra.dir }/x \(path\):1: unexpected "}" in operand$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := afero.NewMemMapFs()
			write(t, fsys, "acme/pack.yaml", "name: acme\nversion: 1.0.0\n")
			write(t, fsys, "acme/files/"+tt.file, tt.data)
			_, err := render(t, fsys, "acme", map[string]any{"team": "t"})
			var te *generator.TreeError
			if !errors.As(err, &te) || !tt.want.MatchString(err.Error()) {
				t.Errorf("Render error = %v, want a TreeError matching %s", err, tt.want)
			}
		})
	}
}
