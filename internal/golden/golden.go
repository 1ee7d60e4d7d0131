// Package golden keeps whole rendered projects as txtar archives under the
// repository's testdata, so that every change to the output is reviewed as a
// diff, and compares renders against them in tests.
package golden

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/diff"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/version"
)

// Project renders a project as scaffold new writes it: the templates, then
// the answers file, which records the templates as t says.
func Project(o generator.Options, tree generator.Tree, t config.Template, rnd io.Reader) (generator.Plan, error) {
	return project.Render(context.Background(), project.Spec{Options: o, Tree: tree, Templates: t, ScaffoldVersion: version.String()}, rnd)
}

// Command is the scaffold new command line that answers the builtin
// questions as o does.
func Command(o generator.Options) string {
	words := []string{"scaffold new", o.Name}
	for _, q := range generator.Questions() {
		switch v := q.Get(o).(type) {
		case bool:
			words = append(words, fmt.Sprintf("--%s=%t", q.Flag, v))
		case string:
			switch {
			case q.Flag == "":
			case v == "" && q.NoFlag != "":
				words = append(words, "--"+q.NoFlag)
			default:
				words = append(words, "--"+q.Flag, v)
			}
		}
	}
	if o.Resource != "" {
		words = append(words, resource.Specs(o.ResourceFields)...)
	}
	command := strings.Join(words, " ")
	for _, r := range o.Resources {
		command += "\nscaffold add resource " + strings.Join(append([]string{r.Name}, resource.Specs(r.Fields)...), " ")
	}
	return command
}

// Archive formats a plan as a txtar archive. txtar has no modes, so the
// header lists the executable files after the command that made the plan.
func Archive(command string, plan generator.Plan) []byte {
	a := &txtar.Archive{Comment: []byte(command + "\n")}
	for _, f := range plan.Files {
		if f.Mode&0o111 != 0 {
			a.Comment = fmt.Appendf(a.Comment, "executable: %s\n", f.Path)
		}
		a.Files = append(a.Files, txtar.File{Name: f.Path, Data: f.Data})
	}
	return txtar.Format(a)
}

// T is the part of a test that Check reports to; *testing.T is one. The
// package takes no more, so that it does not import testing outside tests.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// Check compares got with the golden file at path, or rewrites the file when
// update is set. updateCmd is the command that rewrites it, for the message.
func Check(t T, path string, got []byte, update bool, updateCmd string) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("%v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("%v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run %s to create it", err, updateCmd)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the rendered project; review this diff and run %s if it is right:\n%s",
			filepath.Base(path), updateCmd, Diff(txtar.Parse(want), txtar.Parse(got)))
	}
}

// Diff shows, as scaffold diff does, what changes from the golden archive
// (a/) to the rendered one (b/), file by file.
func Diff(want, got *txtar.Archive) string {
	files := func(a *txtar.Archive) map[string][]byte {
		m := map[string][]byte{"(header)": a.Comment}
		for _, f := range a.Files {
			m[f.Name] = f.Data
		}
		return m
	}
	w, g := files(want), files(got)
	var changes []diff.Change
	for name, old := range w {
		if _, ok := g[name]; !ok {
			changes = append(changes, diff.Change{Path: name, Kind: diff.Changed, Disk: old, Generated: []byte{}})
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
		return "cannot show the diff: " + err.Error()
	}
	return out.String()
}
