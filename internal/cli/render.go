package cli

import (
	"context"
	"fmt"

	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/update"
)

// render.go takes a resolved run down the project pipeline
// (internal/project), and finds what the answers file records of it.

// spec is what the project pipeline renders for a resolved run.
func (r resolved) spec(scaffoldVersion, commit string) project.Spec {
	t := r.Templates
	t.Commit = commit
	return project.Spec{Options: r.Options, Tree: r.Tree, Templates: t, ScaffoldVersion: scaffoldVersion}
}

// recordPack finds the last commit that changed the template pack, for the
// answers file, so that the next update can rebuild this render. note
// tells why there is none, when the user can do something about it.
func recordPack(ctx context.Context, git update.Git, r resolved) (commit, note string, err error) {
	if r.Pack.Dir == "" {
		return "", "", nil
	}
	commit, clean, err := update.PackCommit(ctx, git, r.Pack.Dir)
	switch {
	case ctx.Err() != nil:
		return "", "", interrupted(ctx)
	case err != nil:
		return "", "", err
	case commit == "":
		note = fmt.Sprintf("template pack %s is not in a git repository, so the next update cannot rebuild what this one wrote; keep the pack in git", r.Pack.Dir)
	case !clean:
		note = fmt.Sprintf("template pack %s has uncommitted changes, so the next update cannot rebuild what this one wrote; commit the pack before you update", r.Pack.Dir)
	default:
		return commit, "", nil
	}
	return "", note, nil
}

// gitOf runs git through env, or is nil when git is not installed. Unlike
// the other tools, its output is kept byte for byte: it is merged files.
func gitOf(env *Env) update.Git {
	if _, err := env.LookPath("git"); err != nil {
		return nil
	}
	return func(ctx context.Context, dir string, args ...string) ([]byte, error) {
		limited, cancel := context.WithTimeout(ctx, toolTimeout)
		defer cancel()
		return env.Exec(limited, dir, "git", args...)
	}
}
