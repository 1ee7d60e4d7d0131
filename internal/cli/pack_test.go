package cli

import (
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

func TestNewAsksPackQuestions(t *testing.T) {
	fsys := acmeFs(t)
	p := prompt.NewFake(map[string]any{"pager": true, "tier": "gold"})
	r := run(t, harness{fs: fsys, asked: p}, "new", "shop", "--template", "acme", "--set", "team=payments")
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
	r := run(t, harness{fs: fsys, asked: p}, append(flagsOf(o), "--template", "acme", "--set", "team=payments", "--set", "tier=gold")...)
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
	r := run(t, harness{fs: fsys, asked: prompt.NewFake(nil)}, "new", "shop", "--template", "p")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "this question has no default; type an answer") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
