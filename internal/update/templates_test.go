package update

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/templates"
)

// Every archived release opens as the tree it was released as; a version
// that is no release, or newer than this scaffold's, is refused.
func TestBuiltinsOpensEveryReleaseAndNoOther(t *testing.T) {
	for _, v := range releases.Versions() {
		trees, err := Builtins(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		last := trees[len(trees)-1]
		if len(last.Sources) != 1 || last.Sources[0].Label != "templates@"+v {
			t.Errorf("%s: got %+v", v, last.Sources)
		}
	}
	for v, want := range map[string]error{"99.0.0": ErrNewerTemplates, "0.0.1": releases.ErrUnknownVersion, "latest": releases.ErrUnknownVersion} {
		if _, err := Builtins(v); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", v, err, want)
		}
	}
}

// A build between two releases has templates of its own under the last
// release's version: a project's hashes tell which of the two made it.
func TestAgreementFindsTheTreeThatGeneratedAProject(t *testing.T) {
	trees, err := Builtins(templates.Version)
	if err != nil {
		t.Fatal(err)
	}
	if trees[0].Sources[0].Label != "templates/project" {
		t.Errorf("first tree %s, want this scaffold's own", trees[0].Sources[0].Label)
	}
	o := generator.DefaultOptions()
	o.Name = "myapi"
	for _, tree := range trees {
		made := renderWith(t, o, tree, templates.Version, rand.NewChaCha8([32]byte{1}))
		f, err := config.Parse(config.FileName, mustLookup(t, made, config.FileName))
		if err != nil {
			t.Fatal(err)
		}
		bestN := -1
		for _, candidate := range trees {
			bestN = max(bestN, Agreement(renderWith(t, o, candidate, templates.Version, rand.NewChaCha8([32]byte{2})), f.Files))
		}
		if bestN != len(f.Files) {
			t.Errorf("a project made by %s: the best tree agrees on %d of its %d files", tree.Sources[0].Label, bestN, len(f.Files))
		}
	}
}

func mustLookup(t *testing.T, p generator.Plan, name string) []byte {
	t.Helper()
	f, ok := p.Lookup(name)
	if !ok {
		t.Fatalf("no %s in the render", name)
	}
	return f.Data
}
