package cli

// updatebase.go rebuilds the base of an update: the project as it was
// generated, from the templates at the version it records.

import (
	"context"
	"fmt"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
)

// baseRender is what rebuilds the project as it was generated: the
// recorded answers, and the templates at the recorded version; of several
// trees, the one whose render agrees with files: did. Without trees, it
// cannot be done, and why says why.
type baseRender struct {
	trees []generator.Tree
	opts  generator.Options
	why   string
	label string // the recorded templates, as describeRecorded names them
	// written are the answers the files were written with, when they are
	// not the recorded ones: answers edited by hand since; nil otherwise.
	written *generator.Options
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
		packDir = theirs.Pack.Dir // the pack moved, and --pack says where to
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
