package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/djscaffold/scaffold/internal/escape"
)

// toolTimeout bounds each call to git or docker, which can hang on a broken
// installation or an unreachable Docker host. Tests shorten it.
var toolTimeout = 10 * time.Second

// errNoAnswer means a program was stopped after toolTimeout.
var errNoAnswer = errors.New("did not answer")

// tools runs the programs scaffold works with: git and docker.
type tools struct {
	lookPath func(string) (string, error)
	exec     ExecFunc
}

func newTools(env *Env) tools {
	return tools{lookPath: env.LookPath, exec: env.Exec}
}

func (t tools) run(ctx context.Context, dir, name string, args ...string) (string, error) {
	limited, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	out, err := t.exec(limited, dir, name, args...)
	// A killed program says "signal: killed", which hides that it hung.
	if err != nil && ctx.Err() == nil && errors.Is(limited.Err(), context.DeadlineExceeded) {
		err = &ExecError{
			Command: strings.Join(append([]string{name}, args...), " "),
			Err:     fmt.Errorf("%w within %s", errNoAnswer, toolTimeout),
		}
	}
	return strings.TrimSpace(string(out)), err
}

// composeProblem says why `docker compose` cannot run a generated project,
// and what to do about it; its problem is empty when it can. It asks the
// doctor's question, so that both always agree.
func (t tools) composeProblem(ctx context.Context) check {
	c := t.checkCompose(ctx)
	if ctx.Err() != nil {
		// Interrupted, docker had no chance to answer.
		return check{}
	}
	switch c.problem {
	case "":
	case needsClient:
		c.problem = "Docker was not found"
		c.fix = "install Docker Desktop, or Docker Engine with the Compose plugin: " + installDockerURL
	default:
		c.problem = "Docker Compose: " + c.problem
	}
	return c
}

// gitInit is what initGit did, to be told once the project is in place.
type gitInit struct {
	kind gitOutcome
	err  error // of git init, for gitFailed
}

type gitOutcome int

const (
	gitSkipped    gitOutcome = iota // git did not run
	gitMissing                      // git is not installed
	gitNested                       // the project is inside a repository, and --git was not given
	gitRepository                   // the project is a repository already
	gitFailed
	gitDone
)

// initGit makes dir a git repository, without a commit. Unless --git was
// given, a project inside a repository is left alone, as nested
// repositories are rarely wanted; a project that is a repository already,
// as on a rerun with --force, is always left alone. dir may be the folder
// where a new project is staged, beside its final place, which gets the
// same answers from git.
func (t tools) initGit(ctx context.Context, dir string, explicit bool) gitInit {
	if _, err := t.lookPath("git"); err != nil {
		return gitInit{kind: gitMissing}
	}
	// The prefix is dir's path inside the repository: empty at its top.
	prefix, err := t.run(ctx, dir, "git", "rev-parse", "--show-prefix")
	switch {
	case err != nil:
	case prefix == "":
		return gitInit{kind: gitRepository}
	case !explicit:
		return gitInit{kind: gitNested}
	}
	if _, err := t.run(ctx, dir, "git", "init", "--quiet"); err != nil {
		return gitInit{kind: gitFailed, err: err}
	}
	return gitInit{kind: gitDone}
}

// report tells what initGit did for the project in dir. Nothing here fails
// the run: the project is already written.
func (g gitInit) report(out printer, stderr io.Writer, dir string) {
	dir = escape.Path(dir)
	switch g.kind {
	case gitMissing:
		_ = out.note("git was not found, so %s is not a git repository; install git, then run git init there", dir)
	case gitNested:
		_ = out.note("%s is inside a git repository already, so scaffold did not run git init; --git does", dir)
	case gitFailed:
		fmt.Fprintf(stderr, "scaffold: %s: %s; the project is written, so run git init there yourself\n", dir, escape.Line(oneLine(g.err.Error())))
	case gitDone:
		_ = out.done("Initialized a git repository (nothing is committed yet)")
	}
}
