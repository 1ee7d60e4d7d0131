package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/escape"
)

// toolTimeout bounds each call to git or docker, which can hang on a broken
// installation or an unreachable Docker host. Tests shorten it.
var toolTimeout = 10 * time.Second

// errNoAnswer means a program was stopped after toolTimeout.
var errNoAnswer = errors.New("did not answer")

// tools runs the programs scaffold works with: git and docker.
type tools struct {
	lookPath     func(string) (string, error)
	exec         ExecFunc
	findPlugin   func(string) (string, error)
	outsideRepos func(dir string) bool
}

func newTools(env *Env) tools {
	return tools{lookPath: env.LookPath, exec: env.Exec, findPlugin: env.FindDockerPlugin, outsideRepos: env.OutsideGitRepositories}
}

func (t tools) run(ctx context.Context, dir, name string, args ...string) (string, error) {
	limited, cancel := context.WithTimeout(ctx, toolTimeout)
	defer cancel()
	out, err := t.exec(limited, dir, name, args...)
	// A killed program says "signal: killed", which hides that it hung.
	if err != nil && ctx.Err() == nil && errors.Is(limited.Err(), context.DeadlineExceeded) {
		err = &execError{
			Command: strings.Join(append([]string{name}, args...), " "),
			Err:     fmt.Errorf("%w within %s", errNoAnswer, toolTimeout),
		}
	}
	return strings.TrimSpace(string(out)), err
}

// composeProblem says why `docker compose` cannot run a generated project,
// and what to do about it; its problem is empty when it can. It looks for
// the docker client and its Compose plugin without running either, which
// would take longer than writing the project: the versions, and whether
// the Docker server answers, are for scaffold doctor.
func (t tools) composeProblem() check {
	c := check{name: "Docker Compose"}
	if _, err := t.lookPath("docker"); err != nil {
		c.problem = "Docker was not found"
		c.fix = "install Docker Desktop, or Docker Engine with the Compose plugin: " + installDockerURL
		return c
	}
	_, err := t.findPlugin("compose")
	switch {
	case errors.Is(err, errNoPlugin):
		c.problem = "Docker Compose: the Compose v2 plugin is not installed"
		c.fix = "install Docker Desktop, or the Compose plugin for Docker Engine: " + installDockerURL
	case err != nil:
		c.problem = "Docker Compose: " + escape.Line(err.Error())
		c.fix = "make it executable, or install the Compose plugin again: " + installDockerURL
	}
	return c
}

// gitPlace is where a new project stands among git repositories.
type gitPlace int

const (
	outsideRepo gitPlace = iota // or git could not tell
	insideRepo                  // in another repository's folder
	repoTop                     // the project folder is a repository already
)

// findGitPlace asks git, in the background, where the project folder dir
// stands, so that the answer is ready once the project is written; the
// function it returns waits for the answer. git runs in dir, or, while dir
// does not exist yet, in the nearest folder above it that does. It does
// not start git when git is not installed, nor when no repository can hold
// dir.
func (t tools) findGitPlace(ctx context.Context, fsys afero.Fs, dir string) func() gitPlace {
	if _, err := t.lookPath("git"); err != nil {
		return func() gitPlace { return outsideRepo }
	}
	if t.outsideRepos != nil && t.outsideRepos(dir) {
		return func() gitPlace { return outsideRepo }
	}
	at := dir
	for {
		if info, err := fsys.Stat(at); err == nil && info.IsDir() {
			break
		}
		up := filepath.Dir(at)
		if up == at {
			break
		}
		at = up
	}
	place := make(chan gitPlace, 1)
	go func() {
		// The prefix is the folder's path inside the repository: empty at its top.
		prefix, err := t.run(ctx, at, "git", "rev-parse", "--show-prefix")
		switch {
		case err != nil:
			place <- outsideRepo
		case prefix == "" && at == dir:
			place <- repoTop
		default:
			place <- insideRepo
		}
	}()
	return sync.OnceValue(func() gitPlace { return <-place })
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
// where a new project is staged, beside its final place; place is where
// the project stands, from findGitPlace.
func (t tools) initGit(ctx context.Context, dir string, explicit bool, place gitPlace) gitInit {
	if _, err := t.lookPath("git"); err != nil {
		return gitInit{kind: gitMissing}
	}
	switch {
	case place == repoTop:
		return gitInit{kind: gitRepository}
	case place == insideRepo && !explicit:
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
