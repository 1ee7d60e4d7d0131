package cli

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// execute runs one command on args, without its parent; the runF seam
// given to it records what the command line parsed into.
func execute(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.ExecuteContext(context.Background())
}

func TestNewOptions(t *testing.T) {
	var got *newOptions
	cmd := newNewCommand(&Env{}, func(_ context.Context, o *newOptions) error { got = o; return nil })
	err := execute(t, cmd, "myapi", "title:str", "--yes", "--database", "mysql", "--template", "acme", "--set", "team=x", "--git=false", "-o", "out")
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case got.Answers["name"] != "myapi", got.Answers["database"] != "mysql":
		t.Errorf("Answers = %v", got.Answers)
	case !slices.Equal(got.Fields, []string{"title:str"}), !slices.Equal(got.Sets, []string{"team=x"}):
		t.Errorf("Fields = %v, Sets = %v", got.Fields, got.Sets)
	case got.PackDir != "acme", got.Parent != "out":
		t.Errorf("PackDir = %q, Parent = %q; --template is --pack's older name", got.PackDir, got.Parent)
	case !got.yes, got.git, !got.gitGiven:
		t.Errorf("yes %v, git %v, gitGiven %v", got.yes, got.git, got.gitGiven)
	}
	if _, ok := got.Answers["celery"]; ok {
		t.Error("a flag that was not given answers its question")
	}
}

// Flags that exclude each other are refused, before the command runs, with
// a usage error that says why.
func TestExclusiveFlags(t *testing.T) {
	never := func(t *testing.T) func() {
		return func() { t.Error("the command ran") }
	}
	for _, tc := range []struct {
		name string
		cmd  func(ran func()) *cobra.Command
		args []string
		want string
	}{
		{"yes and no-input", func(ran func()) *cobra.Command {
			return newNewCommand(&Env{}, func(context.Context, *newOptions) error { ran(); return nil })
		}, []string{"x", "--yes", "--no-input"}, "--yes and --no-input cannot be used together; --yes takes the defaults, --no-input refuses to guess"},
		{"a flag and its opposite", func(ran func()) *cobra.Command {
			return newNewCommand(&Env{}, func(context.Context, *newOptions) error { ran(); return nil })
		}, []string{"x", "--resource", "books", "--no-resource"}, "--resource and --no-resource cannot be used together; keep one"},
		{"pack and its older name", func(ran func()) *cobra.Command {
			return newDiffCommand(&Env{}, func(context.Context, *diffOptions) error { ran(); return nil })
		}, []string{"--pack", "a", "--template", "b"}, "--pack and --template cannot be used together"},
		{"dry-run and check", func(ran func()) *cobra.Command {
			return newUpdateCommand(&Env{}, func(context.Context, *updateOptions) error { ran(); return nil })
		}, []string{"--dry-run", "--check"}, "--dry-run and --check cannot be used together; --check writes nothing either"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := execute(t, tc.cmd(never(t)), tc.args...)
			if _, ok := errors.AsType[*usageError](err); !ok || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %v, want a usage error %q", err, tc.want)
			}
		})
	}
}

func TestUpdateDiffAddOptions(t *testing.T) {
	var u *updateOptions
	if err := execute(t, newUpdateCommand(&Env{}, func(_ context.Context, o *updateOptions) error { u = o; return nil }),
		"proj", "--celery", "--pack", "p", "--allow-dirty"); err != nil {
		t.Fatal(err)
	}
	if u.Project != "proj" || u.PackDir != "p" || u.Answers["celery"] != true || !u.allowDirty {
		t.Errorf("update options %+v", u)
	}
	var d *diffOptions
	if err := execute(t, newDiffCommand(&Env{}, func(_ context.Context, o *diffOptions) error { d = o; return nil })); err != nil {
		t.Fatal(err)
	}
	if d.dir != "." || d.packDir != "" {
		t.Errorf("diff options %+v", d)
	}
	var a *addResourceOptions
	if err := execute(t, newAddResourceCommand(&Env{}, func(_ context.Context, o *addResourceOptions) error { a = o; return nil }),
		"books", "title:str", "-p", "../myapi", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if a.name != "books" || !slices.Equal(a.specs, []string{"title:str"}) || a.dir != "../myapi" || !a.dryRun {
		t.Errorf("add resource options %+v", a)
	}
	var e *exportOptions
	if err := execute(t, newExportCommand(&Env{}, func(_ *cobra.Command, o *exportOptions) error { e = o; return nil }), "acme", "--force"); err != nil {
		t.Fatal(err)
	}
	if e.dir != "acme" || !e.force {
		t.Errorf("export options %+v", e)
	}
}

// The versions and the guard of --force parse into the request.
func TestVersionOptions(t *testing.T) {
	var n *newOptions
	cmd := newNewCommand(&Env{}, func(_ context.Context, o *newOptions) error { n = o; return nil })
	if err := execute(t, cmd, "myapi", "--template-version", "1.0.0", "--force", "--discard-changes"); err != nil {
		t.Fatal(err)
	}
	if n.Release != "1.0.0" || n.ReleaseFlag != "--template-version" || !n.Force || !n.discardChanges {
		t.Errorf("new: Release %q (%s), Force %v, discardChanges %v", n.Release, n.ReleaseFlag, n.Force, n.discardChanges)
	}
	var u *updateOptions
	cmd = newUpdateCommand(&Env{}, func(_ context.Context, o *updateOptions) error { u = o; return nil })
	if err := execute(t, cmd, "myapi", "--to", "1.1.0", "--dry-run", "--no-conflicts", "--api-docs=false"); err != nil {
		t.Fatal(err)
	}
	if u.Release != "1.1.0" || u.ReleaseFlag != "--to" || !u.dryRun || !u.noConflicts || u.Answers["api_docs"] != false || len(u.Answers) != 1 {
		t.Errorf("update: Release %q (%s), dryRun %v, noConflicts %v, Answers %v", u.Release, u.ReleaseFlag, u.dryRun, u.noConflicts, u.Answers)
	}
}
