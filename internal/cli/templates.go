package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

func newTemplatesCommand(env *Env) *cobra.Command {
	return groupCommand(&cobra.Command{
		Use:   "templates",
		Short: "Work with the builtin templates",
		Long: `Work with the builtin templates, for instance to start a template pack:
a folder with a pack.yaml and a files/ folder that changes, adds or removes
files of the generated project and asks its own questions.`,
		Example: "  scaffold templates list\n  scaffold templates export acme-pack",
	}, newListCommand(env), newExportCommand(env, nil))
}

// newListCommand is `scaffold templates list`: every release of the
// builtin templates that this scaffold carries, the versions that
// `new --template-version` and `update --to` take.
func newListCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the releases of the builtin templates, newest first, with what changed",
		Long: `List every release of the builtin templates that this scaffold carries,
newest first, with its date and what changed in it. The release that
scaffold new writes is marked with *; scaffold new --template-version and
scaffold update --to take any of them.`,
		Example: "  scaffold templates list",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listReleases(cmd.OutOrStdout())
		},
	}
}

// listReleases prints the releases newest first, as a changelog reads:
// the release a project would be updated to comes first, and what changed
// last is what a reader looks for.
func listReleases(w io.Writer) error {
	versions := releases.Versions()
	var b strings.Builder
	fmt.Fprintf(&b, "Releases of the builtin templates (%s), newest first; * marks the one scaffold new writes:\n", templates.Name)
	for _, v := range slices.Backward(versions) {
		date, err := releases.Date(v)
		if err != nil {
			return err
		}
		notes, err := releases.Notes(v)
		if err != nil {
			return err
		}
		mark := " "
		if v == templates.Version {
			mark = "*"
		}
		fmt.Fprintf(&b, "\n%s %s  released %s\n", mark, v, date)
		for _, line := range strings.Split(strings.TrimRight(notes, "\n"), "\n") {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("    " + line + "\n")
		}
	}
	if !slices.Contains(versions, templates.Version) {
		fmt.Fprintf(&b, "\nscaffold new writes %s, which is not released yet.\n", templates.Version)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// exportOptions are what `scaffold templates export` was asked to do.
type exportOptions struct {
	dir   string
	force bool
}

// newExportCommand is `scaffold templates export`; runF, when set, takes
// the place of runExport, so that tests check the parsing without writing.
func newExportCommand(env *Env, runF func(*cobra.Command, *exportOptions) error) *cobra.Command {
	o := &exportOptions{}
	cmd := &cobra.Command{
		Use:   "export DIR",
		Short: "Write the builtin templates as a template pack in DIR",
		Long: `Write the builtin templates as a template pack: DIR/pack.yaml, and a copy
of every builtin template under DIR/files/. Rendering the exported pack
gives the same project as the builtin templates; edit it to make your own.
A pack's files replace the builtin files with the same output path, so
delete the files you keep unchanged and the pack follows scaffold's updates.`,
		Example: `  scaffold templates export acme-pack
  scaffold new myapi --pack acme-pack`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.dir = args[0]
			if runF != nil {
				return runF(cmd, o)
			}
			return runExport(cmd, env, o.dir, o.force)
		},
	}
	cmd.Flags().BoolVar(&o.force, "force", false, "write into a non-empty DIR, overwriting exported files and deleting nothing")
	return cmd
}

func runExport(cmd *cobra.Command, env *Env, dir string, force bool) error {
	// generator's own message speaks of a project folder.
	err := writer.CheckTarget(env.Fs, dir, force)
	if errors.Is(err, writer.ErrTargetNotEmpty) {
		return &plainError{msg: dir + " is not empty; choose an empty folder, or use --force to overwrite the exported files in it", err: err}
	}
	if err != nil {
		return err
	}
	plan, err := pack.Export()
	if err != nil {
		return err
	}
	res, err := writer.Apply(cmd.Context(), env.Fs, dir, plan, writer.Options{Existing: force})
	if err != nil {
		return err
	}
	out := newPrinter(cmd.OutOrStdout(), env.Color, false)
	_ = out.printf("Wrote the builtin templates as a pack: %d files in %s\n", len(res.Written), escape.Path(dir))
	out.notes(res.Notes)
	return out.printf("\nNext steps:\n  edit %s\n  scaffold new myapi --pack %s\n",
		escape.Path(filepath.Join(dir, pack.FileName)), escape.Path(dir))
}
