//go:build linux

package main

// The tests of what a run killed leaves, and the helpers that run the real
// binary, stopped at a chosen step by internal/testhook (overlap_test.go
// uses them too).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/djscaffold/scaffold/internal/testhook"
)

// outcome is how a run of scaffold ended.
type outcome struct {
	code   int  // exit status; -1 when a signal ended it
	killed bool // SIGKILL ended it
	out    string
}

// scaffoldRun runs scaffold in dir to its end, with extra environment
// variables and a PATH of path (none when "").
func scaffoldRun(t *testing.T, dir, path string, env []string, args ...string) outcome {
	t.Helper()
	cmd := scaffoldProcess(t, dir, path, env, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return waitRun(t, cmd, &out)
}

func scaffoldProcess(t *testing.T, dir, path string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	if path == "" {
		path = t.TempDir()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), runAsScaffold+"=1", "NO_COLOR=1", "PATH="+path), env...)
	return cmd
}

func waitRun(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer) outcome {
	t.Helper()
	err := cmd.Wait()
	o := outcome{out: out.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		o.code = exit.ExitCode()
		ws, _ := exit.Sys().(syscall.WaitStatus)
		o.killed = ws.Signaled() && ws.Signal() == syscall.SIGKILL
	default:
		t.Fatal(err)
	}
	return o
}

// baseProject generates a project p in a folder of its own, and returns
// the folder that holds it.
func baseProject(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if o := scaffoldRun(t, root, "", nil, "new", "p", "--yes", "--git=false"); o.code != 0 {
		t.Fatalf("scaffold new: %d\n%s", o.code, o.out)
	}
	return root
}

// copyProject copies root/p to a new folder, modes and all, and returns
// the copy of p.
func copyProject(t *testing.T, root string) string {
	t.Helper()
	dst := t.TempDir()
	if out, err := exec.Command("cp", "-a", filepath.Join(root, "p"), dst).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v\n%s", err, out)
	}
	return filepath.Join(dst, "p")
}

// projectTree lists every path under dir with its mode and a hash of its
// content; the secrets files, which differ from one render to the next,
// are listed without their content.
func projectTree(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		line := fmt.Sprintf("%s %v", rel, info.Mode())
		if info.Mode().IsRegular() && rel != ".env" && rel != ".env.db" {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
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

// freshRender is the tree of a project generated anew from dir's answers
// file.
func freshRender(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	o := scaffoldRun(t, out, "", nil, "new", "-o", out, "--config", filepath.Join(dir, ".scaffold.yaml"), "--no-input", "--git=false")
	if o.code != 0 {
		t.Fatalf("scaffold new --config: %d\n%s", o.code, o.out)
	}
	return projectTree(t, filepath.Join(out, "p"))
}

// treeDiff names the first lines where two trees differ.
func treeDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var out []string
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+ "+l)
		}
	}
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "- "+l)
		}
	}
	return strings.Join(out[:min(len(out), 12)], "\n")
}

// A run killed with SIGKILL before any of its renames leaves a journal;
// the same command run again undoes the killed run first, says so, plans
// from the project as it was, and finishes; the project then equals a
// fresh render of its answers.
func TestKilledAtEveryRenameTheNextRunRestoresAndFinishes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs scaffold twice for every rename of two commands")
	}
	root := baseProject(t)
	for _, tc := range []struct {
		name string
		args func(dir string) []string
	}{
		{"update", func(dir string) []string { return []string{"update", dir, "--celery", "--auth", "jwt"} }},
		{"add resource", func(dir string) []string {
			return []string{"add", "resource", "books", "title:str:120", "published:date", "--project", dir}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := copyProject(t, root)
			if o := scaffoldRun(t, whole, "", nil, tc.args(whole)...); o.code != 0 {
				t.Fatalf("uninterrupted: %d\n%s", o.code, o.out)
			}
			want := freshRender(t, whole)
			if got := projectTree(t, whole); got != want {
				t.Fatalf("uninterrupted, the project differs from a fresh render:\n%s", treeDiff(got, want))
			}
			n := 1
			for ; ; n++ {
				dir := copyProject(t, root)
				o := scaffoldRun(t, dir, "", []string{testhook.KillAtRename + "=" + strconv.Itoa(n)}, tc.args(dir)...)
				if o.code == 0 {
					break // the run made fewer renames
				}
				if !o.killed {
					t.Fatalf("rename %d: not killed but %d\n%s", n, o.code, o.out)
				}
				if _, err := os.Lstat(filepath.Join(dir, ".scaffold-lock")); err != nil {
					t.Fatalf("rename %d: the killed run left no journal: %v", n, err)
				}
				again := scaffoldRun(t, dir, "", nil, tc.args(dir)...)
				if again.code != 0 {
					t.Fatalf("rename %d: the next run: %d\n%s", n, again.code, again.out)
				}
				if !strings.Contains(again.out, "undid the changes of a scaffold run into "+dir) {
					t.Errorf("rename %d: the next run did not say what it restored:\n%s", n, again.out)
				}
				if got := projectTree(t, dir); got != want {
					t.Errorf("rename %d: after the next run, the project differs from a fresh render:\n%s", n, treeDiff(got, want))
				}
			}
			if n < 10 {
				t.Errorf("the run made only %d renames; the hook missed", n-1)
			}
			t.Logf("killed at each of %d renames", n-1)
		})
	}
}

// A run killed while it undoes a killed run leaves the journal for the
// next one, which finishes the undoing, then the command.
func TestKilledWhileUndoingTheNextRunFinishes(t *testing.T) {
	root := baseProject(t)
	args := func(dir string) []string { return []string{"update", dir, "--celery", "--auth", "jwt"} }
	whole := copyProject(t, root)
	if o := scaffoldRun(t, whole, "", nil, args(whole)...); o.code != 0 {
		t.Fatalf("uninterrupted: %d\n%s", o.code, o.out)
	}
	want := freshRender(t, whole)
	for _, n := range []int{1, 2, 5} {
		dir := copyProject(t, root)
		if o := scaffoldRun(t, dir, "", []string{testhook.KillAtRename + "=30"}, args(dir)...); !o.killed {
			t.Fatalf("not killed: %d\n%s", o.code, o.out)
		}
		if o := scaffoldRun(t, dir, "", []string{testhook.KillAtRename + "=" + strconv.Itoa(n)}, args(dir)...); !o.killed {
			t.Fatalf("undoing rename %d: not killed: %d\n%s", n, o.code, o.out)
		}
		o := scaffoldRun(t, dir, "", nil, args(dir)...)
		if o.code != 0 || !strings.Contains(o.out, "undid the changes") {
			t.Fatalf("undoing rename %d: the next run: %d\n%s", n, o.code, o.out)
		}
		if got := projectTree(t, dir); got != want {
			t.Errorf("undoing rename %d: the project differs from a fresh render:\n%s", n, treeDiff(got, want))
		}
	}
}

// A killed update leaves its journal in a project under git; the next
// update undoes it before it checks for uncommitted changes, so that it
// does not refuse the project, and the killed run's files never show.
func TestKilledUpdateInGitIsUndoneBeforeTheCleanCheck(t *testing.T) {
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	path := filepath.Dir(gitPath)
	root := t.TempDir()
	if o := scaffoldRun(t, root, path, nil, "new", "p", "--yes"); o.code != 0 {
		t.Fatalf("scaffold new: %d\n%s", o.code, o.out)
	}
	dir := filepath.Join(root, "p")
	for _, args := range [][]string{{"add", "-A"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "generated"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	args := []string{"update", "--celery", "--auth", "jwt"}
	if o := scaffoldRun(t, dir, path, []string{testhook.KillAtRename + "=20"}, args...); !o.killed {
		t.Fatalf("not killed: %d\n%s", o.code, o.out)
	}
	// What only reads refuses to plan over a half-written project.
	for _, readOnly := range [][]string{{"update", "--check"}, {"update", "--dry-run"}, {"add", "resource", "books", "--dry-run"}} {
		if o := scaffoldRun(t, dir, path, nil, readOnly...); o.code != 1 || !strings.Contains(o.out, "was stopped while it wrote") {
			t.Errorf("%v: exit %d\n%s\nwant exit 1 and the stopped run named", readOnly, o.code, o.out)
		}
	}
	o := scaffoldRun(t, dir, path, nil, args...)
	if o.code != 0 || !strings.Contains(o.out, "undid the changes") || !strings.Contains(o.out, "Updated p") {
		t.Fatalf("the next update: %d\n%s", o.code, o.out)
	}
	if d := treeDiff(withoutGit(projectTree(t, dir)), freshRender(t, dir)); d != "" {
		t.Errorf("the project differs from a fresh render:\n%s", d)
	}
}

// withoutGit drops the .git folder from a tree.
func withoutGit(tree string) string {
	var out []string
	for l := range strings.SplitSeq(tree, "\n") {
		if l != ".git" && !strings.HasPrefix(l, ".git ") && !strings.HasPrefix(l, ".git/") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
