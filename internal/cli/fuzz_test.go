package cli

import (
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// The files and values a user hands to scaffold, fuzzed: whatever they
// hold, scaffold never panics, and a mistake in them is a usage error (exit
// 2) told in one line.

func checkUserMistake(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if code := exitCode(err); code != ExitUsage {
		t.Fatalf("exit %d for %v; want %d", code, err, ExitUsage)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") {
		t.Fatalf("the message spans lines: %q", msg)
	}
}

func FuzzAnswersFile(f *testing.F) {
	f.Add([]byte("answers:\n  name: shop\n  database: mysql\n  celery: true\n"))
	f.Add([]byte("template:\n  path: ../acme\nanswers:\n  name: shop\nextra:\n  team: a\n"))
	f.Add([]byte("answers: {name: 7, api_docs: maybe}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := acmeFuzzFs(t)
		writeFile(t, fsys, "a.yaml", string(data))
		_, err := resolve(testEnv(fsys), request{AnswersFile: "a.yaml", Parent: "out"})
		checkUserMistake(t, err)
	})
}

func FuzzPackFile(f *testing.F) {
	f.Add(acmePack)
	f.Add("name: x\nversion: 1\nquestions:\n  - {name: a, type: choice, choices: [b, b]}\n")
	f.Add("name: x\nversion: 1\nconditions:\n  OWNERS: .Extra.nope\n")
	f.Fuzz(func(t *testing.T, data string) {
		fsys := acmeFuzzFs(t)
		writeFile(t, fsys, "acme/pack.yaml", data)
		_, err := resolve(testEnv(fsys), request{PackDir: "acme", Parent: "out", Answers: map[string]any{"name": "shop"}})
		checkUserMistake(t, err)
	})
}

func FuzzSetValue(f *testing.F) {
	for _, s := range []string{"team=payments", "pager=yes", "tier=gold", "=x", "tier", "nope=1", "team=\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, set string) {
		fsys := acmeFuzzFs(t)
		_, err := resolve(testEnv(fsys), request{PackDir: "acme", Parent: "out", Answers: map[string]any{"name": "shop"},
			Sets: []string{set, "team=a", "pager=false"}})
		checkUserMistake(t, err)
	})
}

// acmeFuzzFs is acmeFs without the files whose rendering is not fuzzed.
func acmeFuzzFs(t *testing.T) afero.Fs {
	t.Helper()
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "acme/pack.yaml", acmePack)
	writeFile(t, fsys, "acme/files/OWNERS.tmpl", "team: {{ .Extra.team }}\n")
	return fsys
}
