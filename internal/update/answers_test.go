package update

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"slices"
	"strings"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

// TestAnswerChangesMatchANewProject changes answers of an untouched project
// one update at a time. After each, every file but the secrets files is
// byte for byte what `new` writes with the final answers: added, changed
// and removed.
func TestAnswerChangesMatchANewProject(t *testing.T) {
	git := systemGit(t)
	tmpl := generator.Builtin()
	for _, tc := range []struct {
		name  string
		steps []func(*generator.Options)
	}{
		{"celery off-on-off", []func(*generator.Options){
			func(o *generator.Options) { o.Celery = true },
			func(o *generator.Options) { o.Celery = false },
		}},
		{"auth token-jwt", []func(*generator.Options){func(o *generator.Options) { o.Auth = "jwt" }}},
		{"no resource-a resource", []func(*generator.Options){
			func(o *generator.Options) { o.Resource = "" },
			func(o *generator.Options) { o.Resource = "blog_posts" },
		}},
		{"database sqlite-postgres", []func(*generator.Options){
			func(o *generator.Options) { o.Database = "sqlite" },
			func(o *generator.Options) { o.Database = "postgres" },
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := generator.DefaultOptions()
			opts.Name = "myapi"
			fsys := afero.NewMemMapFs()
			const dir = "/myapi"
			first := renderWith(t, opts, tmpl, templates.Version, rand.NewChaCha8([32]byte{3}))
			if _, err := writer.Write(fsys, dir, first, false); err != nil {
				t.Fatal(err)
			}
			for i, step := range tc.steps {
				next := opts
				step(&next)
				in := scenarioInput(t, fsys, dir, opts, tmpl, tmpl, templates.Version, templates.Version, GitMerger{Git: git})
				in.Theirs = render(t, next, tmpl, byte(10+i))
				p, err := Compute(context.Background(), in)
				if err != nil {
					t.Fatal(err)
				}
				if n := p.Count(Merged) + p.Count(Conflict); n > 0 {
					t.Errorf("step %d: %d merges in a project nobody changed", i+1, n)
				}
				apply(t, fsys, dir, p)
				opts = next
				fresh := afero.NewMemMapFs()
				if _, err := writer.Write(fresh, dir, render(t, opts, tmpl, 99), false); err != nil {
					t.Fatal(err)
				}
				got, want := withoutSecrets(t, fsys, dir), withoutSecrets(t, fresh, dir)
				if !bytes.Equal(txtar.Format(got), txtar.Format(want)) {
					t.Errorf("step %d: the updated project (b/) is not what new writes (a/):\n%s", i+1, golden.Diff(want, got))
				}
			}
		})
	}
}

func render(t *testing.T, o generator.Options, tmpl generator.Tree, seed byte) generator.Plan {
	t.Helper()
	return renderWith(t, o, tmpl, templates.Version, rand.NewChaCha8([32]byte{seed}))
}

// withoutSecrets is the project's snapshot but its secrets files, which
// hold each project's own secrets, and which an update never removes.
func withoutSecrets(t *testing.T, fsys afero.Fs, dir string) *txtar.Archive {
	t.Helper()
	a := txtar.Parse(snapshot(t, fsys, dir))
	a.Files = slices.DeleteFunc(a.Files, func(f txtar.File) bool {
		name, _, _ := strings.Cut(f.Name, " ")
		return name == ".env" || name == ".env.db"
	})
	return a
}
