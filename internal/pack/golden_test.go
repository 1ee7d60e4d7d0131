package pack

import (
	"flag"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
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
	tree := p.Tree()
	record := p.Templates()
	record.Path = "testdata/packs/acme" // as the repository calls it, wherever the test runs
	o := generator.DefaultOptions()
	o.Name = "acme-api"
	o.CI = "gitlab"
	o.Extra = map[string]any{"team": "payments", "on_call": true, "tier": "gold"}
	plan, err := golden.Project(o, tree, record, fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plan.Lookup(".gitlab-ci.yml"); ok {
		t.Error(".gitlab-ci.yml was rendered, but the pack removes it")
	}
	got := golden.Archive("scaffold new acme-api --ci gitlab --template testdata/packs/acme --set team=payments --set on_call=true --set tier=gold", plan)
	golden.Check(t, goldenFile, got, *update, "go test ./internal/pack -update")
}
