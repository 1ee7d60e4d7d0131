package e2e

import (
	"io"
	"math/rand/v2"
	"testing"

	"github.com/rhysd/actionlint"

	"github.com/djscaffold/scaffold/internal/generator"
)

// TestGeneratedCI lints every generated GitHub workflow with actionlint, for
// the defaults and every pairwise combination of options.
func TestGeneratedCI(t *testing.T) {
	combos := []generator.Options{withName(generator.DefaultOptions(), "myapi")}
	for _, c := range pairwiseValid(scaffoldParams, validScaffold) {
		combos = append(combos, withName(optionsOf(t, c), "my-api"))
	}
	for i, o := range combos {
		o.CI = "github"
		// Every other combination with the scheduled template update check.
		o.UpdateCheck = i%2 == 1
		t.Run(comboLabel(o), func(t *testing.T) {
			t.Parallel()
			plan, err := generator.Render(o, generator.Builtin(), rand.NewChaCha8([32]byte{}))
			if err != nil {
				t.Fatal(err)
			}
			want := []string{".github/workflows/ci.yml"}
			if o.UpdateCheck {
				want = append(want, ".github/workflows/template-updates.yml")
			}
			for _, name := range want {
				f, ok := plan.Lookup(name)
				if !ok {
					t.Fatalf("no %s", name)
				}
				for _, problem := range actionlintProblems(t, f.Path, f.Data) {
					t.Error(problem)
				}
			}
		})
	}
}

// actionlintProblems lints a workflow as `actionlint` does, without the
// external shellcheck and pyflakes, which the test machines need not have.
func actionlintProblems(t testing.TB, name string, src []byte) []string {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(name, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var problems []string
	for _, e := range errs {
		problems = append(problems, e.Error())
	}
	return problems
}

func TestActionlintRefusesAMistake(t *testing.T) {
	bad := "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
	if len(actionlintProblems(t, "ci.yml", []byte(bad))) == 0 {
		t.Fatal("actionlint finds nothing wrong with an unknown context property")
	}
}
