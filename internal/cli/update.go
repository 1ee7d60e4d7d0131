package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/writer"
)

// updateOptions are what `scaffold update` was asked to do.
type updateOptions struct {
	request
	dryRun, check, noConflicts, allowDirty, quiet bool
}

const updateLong = `Bring the project in PROJECT_DIR (default .) to this scaffold's templates,
or to new answers, keeping every change you made. It works offline.

The answer flags (--celery, --auth, ...) and --set change answers; an
answer you do not give keeps the value that .scaffold.yaml records, never
a new project's default.

scaffold renders the project twice, in memory: as it was generated (the
answers and the template version that .scaffold.yaml records) and as it
would be generated now (with the answers changed by flags or --set). Then,
file by file:

  a file you did not change takes the new version, or is removed when the
    templates no longer generate it;
  a file you changed is kept, and the templates' changes to it are merged
    in with git merge-file; where both changed the same lines, the file gets
    <<<<<<< ======= >>>>>>> conflict markers;
  a file you deleted stays deleted; your own files are never touched;
  the secrets files, .env and .env.db, are never rewritten: variables the
    new render needs are appended, and a missing one gets the secrets that
    the others hold, such as the password of DATABASE_URL.

--to VERSION brings the project to that release of the builtin templates
instead of the current one (scaffold templates list shows them); a
release older than the one the project records is refused: an update
never downgrades.

Nothing is written when any file cannot be updated; the answers file
records the new answers and template version only when the update is
applied. A project with uncommitted changes in git, or with conflict
markers left from an earlier update, is refused.

Exit status: 0 when the project is up to date or was updated, 1 when the
update wrote conflicts to resolve (or, with --no-conflicts, would have;
--dry-run --no-conflicts exits with 1 too), or with --check when the
project lags its templates; 2 on a usage error.`

const updateExample = `  # bring this project to the current templates
  scaffold update

  # see what an update would do
  scaffold update --dry-run

  # bring the project to one release, not the latest
  scaffold update --to 1.1.0

  # turn on Celery and switch to JWT a month in
  scaffold update --celery --auth jwt
  scaffold update --set celery=true

  # a scheduled CI job: fail when the project lags its templates
  scaffold update --check`

// newUpdateCommand is `scaffold update`; runF, when set, takes the place
// of runUpdate, so that tests check the parsing without rendering.
func newUpdateCommand(env *Env, runF func(context.Context, *updateOptions) error) *cobra.Command {
	ur := &updateOptions{}
	af := answerFlags{}
	cmd := &cobra.Command{
		Use:     "update [PROJECT_DIR]",
		Short:   "Bring a project to the current templates, or to new answers, keeping your changes",
		Long:    updateLong,
		Example: updateExample,
		Args:    usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ur.Project = "."
			if len(args) == 1 {
				ur.Project = args[0]
			}
			ur.Answers = af.given(cmd.Flags())
			ur.ReleaseFlag = "--to"
			if runF != nil {
				return runF(cmd.Context(), ur)
			}
			return runUpdate(cmd.Context(), env, ur)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVar(&ur.Release, "to", "", "update to this release of the builtin templates, `VERSION` (scaffold templates list), instead of the current one; never an older one than the project records")
	f.BoolVar(&ur.dryRun, "dry-run", false, "print what would change in each file, and write nothing")
	f.BoolVar(&ur.check, "check", false, "write nothing; exit with 1 when the project lags its templates")
	f.BoolVar(&ur.noConflicts, "no-conflicts", false, "write nothing, and exit with 1, when any file would get conflict markers")
	f.BoolVar(&ur.allowDirty, "allow-dirty", false, "update a project whose git repository has uncommitted changes")
	af.defineChanges(cmd)
	definePack(cmd, &ur.PackDir, "template pack `DIR` to update to, instead of the one .scaffold.yaml records")
	f.StringArrayVar(&ur.Sets, "set", nil, "change an answer, as `KEY=VALUE`: a builtin one such as celery=true, or a template pack's; repeatable")
	f.BoolVar(&ur.quiet, "quiet", false, "print only errors")
	completeReleases(cmd, "to")
	markExclusive(cmd, "--check writes nothing either", "dry-run", "check")
	return cmd
}

func runUpdate(ctx context.Context, env *Env, ur *updateOptions) error {
	if renames(ur.request) {
		return usagef("an update cannot rename the project; rename its folder, and generate it anew with scaffold new to change its Python packages")
	}
	u, err := planUpdate(ctx, env, ur)
	if err != nil {
		return err
	}
	out := newPrinter(env.Stdout, env.Color, ur.quiet)
	lags := u.plan.Lags()
	for _, name := range u.gone {
		_ = out.note("the files of resource %s are gone, so the update leaves %s/ alone; run scaffold remove resource %s to take it out of .scaffold.yaml, settings, URLs and README", name, name, name)
	}
	if u.why != "" && lags {
		_ = out.note("%s; every file you changed gets conflict markers wherever it differs from the new render", u.why)
	}
	switch {
	case ur.check && lags:
		printUpdate(out, u.plan)
		return &LagsError{Dir: u.shown, To: u.to, Summary: u.plan.Summary()}
	case !lags:
		return out.done("%s is up to date with %s", u.shown, u.to)
	}
	_ = out.printf("Updating %s %s:\n", u.shown, escape.Line(describeChange(u.from, u.to, u.answers)))
	printUpdate(out, u.plan)
	conflicts := u.plan.Conflicts()
	refused := len(conflicts) > 0 && ur.noConflicts
	switch {
	case ur.dryRun && refused:
		// As the run would: a CI job can check with a dry run.
		_ = out.printf("Nothing was written (--dry-run).\n")
		return &ConflictError{Dir: u.shown, Paths: conflicts}
	case ur.dryRun:
		return out.printf("Nothing was written (--dry-run).\n")
	case refused:
		return &ConflictError{Dir: u.shown, Paths: conflicts}
	}
	res, err := writer.Apply(ctx, env.Fs, ur.Project, generator.Plan{Files: u.plan.Writes(), Remove: u.plan.Removes()}, writer.Options{Existing: true})
	if err != nil {
		return err
	}
	out.notes(res.Notes)
	if u.packNote != "" {
		_ = out.note("%s", u.packNote)
	}
	if len(conflicts) > 0 {
		return &ConflictError{Dir: u.shown, Paths: conflicts, Written: true}
	}
	return out.done("Updated %s to %s: %s", u.shown, u.to, u.plan.Summary())
}
