package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
)

const acmePack = `name: acme-django
version: 1.2.0
questions:
  - name: team
    prompt: Owning team
    default: platform
  - name: pager
    type: bool
  - name: tier
    type: choice
    choices: [gold, silver]
    default: silver
remove: [README.md]
`

// acmeFs holds the pack acme: it overrides the Dockerfile, adds OWNERS and
// a conditional ops/pager.yaml, and removes README.md.
func acmeFs(t *testing.T) afero.Fs {
	t.Helper()
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "acme/pack.yaml", acmePack)
	writeFile(t, fsys, "acme/files/Dockerfile.tmpl", "FROM acme/python:{{ .Python }}\nLABEL team={{ quote .Extra.team }}\n")
	writeFile(t, fsys, "acme/files/OWNERS.tmpl", "team: {{ .Extra.team }}\ntier: {{ .Extra.tier }}\n")
	writeFile(t, fsys, "acme/files/{{if .Extra.pager}}ops{{end}}/pager.yaml.tmpl", "service: {{ .Slug }}\n")
	writeFile(t, fsys, "acme/files/bin/check.sh", "#!/bin/sh\nexit 0\n")
	return fsys
}

func TestNewWithPack(t *testing.T) {
	fsys := acmeFs(t)
	r := run(t, fsys, "new", "shop", "--yes", "--template", "acme", "--set", "team=payments", "--set", "pager=true")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := readFile(t, fsys, "shop/OWNERS"); got != "team: payments\ntier: silver\n" {
		t.Errorf("OWNERS = %q", got)
	}
	if got := readFile(t, fsys, "shop/Dockerfile"); got != "FROM acme/python:3.13\nLABEL team=\"payments\"\n" {
		t.Errorf("Dockerfile = %q", got)
	}
	if !exists(fsys, "shop/ops/pager.yaml") {
		t.Error("ops/pager.yaml is missing though pager=true")
	}
	if info, err := fsys.Stat("shop/bin/check.sh"); err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("bin/check.sh: %v, %v; want mode 0755", info, err)
	}
	want := "template:\n  name: acme-django\n  version: 1.2.0\n  path: ../acme\n"
	cfg := readFile(t, fsys, "shop/.scaffold.yaml")
	if !strings.Contains(cfg, want) || !strings.Contains(cfg, "extra:\n  pager: true\n  team: payments\n  tier: silver\n") {
		t.Errorf(".scaffold.yaml does not record the pack and its answers:\n%s", cfg)
	}
}

func TestNewWithPackRecordsPathFromProject(t *testing.T) {
	fsys := acmeFs(t)
	abs, err := filepath.Abs("acme")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, fsys, filepath.Join(abs, "pack.yaml"), acmePack)
	here := filepath.Base(filepath.Dir(abs))
	tests := []struct {
		args []string
		cfg  string
		want string
	}{
		{[]string{"-o", "out/deep", "--template", "acme"}, "out/deep/shop/.scaffold.yaml", "path: ../../../acme\n"},
		{[]string{"-o", "acme/sub", "--template", "acme"}, "acme/sub/shop/.scaffold.yaml", "path: ../..\n"},
		{[]string{"--template", abs}, "shop/.scaffold.yaml", "path: " + filepath.ToSlash(abs) + "\n"},
		{[]string{"-o", "../t/out", "--template", "acme"}, "../t/out/shop/.scaffold.yaml", "path: ../../../" + here + "/acme\n"},
	}
	for _, tt := range tests {
		args := append([]string{"new", "shop", "--yes", "--set", "pager=false", "--force"}, tt.args...)
		if r := run(t, fsys, args...); r.code != ExitOK {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		if got := readFile(t, fsys, tt.cfg); !strings.Contains(got, tt.want) {
			t.Errorf("%v: %s does not record %q:\n%s", args, tt.cfg, tt.want, got)
		}
	}
}

func TestNewWithPackIntoAParentFolder(t *testing.T) {
	work := filepath.Join(t.TempDir(), "work")
	fsys := afero.NewOsFs()
	if err := fsys.MkdirAll(filepath.Join(work, "acme"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	writeFile(t, fsys, "acme/pack.yaml", acmePack)
	if r := run(t, fsys, "new", "pk", "--yes", "--git=false", "--template", "acme", "--set", "pager=false", "-o", "../t/out"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got, want := readFile(t, fsys, "../t/out/pk/.scaffold.yaml"), "path: ../../../work/acme\n"; !strings.Contains(got, want) {
		t.Errorf(".scaffold.yaml does not record %q:\n%s", want, got)
	}
	if r := run(t, fsys, "diff", "../t/out/pk"); r.code != ExitOK {
		t.Errorf("diff does not find the pack again: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
}

func TestNewReplaysPackProject(t *testing.T) {
	fsys := acmeFs(t)
	if r := run(t, fsys, "new", "shop", "--yes", "--template", "acme", "--set", "team=payments", "--set", "pager=true", "--set", "tier=gold"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// Replaying elsewhere finds the pack through the recorded path, and records it from there.
	if r := run(t, fsys, "new", "--config", "shop/.scaffold.yaml", "--no-input", "-o", "replay"); r.code != ExitOK {
		t.Fatalf("replay: exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"OWNERS", "Dockerfile", "ops/pager.yaml", "bin/check.sh"} {
		if a, b := readFile(t, fsys, "shop/"+name), readFile(t, fsys, "replay/shop/"+name); a != b {
			t.Errorf("%s differs after replay: %q, then %q", name, a, b)
		}
	}
	a := readFile(t, fsys, "shop/.scaffold.yaml")
	b := readFile(t, fsys, "replay/shop/.scaffold.yaml")
	if strings.Replace(b, "path: ../../acme\n", "path: ../acme\n", 1) != a {
		t.Errorf("replayed .scaffold.yaml differs beyond template.path:\n%s\nthen:\n%s", a, b)
	}

	// Replaying in place with --force rewrites the same bytes.
	before := readFile(t, fsys, "shop/.scaffold.yaml")
	if r := run(t, fsys, "new", "--config", "shop/.scaffold.yaml", "--no-input", "--force"); r.code != ExitOK {
		t.Fatalf("replay in place: exit %d: %s", r.code, r.stderr)
	}
	if after := readFile(t, fsys, "shop/.scaffold.yaml"); after != before {
		t.Errorf(".scaffold.yaml changed on replay:\n%s\nthen:\n%s", before, after)
	}
}

func TestNewPackUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown --set key", []string{"new", "shop", "--yes", "--template", "acme", "--set", "teem=x"},
			`scaffold: --set teem: no question "teem" in template pack acme-django 1.2.0 (questions: team, pager, tier)`},
		{"--set without a pack", []string{"new", "shop", "--yes", "--set", "team=x"},
			`scaffold: --set team: no question "team" in the builtin templates (questions: none)`},
		{"--set without =", []string{"new", "shop", "--yes", "--template", "acme", "--set", "team"},
			`scaffold: --set "team": write it as KEY=VALUE, such as --set team=payments`},
		{"bad bool", []string{"new", "shop", "--yes", "--template", "acme", "--set", "pager=maybe"},
			`scaffold: invalid value "maybe" for --set pager: use true or false`},
		{"bad choice", []string{"new", "shop", "--yes", "--template", "acme", "--set", "pager=true", "--set", "tier=tin"},
			`scaffold: invalid value "tin" for --set tier: choose one of gold, silver`},
		{"--no-input without an answer", []string{"new", "shop", "--no-input", "--template", "acme"},
			`scaffold: template pack acme-django 1.2.0 asks "pager", which has no default; answer it with --set pager=VALUE`},
		{"--yes without an answer", []string{"new", "shop", "--yes", "--template", "acme"},
			`asks "pager", which has no default`},
		{"no pack", []string{"new", "shop", "--yes", "--template", "nowhere"},
			"scaffold: nowhere/pack.yaml: not found; a template pack is a folder holding pack.yaml and files/, so check the path"},
		{"pack.yaml is a folder", []string{"new", "shop", "--yes", "--template", "odd"},
			"scaffold: odd/pack.yaml: is a folder; it must be the file that names the pack and lists its questions\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := acmeFs(t)
			if err := fsys.MkdirAll("odd/pack.yaml", 0o755); err != nil {
				t.Fatal(err)
			}
			r := run(t, fsys, tt.args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", r.code, r.stderr, tt.want)
			}
			if exists(fsys, "shop") {
				t.Error("shop was written")
			}
		})
	}
}

func TestNewPackAnswersFile(t *testing.T) {
	tests := []struct {
		name, extra string
		want        string
	}{
		{"unknown key", "extra:\n  teem: x\n",
			`answers.yaml line 4: extra.teem: no question "teem" in template pack acme-django 1.2.0 (questions: team, pager, tier); remove it, or use the pack that asks it with --pack`},
		{"wrong type", "extra:\n  pager: \"yes\"\n", `answers.yaml line 4: extra.pager: "yes" is not a boolean (true or false)`},
		{"a list for a string", "extra:\n  pager: true\n  team: [a]\n", `answers.yaml line 5: extra.team: want a string, not a list`},
		{"not a choice", "extra:\n  pager: true\n\n  tier: tin\n", `answers.yaml line 6: invalid tier "tin": choose one of gold, silver`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := acmeFs(t)
			writeFile(t, fsys, "answers.yaml", "answers:\n  name: shop\n"+tt.extra)
			r := run(t, fsys, "new", "--config", "answers.yaml", "--no-input", "--template", "acme")
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, tt.want)
			}
		})
	}

	t.Run("a number for a string, as written", func(t *testing.T) {
		fsys := acmeFs(t)
		writeFile(t, fsys, "answers.yaml", "answers:\n  name: shop\nextra:\n  pager: false\n  team: 042\n  tier: gold\n")
		if r := run(t, fsys, "new", "--config", "answers.yaml", "--no-input", "--template", "acme"); r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if got := readFile(t, fsys, "shop/OWNERS"); got != "team: 042\ntier: gold\n" {
			t.Errorf("OWNERS = %q; want the team as the answers file writes it", got)
		}
		if got := readFile(t, fsys, "shop/.scaffold.yaml"); !strings.Contains(got, "  team: \"042\"\n") {
			t.Errorf("the team is not recorded as text:\n%s", got)
		}
	})

	t.Run("a bad choice that --set replaces", func(t *testing.T) {
		fsys := acmeFs(t)
		writeFile(t, fsys, "answers.yaml", "answers:\n  name: shop\nextra:\n  pager: false\n  tier: tin\n")
		if r := run(t, fsys, "new", "--config", "answers.yaml", "--no-input", "--template", "acme", "--set", "tier=gold"); r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})

	t.Run("answers and --set", func(t *testing.T) {
		fsys := acmeFs(t)
		writeFile(t, fsys, "answers.yaml", "answers:\n  name: shop\nextra:\n  team: ops\n  pager: false\n  tier: gold\n")
		r := run(t, fsys, "new", "--config", "answers.yaml", "--no-input", "--template", "acme", "--set", "tier=silver")
		if r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if got := readFile(t, fsys, "shop/OWNERS"); got != "team: ops\ntier: silver\n" {
			t.Errorf("OWNERS = %q; want the answers file's team and --set's tier", got)
		}
	})
}

func TestNewBadPackWritesNothing(t *testing.T) {
	tests := []struct {
		name, file, data string
		code             int
		want             string
	}{
		{"bad pack.yaml", "acme/pack.yaml", "name: acme\nversion: 1.0.0\nquestions:\n  - name: team\n    type: text\n", ExitUsage,
			`scaffold: acme/pack.yaml line 5: team: type "text" is not one of string, bool, choice`},
		{"syntax error", "acme/files/OWNERS.tmpl", "a\n{{ .Extra.team }\n", ExitUsage,
			`scaffold: template: acme/files/OWNERS.tmpl:2: unexpected "}" in operand`},
		{"missing key", "acme/files/OWNERS.tmpl", "a\nb\n{{ .Extra.owner }}\n", ExitUsage,
			`scaffold: template: acme/files/OWNERS.tmpl:3: no answer "owner" in .Extra, which holds the answers to the template pack's questions`},
		{"missing field", "acme/files/OWNERS.tmpl", "a\n{{ .Nope }}\n", ExitUsage,
			`scaffold: template: acme/files/OWNERS.tmpl:2: no field "Nope" in the template data; see the data that templates get in the README`},
		{"file where a folder goes", "acme/files/config", "x\n", ExitUsage,
			`scaffold: acme/files/config: path clash: it writes the file config where templates/project/config/__init__.py.tmpl needs a folder; rename or remove one of them`},
		{"path climbs out", "acme/files/{{ .Extra.team }}/x", "x\n", ExitUsage,
			`scaffold: acme/files/{{ .Extra.team }}/x: unsafe path: rendered path "../x" climbs out of the project`},
		{"path into .git", "acme/files/.git/hooks/pre-commit", "#!/bin/sh\n", ExitUsage,
			`scaffold: acme/files/.git/hooks/pre-commit: unsafe path: rendered path ".git/hooks/pre-commit" is inside .git, which belongs to git`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := acmeFs(t)
			writeFile(t, fsys, tt.file, tt.data)
			r := run(t, fsys, "new", "shop", "--yes", "--template", "acme", "--set", "pager=true", "--set", "team=..")
			if r.code != tt.code || r.stderr != tt.want+"\n" {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
			if exists(fsys, "shop") {
				t.Error("shop was written")
			}
		})
	}
}

func TestNewAsksPackQuestions(t *testing.T) {
	fsys := acmeFs(t)
	p := prompt.NewFake(map[string]any{"pager": true, "tier": "gold"})
	r := runAsked(t, fsys, p, "new", "shop", "--template", "acme", "--set", "team=payments")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got, want := strings.Join(p.Names(), ", "), strings.Join(append(builtinKeys()[1:], "pager", "tier", "write"), ", "); got != want {
		t.Errorf("asked %q; want the pack's unanswered questions after the builtin ones, in order, then the confirmation", got)
	}
	if got := readFile(t, fsys, "shop/OWNERS"); got != "team: payments\ntier: gold\n" {
		t.Errorf("OWNERS = %q", got)
	}
	if !exists(fsys, "shop/ops/pager.yaml") {
		t.Error("ops/pager.yaml is missing though the prompt answered pager=true")
	}
}

func TestPackQuestionsAloneAskToConfirm(t *testing.T) {
	fsys := acmeFs(t)
	p := prompt.NewFake(map[string]any{"pager": false})
	o := generator.DefaultOptions()
	o.Name = "shop"
	r := runAsked(t, fsys, p, append(flagsOf(o), "--template", "acme", "--set", "team=payments", "--set", "tier=gold")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := strings.Join(p.Names(), ", "); got != "pager, write" {
		t.Errorf("asked %q; want the one unanswered pack question, then the confirmation", got)
	}
}

func TestAskPackQuestionRequiresAnAnswer(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "p/pack.yaml", "name: p\nversion: 1.0.0\nquestions:\n  - name: team\n")
	r := runAsked(t, fsys, prompt.NewFake(nil), "new", "shop", "--template", "p")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "this question has no default; type an answer") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
