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
	dryRun, check, noConflicts, allowDirty, allowRemove, quiet bool
}

const updateLong = `Bring the project in PROJECT_DIR (default .) to this scaffold's templates,
or to new answers, keeping every change you made. It works offline.

The answer flags (--celery, --auth, ...) and --set change answers; an
answer you do not give keeps the value that .scaffold.yaml records, never
a new project's default. Answers edited in .scaffold.yaml by hand count
too: a file they generate that was never written is added.

scaffold renders the project twice, in memory: as it was generated (the
answers and the template version that .scaffold.yaml records) and as it
would be generated now (with the answers changed by flags or --set). Then,
file by file:

  a file you did not change takes the new version, or is removed when the
    templates no longer generate it;
  a file you changed is kept, and the templates' changes to it are merged
    in with git merge-file; where both changed the same lines, the file gets
    <<<<<<< ||||||| ======= >>>>>>> conflict markers, with the base (what
    scaffold generated before) after |||||||; INSTALLED_APPS, MIDDLEWARE,
    urlpatterns, router registrations and requirements*.txt merge entry by
    entry; a file in CRLF stays in CRLF;
  a file you deleted stays deleted; your own files are never touched;
  the secrets files, .env and .env.db, are never rewritten: variables the
    new render needs are appended, and a missing one gets the secrets that
    the others hold, such as the password of DATABASE_URL.

--to VERSION brings the project to that release of the builtin templates
instead of the current one (scaffold templates list shows them); a
release older than the one the project records is refused: an update
never downgrades.

New answers that remove an app (its apps.py and migrations), or leave
behind files you changed, are refused unless --allow-remove is given;
database tables are never touched. The report ends with the next steps:
conflicts to resolve, variables to set, images to rebuild, migrations to
apply.

Nothing is written when any file cannot be updated; the answers file
records the new answers and template version only when the update is
applied. A project with uncommitted changes in git, or with conflict
markers left from an earlier update, is refused.

Exit status: 0 when the project is up to date or was updated, 1 when the
update wrote conflicts to resolve (or, with --no-conflicts, would have;
--dry-run --no-conflicts exits with 1 too), when it removes an app without
--allow-remove, or with --check when the project lags its templates; 2 on
a usage error.`

const updateExample = `  # bring this project to the current templates
  scaffold update

  # see what an update would do
  scaffold update --dry-run

  # bring the project to one release, not the latest
  scaffold update --to 1.1.0

  # turn on Celery and switch to JWT a month in
  scaffold update --celery --auth jwt
  scaffold update --set celery=true

  # rename the example resource: its app goes, its tables stay
  scaffold update --resource products --allow-remove

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
	f.BoolVar(&ur.allowRemove, "allow-remove", false, "let new answers remove an app with its migrations, or leave behind files you changed; database tables are never touched")
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
	out := newPrinter(env.Stdout, env.Color, ur.quiet)
	session, err := lockRun(env, ur.Project, ur.dryRun || ur.check, out)
	if err != nil {
		return err
	}
	defer session.Release()
	u, err := planUpdate(ctx, env, ur)
	if err != nil {
		return err
	}
	lags := u.plan.Lags()
	printPlanNotes(out, u, lags)
	switch {
	case ur.check && lags:
		printUpdate(out, u.plan)
		return &lagsError{Dir: u.shown, To: u.to, Summary: u.plan.Summary()}
	case !lags:
		return out.done("%s is up to date with %s", u.shown, u.to)
	}
	_ = out.printf("Updating %s %s:\n", u.shown, escape.Line(describeChange(u.from, u.to, u.answers)))
	printUpdate(out, u.plan)
	broken, err := u.plan.BrokenImports(u.in)
	if err != nil {
		return err
	}
	losses, apps := u.plan.Losses()
	next, err := u.plan.NextSteps(u.in)
	if err != nil {
		return err
	}
	// Each refusal is the run's as much as the dry run's, so that a CI
	// job can check with a dry run.
	conflicts := u.plan.Conflicts()
	var refusal error
	switch {
	case len(broken) > 0:
		refusal = &brokenImportError{Dir: u.shown, Imports: broken}
	case len(losses) > 0 && !ur.allowRemove:
		refusal = &removeError{Dir: u.shown, Losses: losses, Apps: apps}
	case len(conflicts) > 0 && ur.noConflicts:
		refusal = &conflictError{Dir: u.shown, Paths: conflicts}
	}
	switch {
	case ur.dryRun && refusal != nil:
		printLosses(out, apps, false)
		_ = out.printf("Nothing was written (--dry-run).\n")
		return refusal
	case ur.dryRun:
		printLosses(out, apps, true)
		printNextSteps(out, next, u.in.Theirs, true)
		return out.printf("Nothing was written (--dry-run).\n")
	case refusal != nil:
		printLosses(out, apps, false)
		return refusal
	}
	res, err := applyIn(ctx, env, session, ur.Project, generator.Plan{Files: u.plan.Writes(), Remove: u.plan.Removes()}, writer.Options{Existing: true})
	if err != nil {
		return err
	}
	out.notes(append(res.Notes, unlock(session)...))
	printLosses(out, apps, true)
	if u.packNote != "" {
		_ = out.note("%s", u.packNote)
	}
	if len(conflicts) > 0 {
		printNextSteps(out, next, u.in.Theirs, false)
		return &conflictError{Dir: u.shown, Paths: conflicts, Written: true}
	}
	err = out.done("Updated %s to %s: %s", u.shown, u.to, u.plan.Summary())
	printNextSteps(out, next, u.in.Theirs, false)
	return err
}

// printPlanNotes says what the plan leaves alone or cannot know: resources
// whose files the user deleted, and an unknown base.
func printPlanNotes(out printer, u updateJob, lags bool) {
	for _, name := range u.gone {
		_ = out.note("the files of resource %s are gone, so the update leaves %s/ alone; run scaffold remove resource %s to take it out of .scaffold.yaml, settings, URLs and README", name, name, name)
	}
	if u.why != "" && lags {
		_ = out.note("%s; every file you changed gets conflict markers wherever it differs from the new render", u.why)
	}
}
