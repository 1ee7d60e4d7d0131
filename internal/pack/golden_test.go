package pack

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/diff"
	"github.com/djscaffold/scaffold/internal/generator"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The repository's top-level testdata holds the sample pack and, beside the
// builtin golden projects, what it renders.
const (
	acmeDir    = "../../testdata/packs/acme"
	goldenFile = "../../testdata/golden/pack-acme.txtar"
)

// TestGoldenAcme renders the sample pack over the builtin templates; when
// those change, review the diff and run go test ./internal/pack -update.
func TestGoldenAcme(t *testing.T) {
	p, err := Load(afero.NewOsFs(), acmeDir)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := p.Template()
	tmpl.Path = "testdata/packs/acme" // as the repository calls it, wherever the test runs
	o := generator.DefaultOptions()
	o.Name = "acme-api"
	o.CI = "gitlab"
	o.Extra = map[string]any{"team": "payments", "on_call": true, "tier": "gold"}
	plan, err := generator.Render(o, tmpl, fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plan.Lookup(".gitlab-ci.yml"); ok {
		t.Error(".gitlab-ci.yml was rendered, but the pack removes it")
	}
	got := txtar.Format(archiveOf("scaffold new acme-api --ci gitlab --template testdata/packs/acme --set team=payments --set on_call=true --set tier=gold\n", plan))
	if *update {
		if err := os.WriteFile(goldenFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v; run go test ./internal/pack -update to create it", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered project; review this diff and run go test ./internal/pack -update if it is right:\n%s",
			filepath.Base(goldenFile), goldenDiff(t, txtar.Parse(want), txtar.Parse(got)))
	}
}

// archiveOf keeps a whole project in one reviewable file. txtar has no modes,
// so the comment lists the executable files.
func archiveOf(command string, plan generator.Plan) *txtar.Archive {
	a := &txtar.Archive{Comment: []byte(command)}
	for _, f := range plan.Files {
		if f.Mode&0o111 != 0 {
			a.Comment = fmt.Appendf(a.Comment, "executable: %s\n", f.Path)
		}
		a.Files = append(a.Files, txtar.File{Name: f.Path, Data: f.Data})
	}
	return a
}

// goldenDiff shows what scaffold diff would show between the golden archive
// (a/) and the rendered one (b/).
func goldenDiff(t *testing.T, want, got *txtar.Archive) string {
	files := func(a *txtar.Archive) map[string][]byte {
		m := map[string][]byte{"(header)": a.Comment}
		for _, f := range a.Files {
			m[f.Name] = f.Data
		}
		return m
	}
	w, g := files(want), files(got)
	var changes []diff.Change
	for name := range w {
		if _, ok := g[name]; !ok {
			changes = append(changes, diff.Change{Path: name, Kind: diff.Changed, Disk: w[name], Generated: []byte{}})
		}
	}
	for name, data := range g {
		old, ok := w[name]
		switch {
		case !ok:
			changes = append(changes, diff.Change{Path: name, Kind: diff.Missing, Generated: data})
		case !bytes.Equal(old, data):
			changes = append(changes, diff.Change{Path: name, Kind: diff.Changed, Disk: old, Generated: data})
		}
	}
	slices.SortFunc(changes, func(a, b diff.Change) int { return strings.Compare(a.Path, b.Path) })
	var out strings.Builder
	if err := diff.Write(&out, changes); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
