package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/diff"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/project"
)

// diffOptions are what `scaffold diff` was asked to do.
type diffOptions struct {
	dir     string // the project folder
	packDir string // --pack
}

// newDiffCommand is `scaffold diff`; runF, when set, takes the place of
// runDiff, so that tests check the parsing without rendering.
func newDiffCommand(env *Env, runF func(context.Context, *diffOptions) error) *cobra.Command {
	o := &diffOptions{dir: "."}
	cmd := &cobra.Command{
		Use:   "diff [PROJECT_DIR]",
		Short: "Show how a generated project differs from what its templates generate now",
		Long: `Render the project in PROJECT_DIR (default .) again, in memory, from the
answers and the template or template pack its .scaffold.yaml records, and
compare it with the files on disk. Nothing is written.

The output is a unified diff from the file on disk (a/) to the generated
one (b/), after a line per file: "changed: PATH" or "missing on disk: PATH"
(generating again would add it). A changed executable bit is shown too.
Only the files scaffold generates are compared, so your own files never
show up; .env and .env.db hold each project's own secrets and are not
compared, and scaffold_version in .scaffold.yaml is not compared either, so
a newer scaffold that renders the same files reports no difference.

When something differs, the last line names scaffold update, which
brings the project to its templates and keeps your changes (--dry-run
first shows what it would do).

Exit status: 0 when nothing differs, 1 when something does, 2 on a usage
error such as a missing .scaffold.yaml. That makes it a golden-file check
for CI: commit a generated project and run scaffold diff on it.`,
		Example: `  # what would the current templates change in this project?
  scaffold diff

  # golden check of a template pack in CI
  scaffold diff golden/

  # compare with another version of the pack
  scaffold diff golden/ --pack ../acme-pack-next`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.dir = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runDiff(cmd.Context(), env, o)
		},
	}
	definePack(cmd, &o.packDir, "template pack `DIR` to compare with, instead of the one .scaffold.yaml records")
	return cmd
}

func runDiff(ctx context.Context, env *Env, o *diffOptions) error {
	dir, packDir := o.dir, o.packDir
	r, err := resolve(env, request{Project: dir, PackDir: packDir})
	if err != nil {
		return err
	}
	// A newer scaffold that renders the same files is no change.
	plan, err := project.Render(ctx, r.spec(r.Recorded.ScaffoldVersion, r.Recorded.Template.Commit), env.Rand)
	if err != nil {
		return packMistake(err, r.Pack)
	}
	changes, err := diff.Compare(env.Fs, dir, plan)
	if err != nil {
		return err
	}
	// Nor is an answers file that an earlier scaffold wrote without its
	// format key.
	changes = slices.DeleteFunc(changes, func(c diff.Change) bool {
		return c.Path == config.FileName && c.Kind == diff.Changed && c.Other == "" &&
			c.DiskMode&0o111 == c.Mode&0o111 && config.Same(c.Disk, c.Generated)
	})
	if len(changes) == 0 {
		_, err := fmt.Fprintf(env.Stdout, "%s matches what its templates generate (%d files compared)\n", escape.Path(dir), diff.Compared(plan))
		return err
	}
	if err := diff.Write(env.Stdout, changes); err != nil {
		return err
	}
	return newDiffersError(dir, packDir, changes)
}

// differsError reports that a project differs from what its templates
// generate; the differences themselves are printed before it.
type differsError struct {
	Dir              string
	Changed, Missing int
	// Update is the command that brings the project to its templates,
	// keeping the user's changes: scaffold update, never a command that
	// overwrites them.
	Update string
}

func (e *differsError) Error() string {
	return fmt.Sprintf("%s differs from what its templates generate: %d changed, %d missing on disk; to bring it to its templates and keep your changes, see what would change with %s --dry-run, then run %s",
		e.Dir, e.Changed, e.Missing, e.Update, e.Update)
}

func newDiffersError(dir, packDir string, changes []diff.Change) error {
	e := &differsError{Dir: dir}
	for _, c := range changes {
		if c.Kind == diff.Missing {
			e.Missing++
		} else {
			e.Changed++
		}
	}
	parts := []string{"scaffold update"}
	if filepath.Clean(dir) != "." {
		parts = append(parts, dir)
	}
	if packDir != "" {
		parts = append(parts, "--pack", packDir)
	}
	e.Update = strings.Join(parts, " ")
	return e
}
