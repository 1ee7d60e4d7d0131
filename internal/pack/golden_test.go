package pack

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/generator"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current templates")

// TestGoldenAcme renders the sample pack in testdata/packs/acme over the
// builtin templates. When the builtin templates change, run
// go test ./internal/pack -update and review the diff of testdata/golden.
func TestGoldenAcme(t *testing.T) {
	p, err := Load(afero.NewOsFs(), filepath.Join("testdata", "packs", "acme"))
	if err != nil {
		t.Fatal(err)
	}
	opts := generator.DefaultOptions()
	opts.Name = "acme-api"
	opts.CI = "gitlab"
	opts.Extra = map[string]any{"team": "payments", "on_call": true, "tier": "gold"}
	plan, err := generator.Render(opts, p.Template(), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plan.Lookup(".gitlab-ci.yml"); ok {
		t.Error(".gitlab-ci.yml was rendered, but the pack removes it")
	}
	comment := "The sample pack testdata/packs/acme rendered with --ci gitlab and\n" +
		"--set team=payments --set on_call=true --set tier=gold, and a fixed random source.\n" +
		"Rewrite with: go test ./internal/pack -update\n"
	checkGolden(t, filepath.Join("testdata", "golden", "acme.txtar"), archive(comment, plan))
}

// archive writes a plan as a txtar archive; its comment ends with the modes
// of the files that are not 0644, which txtar cannot hold.
func archive(comment string, plan generator.Plan) []byte {
	a := &txtar.Archive{Comment: []byte(comment)}
	for _, f := range plan.Files {
		if f.Mode != 0o644 {
			a.Comment = fmt.Appendf(a.Comment, "mode %04o %s\n", f.Mode.Perm(), f.Path)
		}
		a.Files = append(a.Files, txtar.File{Name: f.Path, Data: f.Data})
	}
	return txtar.Format(a)
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v; create it with: go test ./internal/pack -update", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
		FromFile: name, ToFile: "rendered", Context: 2,
	})
	t.Errorf("rendered output differs from %s; if the change is intended, run go test ./internal/pack -update\n%s",
		name, strings.TrimSpace(diff))
}
