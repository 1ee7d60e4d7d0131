package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// dynTailLines is how much of a failed command's output a failure shows.
const dynTailLines = 40

// dynStopGrace is how long a process gets between SIGTERM and SIGKILL; gunicorn
// and celery finish a warm shutdown well within it.
const dynStopGrace = 10 * time.Second

// dynOutput collects a process's stdout and stderr while it runs, so a test can
// wait for a line such as celery's "ready." and show the log when it fails.
type dynOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *dynOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *dynOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// dynTail returns the last n lines of s.
func dynTail(s string, n int) string {
	s = strings.TrimRight(s, "\n")
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return fmt.Sprintf("[... %d lines before]\n%s", len(lines)-n, strings.Join(lines[len(lines)-n:], "\n"))
}

// dynCommandLine shows a command the way a developer would type it to reproduce
// a failure: the folder, the variables the suite sets, then the arguments.
func dynCommandLine(dir string, setEnv, argv []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cd %s &&", dir)
	last := map[string]int{}
	for i, kv := range setEnv {
		name, _, _ := strings.Cut(kv, "=")
		last[name] = i
	}
	for i, kv := range setEnv {
		name, value, _ := strings.Cut(kv, "=")
		if last[name] != i {
			continue // overridden later, as exec does with duplicates
		}
		if name == "DJANGO_SECRET_KEY" || strings.HasSuffix(name, "_PASSWORD") {
			value = "***"
		}
		b.WriteString(" " + name + "=" + dynShellQuote(value))
	}
	for _, a := range argv {
		b.WriteString(" " + dynShellQuote(a))
	}
	return b.String()
}

func dynShellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"`$&|;<>()*?[]{}!#~\\") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// dynLookPath finds name in a PATH value: the runtime's bin folder comes first in
// the commands' environment, not in this test process's own PATH.
func dynLookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, d := range filepath.SplitList(path) {
		p := filepath.Join(d, name)
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH=%s", name, path)
}

// dynKillGroup signals a whole process group: gunicorn's workers and anything a
// wrapper script forked die with the process the suite started.
func dynKillGroup(pid int, sig syscall.Signal) {
	if pid > 0 {
		_ = syscall.Kill(-pid, sig)
	}
}

// dynRunCommand runs argv to completion in its own process group and returns its
// combined output. On timeout the whole group is killed.
func dynRunCommand(dir string, env, argv []string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var out dynOutput
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout = &out
	cmd.Stderr = &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		dynKillGroup(cmd.Process.Pid, syscall.SIGKILL)
		return nil
	}
	// A grandchild that keeps the output pipe open must not hold Wait forever.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if cmd.Process != nil {
		dynKillGroup(cmd.Process.Pid, syscall.SIGKILL)
	}
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("timed out after %s (%v)", timeout, err)
	}
	return out.String(), err
}

// dynProc is a long-running process (a server or a worker) in its own process group.
type dynProc struct {
	name string
	cmd  *exec.Cmd
	out  *dynOutput
	done chan struct{}
	err  error // valid once done is closed
}

// dynStartProc starts argv in the background; t.Cleanup stops it and its children,
// whether the test passes or not.
func dynStartProc(t testing.TB, name, dir string, env, argv []string) (*dynProc, error) {
	p := &dynProc{name: name, out: &dynOutput{}, done: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Dir = dir
	p.cmd.Env = env
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.stop)
	return p, nil
}

func (p *dynProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process group to shut down, then kills what is left after the
// grace period. Stragglers whose parent already exited are killed too.
func (p *dynProc) stop() {
	pid := p.cmd.Process.Pid
	if !p.exited() {
		dynKillGroup(pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(dynStopGrace):
		}
	}
	dynKillGroup(pid, syscall.SIGKILL)
	<-p.done
}

// waitFor polls until the output contains want, failing early if the process exits.
func (p *dynProc) waitFor(want string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if strings.Contains(p.out.String(), want) {
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited (%v) before printing %q", p.name, p.err, want)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not print %q within %s", p.name, want, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
