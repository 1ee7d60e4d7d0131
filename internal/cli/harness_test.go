package cli

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// result is what a run of scaffold gave, and the files it ran on.
type result struct {
	code           int
	stdout, stderr string
	fs             afero.Fs
}

// testEnv is the one Env that tests run scaffold in: in memory, with fixed
// secrets, no terminal, and a machine whose git and docker are installed.
// A test changes the fields it is about.
func testEnv(fsys afero.Fs) *Env {
	m := healthyMachine()
	return &Env{
		Stdout:   &bytes.Buffer{},
		Stderr:   &bytes.Buffer{},
		Fs:       fsys,
		Prompter: prompt.NewFake(nil),
		Rand:     rand.NewChaCha8([32]byte{7}),
		LookPath: m.lookPath,
		Exec:     m.exec,

		FindDockerPlugin: m.findPlugin,
	}
}

// harness is the one way tests run scaffold: through Run, the function
// main calls, in an Env that the test sets up. Its zero value runs in a
// testEnv on a new in-memory file system; each field changes one thing.
type harness struct {
	fs afero.Fs // the files; nil is a new in-memory file system
	// env is the Env to run in, when the test made one (testEnv, then its
	// own changes); nil is testEnv(fs).
	env     *Env
	machine *fakeMachine // the programs installed; nil keeps the env's
	// asked, when set, is a terminal where it answers the questions; a run
	// that succeeds must have used every scripted answer.
	asked *prompt.Fake
	color bool
	ctx   context.Context // nil is context.Background()
}

// run runs scaffold with args, as h sets it up.
func run(t testing.TB, h harness, args ...string) result {
	t.Helper()
	var env Env
	switch {
	case h.env != nil:
		env = *h.env
	case h.fs != nil:
		env = *testEnv(h.fs)
	default:
		env = *testEnv(afero.NewMemMapFs())
	}
	if m := h.machine; m != nil {
		env.LookPath, env.Exec, env.FindDockerPlugin = m.lookPath, m.exec, m.findPlugin
	}
	if h.asked != nil {
		env.Interactive, env.Prompter = true, h.asked
	}
	env.Color = env.Color || h.color
	ctx := h.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var stdout, stderr bytes.Buffer
	env.Args, env.Stdout, env.Stderr = args, &stdout, &stderr
	r := result{Run(ctx, env), stdout.String(), stderr.String(), env.Fs}
	if h.asked != nil && r.code == ExitOK && len(h.asked.Answers) > 0 {
		t.Errorf("scripted answers left over: %v; asked %q", h.asked.Answers, h.asked.Names())
	}
	return r
}

// outputs are the exit code and the outputs of a run.
func (r result) outputs() (code int, stdout, stderr string) {
	return r.code, r.stdout, r.stderr
}

func newFs(t testing.TB) afero.Fs {
	t.Helper()
	fsys := afero.NewMemMapFs()
	if err := fsys.MkdirAll("/work", 0o755); err != nil {
		t.Fatal(err)
	}
	return afero.NewBasePathFs(fsys, "/work")
}

// tree reads every file under root into path -> mode and content.
func tree(t testing.TB, fsys afero.Fs, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := afero.Walk(fsys, root, func(p string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := afero.ReadFile(fsys, p)
		out[strings.TrimPrefix(p, root+"/")] = info.Mode().Perm().String() + " " + string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeFile(t testing.TB, fsys afero.Fs, name, data string) {
	t.Helper()
	if err := afero.WriteFile(fsys, name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, fsys afero.Fs, name string) string {
	t.Helper()
	data, err := afero.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func exists(fsys afero.Fs, name string) bool {
	ok, _ := afero.Exists(fsys, name)
	return ok
}

// answersIn reads the answers of the project in dir, by key.
func answersIn(t testing.TB, fsys afero.Fs, dir string) map[string]any {
	t.Helper()
	f, err := config.Parse(".scaffold.yaml", []byte(readFile(t, fsys, dir+"/.scaffold.yaml")))
	if err != nil {
		t.Fatalf("parse answers: %v", err)
	}
	out := map[string]any{}
	for _, a := range f.Answers {
		out[a.Key] = a.Value
	}
	return out
}

// fakeMachine stands for the programs installed on a machine.
type fakeMachine struct {
	installed map[string]bool
	results   map[string]output // by "dir$ command line", or by command line in any dir
	// plugins are the docker CLI plugins installed, with the error of
	// finding each: nil when it is fine.
	plugins map[string]error

	mu    sync.Mutex
	calls []string // "dir$ command line"
}

// output is what a fake program prints, and whether it fails.
type output struct {
	stdout, stderr string
	failed         bool
}

func prints(stdout string) output        { return output{stdout: stdout} }
func fails(stdout, stderr string) output { return output{stdout: stdout, stderr: stderr, failed: true} }

func (m *fakeMachine) lookPath(name string) (string, error) {
	if m.installed[name] {
		return "/usr/bin/" + name, nil
	}
	return "", &exec.Error{Name: name, Err: exec.ErrNotFound}
}

func (m *fakeMachine) exec(_ context.Context, dir, name string, args ...string) ([]byte, error) {
	line := strings.Join(append([]string{name}, args...), " ")
	m.mu.Lock()
	m.calls = append(m.calls, dir+"$ "+line)
	m.mu.Unlock()
	if !m.installed[name] {
		return nil, &execError{Command: line, Err: exec.ErrNotFound}
	}
	out, ok := m.results[dir+"$ "+line]
	if !ok {
		out, ok = m.results[line]
	}
	if !ok {
		return nil, &execError{Command: line, Stderr: "unexpected command\n", Err: errors.New("exit status 2")}
	}
	if out.failed {
		return []byte(out.stdout), &execError{Command: line, Stderr: out.stderr, Err: errors.New("exit status 1")}
	}
	return []byte(out.stdout), nil
}

func (m *fakeMachine) findPlugin(name string) (string, error) {
	err, ok := m.plugins[name]
	switch {
	case !ok:
		return "", errNoPlugin
	case err != nil:
		return "", err
	}
	return "/usr/libexec/docker/cli-plugins/docker-" + name, nil
}

func (m *fakeMachine) ran(call string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.calls, call)
}

// healthyMachine has git, and Docker with a running server and Compose v2;
// a new project is not inside a git repository.
func healthyMachine() *fakeMachine {
	return &fakeMachine{
		installed: map[string]bool{"git": true, "docker": true},
		results: map[string]output{
			"git --version":                        prints("git version 2.47.1\n"),
			"git rev-parse --show-prefix":          fails("", "fatal: not a git repository (or any of the parent directories): .git\n"),
			"git init --quiet":                     prints(""),
			"docker compose version --short":       prints("2.33.1\n"),
			"docker version --format " + dockerFmt: prints("28.0.1|28.0.1\n"),
		},
		plugins: map[string]error{"compose": nil},
	}
}

// quietMachine is a healthy machine where git finds every folder inside a
// repository's top folder, so that scaffold new runs no git init.
func quietMachine() *fakeMachine {
	m := healthyMachine()
	m.results["git rev-parse --show-prefix"] = prints("\n")
	return m
}

// merging makes m's git merge files for real, as scaffold update needs,
// and find no repository above a project, so that an update checks no
// uncommitted changes; its other commands answer as m's do.
func (m *fakeMachine) merging() ExecFunc {
	m.results["git rev-parse --show-toplevel"] = fails("", "fatal: not a git repository (or any of the parent directories): .git\n")
	return func(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
		if name == "git" && slices.Contains(args, "merge-file") {
			return SystemExec(ctx, dir, name, args...)
		}
		return m.exec(ctx, dir, name, args...)
	}
}

const dockerFmt = "{{.Client.Version}}|{{if .Server}}{{.Server.Version}}{{end}}"
