package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/internal/version"
	"github.com/djscaffold/scaffold/internal/writer"
)

// updateRun is what `scaffold update` was asked to do.
type updateRun struct {
	request
	dryRun, check, noConflicts, allowDirty, quiet bool
}

func newUpdateCommand(env *Env) *cobra.Command {
	var (
		ur updateRun
		af = answerFlags{}
	)
	cmd := &cobra.Command{
		Use:   "update [PROJECT_DIR]",
		Short: "Bring a project to the current templates, or to new answers, keeping your changes",
		Long: `Bring the project in PROJECT_DIR (default .) to this scaffold's templates,
or to new answers, keeping every change you made. It works offline.

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

Nothing is written when any file cannot be updated; the answers file
records the new answers and template version only when the update is
applied. A project with uncommitted changes in git, or with conflict
markers left from an earlier update, is refused.

Exit status: 0 when the project is up to date or was updated, 1 when the
update wrote conflicts to resolve (or, with --no-conflicts, would have),
or with --check when the project lags its templates; 2 on a usage error.`,
		Example: `  # bring this project to the current templates
  scaffold update

  # see what an update would do
  scaffold update --dry-run

  # turn on Celery and switch to JWT a month in
  scaffold update --celery --auth jwt
  scaffold update --set celery=true

  # a scheduled CI job: fail when the project lags its templates
  scaffold update --check`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ur.Project = "."
			if len(args) == 1 {
				ur.Project = args[0]
			}
			var err error
			if ur.Answers, err = af.given(cmd.Flags()); err != nil {
				return err
			}
			return runUpdate(cmd.Context(), env, ur)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.BoolVar(&ur.dryRun, "dry-run", false, "print what would change in each file, and write nothing")
	f.BoolVar(&ur.check, "check", false, "write nothing; exit with 1 when the project lags its templates")
	f.BoolVar(&ur.noConflicts, "no-conflicts", false, "write nothing, and exit with 1, when any file would get conflict markers")
	f.BoolVar(&ur.allowDirty, "allow-dirty", false, "update a project whose git repository has uncommitted changes")
	af.define(cmd)
	f.StringVar(&ur.PackDir, "template", "", "template pack `DIR` to update to, instead of the one .scaffold.yaml records")
	f.StringArrayVar(&ur.Sets, "set", nil, "change an answer, as `KEY=VALUE`: a builtin one such as celery=true, or a template pack's; repeatable")
	f.BoolVar(&ur.quiet, "quiet", false, "print only errors")
	return cmd
}

func runUpdate(ctx context.Context, env *Env, ur updateRun) error {
	switch {
	case ur.dryRun && ur.check:
		return usagef("--dry-run and --check cannot be used together; --check writes nothing either")
	case renames(ur.request):
		return usagef("an update cannot rename the project; rename its folder, and generate it anew with scaffold new to change its Python packages")
	}
	u, err := planUpdate(ctx, env, ur)
	if err != nil {
		return err
	}
	out := newPrinter(env.Stdout, env.Color, ur.quiet)
	lags := u.plan.Lags()
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
	_ = out.printf("Updating %s %s:\n", u.shown, describeChange(u.from, u.to, u.answers))
	printUpdate(out, u.plan)
	conflicts := u.plan.Conflicts()
	switch {
	case ur.dryRun:
		return out.printf("Nothing was written (--dry-run).\n")
	case len(conflicts) > 0 && ur.noConflicts:
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

// updateJob is an update worked out in memory, and what its report says.
type updateJob struct {
	plan update.Plan
	// shown names the project: its folder, or its name for ".".
	shown, from, to string
	answers         []string // the answers it changes, as changedAnswers says
	why             string   // why the base is unknown; "" when it is known
	packNote        string   // what recordPack has to say
}

// planUpdate resolves the project as it is recorded and as it is asked
// for, rebuilds its base, renders both, checks the project, and computes
// the update.
func planUpdate(ctx context.Context, env *Env, ur updateRun) (updateJob, error) {
	var u updateJob
	theirs, err := resolve(env, ur.request)
	if err != nil {
		return u, err
	}
	dir, recorded := ur.Project, theirs.Recorded
	u.shown = escape.Path(dir)
	if filepath.Clean(dir) == "." {
		u.shown = theirs.Options.Name
	}
	u.from, u.to = describeRecorded(recorded), describeTree(theirs.Tree)
	u.answers = changedAnswers(recorded, theirs)
	git := gitOf(env)
	base, err := rebuildBase(ctx, env, git, ur.request, theirs)
	if err != nil {
		return u, err
	}
	commit, note, err := recordPack(ctx, git, theirs)
	if err != nil {
		return u, err
	}
	u.packNote = note

	// Both renders read the same random bytes, so that their secrets files
	// differ only where the templates do, and both use the secrets that the
	// project already has, so that a secrets file the update adds agrees
	// with those on disk.
	replay := update.NewReplay(env.Rand)
	var (
		next generator.Plan
		was  *generator.Plan
	)
	_, err = project.ReuseSecrets(env.Fs, dir, func(own generator.Secrets) ([]generator.Plan, error) {
		theirs.Options.Secrets, base.opts.Secrets = own, own
		next, was, err = renderSides(ctx, theirs.spec(version.String(), commit), &base, theirs.Recorded.Files, replay)
		if err != nil {
			return nil, packMistake(err, theirs.Pack)
		}
		return sides(next, was), nil
	})
	if err != nil {
		return u, err
	}
	if was == nil {
		u.why = base.why
	}
	in := update.Input{
		Fs: env.Fs, Dir: dir, Base: was, Theirs: next, Hashes: recorded.Files,
		Labels: update.Labels{
			Ours:   theirs.Options.Name + " (yours)",
			Base:   u.from,
			Theirs: u.to + " (scaffold update)",
		},
		Templates: u.to,
		Merger:    update.GitMerger{Git: git},
	}
	if err := refuseMarkers(in); err != nil {
		return u, err
	}
	if !ur.allowDirty && !ur.dryRun && !ur.check {
		if err := refuseUncommitted(ctx, env, git, dir); err != nil {
			return u, err
		}
	}
	u.plan, err = update.Compute(ctx, in)
	return u, err
}

// renderSides renders the project as it is asked for, and as it was
// generated, both with the same random bytes: of several base trees, the
// one whose render agrees with files: did. The base is nil, and base.why
// says why, when no tree renders.
func renderSides(ctx context.Context, theirs project.Spec, base *baseRender, hashes map[string]string, replay *update.Replay) (next generator.Plan, was *generator.Plan, err error) {
	next, err = project.Render(ctx, theirs, replay.Again())
	if err != nil {
		return next, nil, err
	}
	for _, tree := range base.trees {
		plan, err := generator.RenderContext(ctx, base.opts, tree, replay.Again())
		switch {
		case ctx.Err() != nil:
			return next, nil, interrupted(ctx)
		case err != nil && was == nil:
			base.why = fmt.Sprintf("this scaffold cannot render %s as it did (%s)", describeTree(tree), oneLine(err.Error()))
		case err != nil:
		case was == nil || update.Agreement(plan, hashes) > update.Agreement(*was, hashes):
			was = &plan
		}
	}
	return next, was, nil
}

// sides lists the renders an update compares, the new one first.
func sides(next generator.Plan, was *generator.Plan) []generator.Plan {
	if was == nil {
		return []generator.Plan{next}
	}
	return []generator.Plan{next, *was}
}

// renames reports whether a request changes the project's name, which
// names its Python packages: no merge can follow that.
func renames(req request) bool {
	if _, ok := req.Answers["name"]; ok {
		return true
	}
	for _, s := range req.Sets {
		if key, _, _ := strings.Cut(s, "="); key == "name" {
			return true
		}
	}
	return false
}

// baseRender is what rebuilds the project as it was generated: the
// recorded answers, and the templates at the recorded version; of several
// trees, the one whose render agrees with files: did. Without trees, it
// cannot be done, and why says why.
type baseRender struct {
	trees []generator.Tree
	opts  generator.Options
	why   string
}

// rebuildBase finds the templates that generated the project, offline: a
// release of the builtin templates that this scaffold carries, and a
// template pack as it was at the commit the answers file records, read
// from the pack's git history. A version newer than this scaffold's is an
// error; a pack whose past cannot be read only makes the base unknown.
func rebuildBase(ctx context.Context, env *Env, git update.Git, req request, theirs resolved) (baseRender, error) {
	recorded := theirs.Recorded
	builtinVersion := recorded.Template.Version
	if recorded.Template.Path != "" {
		builtinVersion = recorded.Template.Builtin
		if builtinVersion == "" {
			builtinVersion = releases.Versions()[0] // before it was recorded
		}
	}
	builtins, err := update.Builtins(builtinVersion)
	if err != nil {
		key := "template.version"
		if recorded.Template.Path != "" {
			key = "template.builtin"
		}
		return baseRender{}, &config.Error{File: recorded.Source, Line: recorded.Line(key), Msg: oneLine(err.Error())}
	}
	if recorded.Template.Path == "" {
		r, err := resolve(env, request{Project: req.Project})
		if err != nil {
			return baseRender{why: "the recorded answers do not resolve: " + oneLine(err.Error())}, nil
		}
		return baseRender{trees: builtins, opts: r.Options}, nil
	}

	packDir := recorded.PackDir()
	name := fmt.Sprintf("template pack %s %s", recorded.Template.Name, recorded.Template.Version)
	if recorded.Template.Commit == "" {
		return baseRender{why: fmt.Sprintf("%s was not committed to git when this project was generated, so scaffold cannot rebuild what it generated then", name)}, nil
	}
	if _, err := env.Fs.Stat(packDir); err != nil && theirs.Pack.Dir != "" {
		packDir = theirs.Pack.Dir // the pack moved, and --template says where to
	}
	fsys, root, err := update.PackAt(ctx, git, packDir, recorded.Template.Commit)
	if ctx.Err() != nil {
		return baseRender{}, interrupted(ctx)
	}
	if err != nil {
		return baseRender{why: fmt.Sprintf("scaffold cannot read %s at commit %s from git (%s)", name, short(recorded.Template.Commit), oneLine(err.Error()))}, nil
	}
	old, err := pack.Load(fsys, root)
	if err != nil {
		return baseRender{why: fmt.Sprintf("%s at commit %s does not load (%s)", name, short(recorded.Template.Commit), oneLine(err.Error()))}, nil
	}
	r, err := resolve(env, request{Project: req.Project, Pack: old})
	if err != nil {
		return baseRender{why: "the recorded answers do not fit " + name + ": " + oneLine(err.Error())}, nil
	}
	var trees []generator.Tree
	for _, b := range builtins {
		trees = append(trees, old.TreeOver(b))
	}
	return baseRender{trees: trees, opts: r.Options}, nil
}

func short(commit string) string { return commit[:min(len(commit), 12)] }

// describeChange says what an update changes: "from django-drf 1.0.0 to
// django-drf 1.1.0", and "with new answers (celery false → true)".
func describeChange(from, to string, answers []string) string {
	var parts []string
	if from != to {
		parts = append(parts, "from "+from+" to "+to)
	}
	if len(answers) > 0 {
		parts = append(parts, "with new answers ("+strings.Join(answers, ", ")+")")
	}
	if len(parts) == 0 {
		return "to " + to
	}
	return strings.Join(parts, ", ")
}

// changedAnswers lists the answers that differ from the recorded ones, as
// "celery false → true".
func changedAnswers(recorded *config.File, r resolved) []string {
	var out []string
	for _, q := range r.Questions {
		section := recorded.Answers
		if strings.HasPrefix(q.FileKey(), "extra.") {
			section = recorded.Extra
		}
		now := q.Get(r.Options)
		was, ok := section.Lookup(q.Key)
		if !ok || fmt.Sprint(was.Value) == fmt.Sprint(now) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s → %s", q.Key, showAnswer(was.Value), showAnswer(now)))
	}
	return out
}

func showAnswer(v any) string {
	if s, ok := v.(string); ok && s == "" {
		return `""`
	}
	return fmt.Sprint(v)
}

// describeTree names templates as they are labelled: "django-drf 1.1.0".
func describeTree(t generator.Tree) string { return t.Name + " " + t.Version }

func describeRecorded(f *config.File) string { return f.Template.Name + " " + f.Template.Version }

// refuseMarkers refuses a project that still holds conflict markers: an
// update over them would bury them under its own.
func refuseMarkers(in update.Input) error {
	found, err := update.Scan(in)
	if err != nil || len(found) == 0 {
		return err
	}
	return fmt.Errorf("%s still has conflict markers in %s; resolve them (keep what you want between <<<<<<< and >>>>>>>, and remove the markers), then run scaffold update again",
		escape.Path(in.Dir), listPaths(found))
}

// refuseUncommitted refuses a project whose git repository has changes
// that are not committed: an update is reviewed, and undone, with git.
func refuseUncommitted(ctx context.Context, env *Env, git update.Git, dir string) error {
	paths, _, err := update.Uncommitted(ctx, git, env.Fs, dir)
	switch {
	case ctx.Err() != nil:
		return interrupted(ctx)
	case err != nil:
		return err
	case len(paths) == 0:
		return nil
	}
	return fmt.Errorf("%s has uncommitted changes (%s); commit or stash them first, so that git diff shows what the update changes, or pass --allow-dirty",
		escape.Path(dir), listPaths(paths))
}

// listPaths names up to five paths, then how many more there are.
func listPaths(paths []string) string {
	const most = 5
	shown := make([]string, 0, most)
	for _, p := range paths[:min(len(paths), most)] {
		shown = append(shown, escape.Path(p))
	}
	if len(paths) <= most {
		return strings.Join(shown, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(shown, ", "), len(paths)-most)
}

// printUpdate prints one line per file that the update changes or that
// the user should know about.
func printUpdate(out printer, plan update.Plan) {
	for _, l := range plan.Lines() {
		kind := fmt.Sprintf("%-9s", l.Kind)
		switch l.Kind {
		case update.Conflict:
			kind = out.style(red, kind)
		case update.Updated, update.Merged, update.Added:
			kind = out.style(green, kind)
		case update.Removed, update.Deleted:
			kind = out.style(yellow, kind)
		default:
			kind = out.style(dim, kind)
		}
		text := escape.Path(l.Path)
		if l.Note != "" {
			text += ": " + l.Note
		}
		_ = out.printf("  %s %s\n", kind, text)
	}
}

// ConflictError reports files that got conflict markers, or would have
// with --no-conflicts.
type ConflictError struct {
	Dir     string
	Paths   []string
	Written bool
}

func (e *ConflictError) Error() string {
	if !e.Written {
		return fmt.Sprintf("the update of %s has conflicts in %s, so nothing was written (--no-conflicts); run without it to get conflict markers to resolve", e.Dir, listPaths(e.Paths))
	}
	return fmt.Sprintf("%s is updated, with conflicts to resolve in %s: keep what you want between <<<<<<< and >>>>>>>, remove the markers, then run scaffold update again to check",
		e.Dir, listPaths(e.Paths))
}

// LagsError reports, for --check, a project that its templates have moved
// past.
type LagsError struct {
	Dir, To, Summary string
}

func (e *LagsError) Error() string {
	return fmt.Sprintf("%s lags %s (%s); run scaffold update to bring it up to date", e.Dir, e.To, e.Summary)
}
