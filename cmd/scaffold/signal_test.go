//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scaffoldCmd is scaffold, run in dir with a PATH of its own.
func scaffoldCmd(t *testing.T, dir, path string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runAsScaffold+"=1", "NO_COLOR=1", "PATH="+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, &stdout, &stderr
}

// stopAndWait signals cmd and waits for it to exit, which it must do at
// once; it returns the exit code.
func stopAndWait(t *testing.T, cmd *exec.Cmd, sig syscall.Signal) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	signalled := time.Now()
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("scaffold did not stop within 5s of %v", sig)
	}
	t.Logf("%v: exited %v after the signal", sig, time.Since(signalled).Round(time.Millisecond))
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// tree lists every path under root with its mode and content.
func tree(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %v", p, info.Mode())
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", data)
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// bigPack is a template pack with many files, so that writing a project
// with it lasts long enough to be interrupted in the middle.
func bigPack(t *testing.T, dir string) {
	t.Helper()
	files := filepath.Join(dir, "pk", "files", "many")
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pk", "pack.yaml"), []byte("name: big\nversion: \"1\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i := range 600 {
		if err := os.WriteFile(filepath.Join(files, fmt.Sprintf("f%04d.txt.tmpl", i)), []byte("{{.Name}} "+strings.Repeat("x", 200)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A signal at any moment of a run stops it at once, undoes what it wrote,
// and exits 130 or 143; or the run had finished, and the project is whole.
func TestSignalAtRandomMomentsUndoesEverything(t *testing.T) {
	dir := t.TempDir()
	bigPack(t, dir)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 0))
	path := t.TempDir() // no git, no docker
	// Signals fall anywhere in the time a whole run takes, and a little after.
	start := time.Now()
	first, _, stderr := scaffoldCmd(t, dir, path, "new", "timed", "--yes", "--template", "pk")
	if err := first.Wait(); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	span := time.Since(start) * 6 / 5
	t.Logf("a whole run takes %v", span*5/6)
	if err := os.RemoveAll(filepath.Join(dir, "timed")); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		force := i%2 == 1
		sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[i/2%2]
		project := filepath.Join(dir, "p")
		args := []string{"new", "p", "--yes", "--template", "pk"}
		if force {
			args = append(args, "--force", "--discard-changes")
			if _, err := os.Stat(project); err != nil {
				cmd, _, stderr := scaffoldCmd(t, dir, path, args...)
				if err := cmd.Wait(); err != nil {
					t.Fatalf("%v: %s", err, stderr)
				}
			}
			// A change of the user's that a finished run would undo.
			if err := os.WriteFile(filepath.Join(project, "many", "f0000.txt"), []byte("edited\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if err := os.RemoveAll(project); err != nil {
			t.Fatal(err)
		}
		before := tree(t, dir)
		cmd, _, stderr := scaffoldCmd(t, dir, path, args...)
		time.Sleep(time.Duration(rnd.Int64N(int64(span))))
		if writing(t, dir, project) {
			t.Logf("run %d: signalled while writing", i)
		}
		code := stopAndWait(t, cmd, sig)
		after := tree(t, dir)
		want := map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143}[sig]
		switch code {
		case -1:
			// Signalled before the Go runtime took over its signals.
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != sig {
				t.Errorf("run %d: %v", i, cmd.ProcessState)
			}
			if after != before {
				t.Errorf("run %d, killed by %v, changed the tree", i, sig)
			}
		case 0:
			t.Logf("run %d finished before %v", i, sig)
			if data, err := os.ReadFile(filepath.Join(project, "many", "f0000.txt")); err != nil || !strings.HasPrefix(string(data), "p x") {
				t.Errorf("run %d exited 0, but the project is not whole: %q %v", i, data, err)
			}
			if entries, err := os.ReadDir(filepath.Join(project, "many")); err != nil || len(entries) != 600 {
				t.Errorf("run %d exited 0, but the project is not whole: %d files, %v", i, len(entries), err)
			}
		case want:
			if after != before {
				t.Logf("before\n%s\nafter\n%s", before, after)
				t.Errorf("run %d stopped by %v changed the tree", i, sig)
			}
			if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 ||
				!strings.HasPrefix(lines[0], "scaffold: interrupted; ") && !strings.HasPrefix(lines[0], "scaffold: terminated; ") {
				t.Errorf("run %d: stderr %q; want one line", i, stderr)
			}
		default:
			t.Errorf("run %d: exit %d after %v; stderr %s", i, code, sig, stderr)
		}
	}
}

// Endless templates and a git that hangs do not make a run unstoppable.
func TestSignalStopsWhatCannotBeInterrupted(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, path string) []string
	}{
		{"endless template", func(t *testing.T, dir, _ string) []string {
			writeFiles(t, dir, map[string]string{
				"pk/pack.yaml":           "name: loop\nversion: \"1\"\n",
				"pk/files/loop.txt.tmpl": "{{range 100000000000000}}{{end}}",
			})
			return []string{"new", "p", "--yes", "--template", "pk"}
		}},
		{"git that hangs", func(t *testing.T, _, path string) []string {
			writeFiles(t, path, map[string]string{"git": "#!/bin/sh\nexec sleep 60\n"})
			if err := os.Chmod(filepath.Join(path, "git"), 0o755); err != nil {
				t.Fatal(err)
			}
			return []string{"new", "p", "--yes", "--git"}
		}},
	}
	for _, tt := range tests {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(fmt.Sprintf("%s/%v", tt.name, sig), func(t *testing.T) {
				dir, path := t.TempDir(), t.TempDir()
				args := tt.setup(t, dir, path)
				if tt.name == "git that hangs" {
					path += ":/bin:/usr/bin"
				}
				before := tree(t, dir)
				cmd, _, stderr := scaffoldCmd(t, dir, path, args...)
				// On a loaded machine a fixed pause can end before the run has
				// even started; wait for the state under test instead.
				if tt.name == "git that hangs" {
					waitFor(t, "git to start", func() bool { return hasChild(cmd.Process.Pid) })
				} else {
					waitFor(t, "the template to run", func() bool { return cpuTime(cmd.Process.Pid) >= 300*time.Millisecond })
				}
				code := stopAndWait(t, cmd, sig)
				want := map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143}[sig]
				if code != want {
					t.Errorf("exit %d; want %d; stderr %s", code, want, stderr)
				}
				if after := tree(t, dir); after != before {
					t.Errorf("the folder changed:\n%s", after)
				}
			})
		}
	}
}

// waitFor polls ready until it holds, for at most a minute.
func waitFor(t *testing.T, what string, ready func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}

// cpuTime is the processor time that process pid has used so far, which
// grows only while it runs, however busy the machine is.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command's name, which is in parentheses.
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(fields) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscan(fields[11], &utime)
	fmt.Sscan(fields[12], &stime)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// hasChild reports whether process pid has started a child process.
func hasChild(pid int) bool {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		if data, err := os.ReadFile(f); err == nil && len(bytes.TrimSpace(data)) > 0 {
			return true
		}
	}
	return false
}

// A closed pipe on stdout never cuts a run short: the project is written
// and git init runs, then scaffold says on stderr what it could not print.
func TestClosedStdoutFinishesTheWork(t *testing.T) {
	dir, path := t.TempDir(), t.TempDir()
	writeFiles(t, path, map[string]string{"git": "#!/bin/sh\ncase $1 in rev-parse) exit 128;; init) mkdir .git;; esac\n"})
	if err := os.Chmod(filepath.Join(path, "git"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "new", "p", "--yes", "--git")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runAsScaffold+"=1", "PATH="+path+":/bin:/usr/bin")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // the reader quit before scaffold printed anything
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = w, &stderr
	err = cmd.Run()
	w.Close()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit %v; want 1", err)
	}
	if got := stderr.String(); got != "scaffold: could not print to standard output (broken pipe), so some of the report is missing; the run itself finished\n" {
		t.Errorf("stderr %q", got)
	}
	for _, name := range []string{"p/.scaffold.yaml", "p/.git"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writing reports whether a run is writing into project right now.
func writing(t *testing.T, dir, project string) bool {
	t.Helper()
	for _, p := range []string{filepath.Join(dir, ".p.scaffold-new"), filepath.Join(project, ".scaffold-lock")} {
		if _, err := os.Lstat(p); err == nil {
			return true
		}
	}
	return false
}
