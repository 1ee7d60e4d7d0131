package cli

// updateplan.go works out an update: both sides resolved and rendered,
// the project checked, and update.Compute run on them.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/internal/version"
)

// updateJob is an update worked out in memory, and what its report says.
type updateJob struct {
	plan update.Plan
	// shown names the project: its folder, or its name for ".".
	shown, from, to string
	answers         []string // the answers it changes, as changedAnswers says
	why             string   // why the base is unknown; "" when it is known
	packNote        string   // what recordPack has to say
	in              update.Input
	gone            []string // resources whose folders the user deleted
}

// planUpdate resolves the project as it is recorded and as it is asked
// for, rebuilds its base, renders both, checks the project, and computes
// the update.
func planUpdate(ctx context.Context, env *Env, ur *updateOptions) (updateJob, error) {
	var u updateJob
	theirs, err := resolve(env, ur.request)
	if err != nil {
		return u, err
	}
	dir, recorded := ur.Project, theirs.Recorded
	if err := refuseDowngrade(ur.request, recorded); err != nil {
		return u, err
	}
	u.shown = escape.Path(dir)
	if filepath.Clean(dir) == "." {
		u.shown = theirs.Options.Name
	}
	u.from, u.to = describeRecorded(recorded), describeTemplates(theirs.Templates)
	u.answers = changedAnswers(recorded, theirs)
	git := gitOf(env)
	base, err := rebuildBase(ctx, env, git, ur.request, theirs)
	if err != nil {
		return u, err
	}
	base.label = u.from
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
	if base.written != nil {
		u.answers = append(editedAnswers(*base.written, base.opts), u.answers...)
	}
	in := update.Input{
		Fs: env.Fs, Dir: dir, Base: was, Theirs: next, Hashes: recorded.Files,
		Labels: update.Labels{
			Ours:   theirs.Options.Name + " (yours)",
			Base:   u.from,
			Theirs: u.to + " (scaffold update)",
		},
		Templates:      u.to,
		Merger:         update.GitMerger{Git: git},
		AnswersChanged: len(u.answers) > 0,
	}
	u.in = in
	if err := refuseMarkers(in); err != nil {
		return u, err
	}
	if !ur.allowDirty && !ur.dryRun && !ur.check {
		if err := refuseUncommitted(ctx, env, git, dir); err != nil {
			return u, err
		}
	}
	u.plan, err = update.Compute(ctx, in)
	u.plan, u.gone = update.WithoutGone(u.plan, resourceNames(theirs.Options))
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
	var best generator.Tree
	for _, tree := range base.trees {
		plan, err := generator.RenderContext(ctx, base.opts, tree, replay.Again())
		switch {
		case ctx.Err() != nil:
			return next, nil, interrupted(ctx)
		case err != nil && was == nil:
			base.why = fmt.Sprintf("this scaffold cannot render %s as it did (%s)", base.label, oneLine(err.Error()))
		case err != nil:
		case was == nil || update.Agreement(plan, hashes) > update.Agreement(*was, hashes):
			was, best = &plan, tree
		}
	}
	if was != nil && hashes != nil && update.Disagreement(*was, hashes) > 0 {
		if plan, ok := findWrittenAnswers(ctx, base, best, hashes, replay, update.Disagreement(*was, hashes)); ok {
			was = &plan
		}
		if ctx.Err() != nil {
			return next, nil, interrupted(ctx)
		}
	}
	return next, was, nil
}

// findWrittenAnswers looks for the answers the project's files were
// written with, when the recorded ones do not render them: answers edited
// by hand in .scaffold.yaml, the copier habit. It changes one answer of a
// true-or-false or choice question at a time, keeps the change that brings
// the render closest to files:, and stops when none does; base.written
// then holds those answers. ok is false when no change helps.
func findWrittenAnswers(ctx context.Context, base *baseRender, tree generator.Tree, hashes map[string]string, replay *update.Replay, best int) (generator.Plan, bool) {
	const rounds = 3 // answers edited at once, at most
	opts := base.opts
	var found generator.Plan
	ok := false
	for range rounds {
		improved := false
		cur := opts
		for _, q := range generator.Questions() {
			var values []any
			switch q.Kind {
			case generator.KindBool:
				values = []any{true, false}
			case generator.KindChoice:
				for _, v := range q.Values {
					values = append(values, v)
				}
			}
			for _, v := range values {
				if fmt.Sprint(q.Get(cur)) == fmt.Sprint(v) {
					continue
				}
				try := cur
				q.Set(&try, v) // a builtin answer: a field of its own, no shared map
				if q.Validate(try) != nil {
					continue
				}
				plan, err := generator.RenderContext(ctx, try, tree, replay.Again())
				if ctx.Err() != nil {
					return found, false
				}
				if err != nil {
					continue
				}
				if d := update.Disagreement(plan, hashes); d < best {
					best, found, opts, ok, improved = d, plan, try, true, true
				}
			}
		}
		if !improved || best == 0 {
			break
		}
	}
	if ok {
		base.written = &opts
	}
	return found, ok
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

// refuseDowngrade refuses `update --to` a release older than the one the
// project records: the planners bring a project forward, and git undoes
// an update.
func refuseDowngrade(req request, recorded *config.File) error {
	if req.Release == "" || recorded.Template.Path != "" ||
		releases.CompareVersions(req.Release, recorded.Template.Version) >= 0 {
		return nil
	}
	return usagef("%s %s is older than %s, which this project records; scaffold update never downgrades a project: to go back, undo the update that brought it with git",
		req.ReleaseFlag, req.Release, describeRecorded(recorded))
}

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

// resourceNames lists the project's resources, each the folder of its app.
func resourceNames(o generator.Options) []string {
	var names []string
	for _, r := range o.AllResources() {
		names = append(names, r.Name)
	}
	return names
}
