//go:build linux

package main

// The tests of what a run killed, held, or handed a hostile project leaves:
// the real binary, stopped at a chosen step by internal/testhook.

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

// processStopped reports whether pid is stopped by a signal.
func processStopped(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] == 'T'
}

// Two runs that overlap never both succeed: whichever command holds the
// project, in its planning, a second one into the same project fails at
// once, exit 1, naming the first one's process, and writes nothing; the
// first then finishes.
func TestOverlappingRunsNeverBothSucceed(t *testing.T) {
	root := baseProject(t)
	type command struct {
		name   string
		readAt string // the first file of the project the run reads, once it holds the lock
		args   func(dir, resource string) []string
	}
	commands := []command{
		{"new --force", ".env", func(dir, _ string) []string {
			return []string{"new", "p", "-o", filepath.Dir(dir), "--yes", "--force", "--git=false", "--cors"}
		}},
		{"update", ".scaffold.yaml", func(dir, _ string) []string { return []string{"update", dir, "--celery"} }},
		{"add resource", ".scaffold.yaml", func(dir, name string) []string {
			return []string{"add", "resource", name, "title:str", "--project", dir}
		}},
	}
	for _, first := range commands {
		for _, second := range commands {
			t.Run(first.name+" then "+second.name, func(t *testing.T) {
				dir := copyProject(t, root)
				before := projectTree(t, dir)
				held := scaffoldProcess(t, dir, "", []string{testhook.StopAtRead + "=" + first.readAt}, first.args(dir, "books")...)
				var heldOut bytes.Buffer
				held.Stdout, held.Stderr = &heldOut, &heldOut
				if err := held.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = held.Process.Kill() })
				for deadline := time.Now().Add(30 * time.Second); !processStopped(held.Process.Pid); {
					if time.Now().After(deadline) {
						t.Fatalf("the first run never read %s:\n%s", first.readAt, heldOut.String())
					}
					time.Sleep(5 * time.Millisecond)
				}
				o := scaffoldRun(t, dir, "", nil, second.args(dir, "authors")...)
				if err := held.Process.Signal(syscall.SIGCONT); err != nil {
					t.Fatal(err)
				}
				firstRun := waitRun(t, held, &heldOut)
				if o.code == 0 && firstRun.code == 0 {
					t.Fatalf("both runs succeeded\nfirst:\n%s\nsecond:\n%s", firstRun.out, o.out)
				}
				want := fmt.Sprintf("another scaffold run (process %d) is writing %s", held.Process.Pid, dir)
				if o.code != 1 || !strings.Contains(o.out, want) {
					t.Errorf("the second run: %d\n%s\nwant exit 1 and %q", o.code, o.out, want)
				}
				if firstRun.code != 0 {
					t.Errorf("the first run: %d\n%s", firstRun.code, firstRun.out)
				}
				if projectTree(t, dir) == before {
					t.Error("the first run wrote nothing")
				}
			})
		}
	}
}

// new --force reads its answers file before it knows the folder to lock:
// when the project's own .scaffold.yaml is that file, and an update changes
// it before new --force holds the lock, new --force fails instead of
// writing the project over from the answers it read.
func TestNewForceFromAnAnswersFileAnUpdateChanged(t *testing.T) {
	root := baseProject(t)
	dir := copyProject(t, root)
	held := scaffoldProcess(t, dir, "", []string{testhook.StopAtRead + "=.scaffold-lock"},
		"new", "-o", filepath.Dir(dir), "--config", filepath.Join(dir, ".scaffold.yaml"), "--no-input", "--force", "--git=false")
	var heldOut bytes.Buffer
	held.Stdout, held.Stderr = &heldOut, &heldOut
	if err := held.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = held.Process.Kill() })
	for deadline := time.Now().Add(30 * time.Second); !processStopped(held.Process.Pid); {
		if time.Now().After(deadline) {
			t.Fatalf("new --force never took the lock:\n%s", heldOut.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if o := scaffoldRun(t, dir, "", nil, "update", dir, "--celery"); o.code != 0 {
		t.Fatalf("update: %d\n%s", o.code, o.out)
	}
	updated := projectTree(t, dir)
	if err := held.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	o := waitRun(t, held, &heldOut)
	if o.code != 1 || !strings.Contains(o.out, "changed while scaffold read it") {
		t.Errorf("new --force: %d\n%s\nwant exit 1 and the answers file named", o.code, o.out)
	}
	if projectTree(t, dir) != updated {
		t.Error("new --force wrote over the update")
	}
}

// A named pipe where a run reads a project's file never blocks it: add
// resource, which must change the file, fails at once naming it and writes
// nothing; update leaves it alone, as it does a link, and new --force keeps
// a secrets file whatever it is.
func TestNamedPipeInTheProjectNeverBlocks(t *testing.T) {
	root := baseProject(t)
	for _, tc := range []struct {
		pipe    string
		refused bool
		args    func(dir string) []string
	}{
		{"config/urls.py", true, func(dir string) []string { return []string{"add", "resource", "books", "--project", dir} }},
		{"config/urls.py", true, func(dir string) []string { return []string{"add", "resource", "books", "--project", dir, "--dry-run"} }},
		{"config/settings.py", false, func(dir string) []string { return []string{"update", dir, "--celery"} }},
		{"config/settings.py", false, func(dir string) []string { return []string{"update", dir, "--celery", "--dry-run"} }},
		{".env", false, func(dir string) []string {
			return []string{"new", "p", "-o", filepath.Dir(dir), "--yes", "--force", "--git=false"}
		}},
		{".scaffold-lock", true, func(dir string) []string { return []string{"update", dir, "--celery"} }},
	} {
		t.Run(strings.Join(tc.args("DIR"), " "), func(t *testing.T) {
			dir := copyProject(t, root)
			pipe := filepath.Join(dir, tc.pipe)
			if err := os.Remove(pipe); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(pipe, 0o644); err != nil {
				t.Fatal(err)
			}
			before := projectTree(t, dir)
			start := time.Now()
			o := scaffoldRun(t, dir, "", nil, tc.args(dir)...)
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("took %v", took)
			}
			if info, err := os.Lstat(pipe); err != nil || info.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("the named pipe is gone: %v", err)
			}
			if !tc.refused {
				if o.code != 0 {
					t.Errorf("exit %d\n%s", o.code, o.out)
				}
				return
			}
			if o.code == 0 || !strings.Contains(o.out, tc.pipe) || !strings.Contains(o.out, "not a regular file") {
				t.Errorf("exit %d\n%s\nwant a failure that names the named pipe", o.code, o.out)
			}
			if after := projectTree(t, dir); after != before {
				t.Errorf("the project changed:\n%s", treeDiff(after, before))
			}
		})
	}
}

// A journal planted in a project, with a folder that links outside it, is
// refused by every command that writes: nothing outside is touched, and
// manage.py, which the journal says a run created, stays. A journal that
// passes through no link is undone as far as it proves files its run's
// own, which manage.py is not.
func TestPlantedJournalTouchesNothing(t *testing.T) {
	root := baseProject(t)
	const sfx = "0c1d2e3f"
	header := "scaffold-journal 1 pid=999999 host=\"elsewhere\"\n"
	manage := `create "manage.py" ".manage.py.scaffold-tmp-` + sfx + "\"\n"
	victim := `create "lnk/victim" ".victim.scaffold-tmp-` + sfx + "\"\n"
	for _, tc := range []struct {
		name string
		args func(dir string) []string
	}{
		{"update", func(dir string) []string { return []string{"update", dir, "--celery"} }},
		{"add resource", func(dir string) []string { return []string{"add", "resource", "books", "--project", dir} }},
		{"new --force", func(dir string) []string {
			return []string{"new", "p", "-o", filepath.Dir(dir), "--yes", "--force", "--git=false"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyProject(t, root)
			outside := t.TempDir()
			if err := os.WriteFile(filepath.Join(outside, "victim"), []byte("not yours"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(dir, "lnk")); err != nil {
				t.Fatal(err)
			}
			managePy, err := os.ReadFile(filepath.Join(dir, "manage.py"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, ".scaffold-lock"), []byte(header+victim+manage), 0o600); err != nil {
				t.Fatal(err)
			}
			before := projectTree(t, dir)
			o := scaffoldRun(t, dir, "", nil, tc.args(dir)...)
			if o.code != 1 || !strings.Contains(o.out, "holds a journal that scaffold will not follow") || !strings.Contains(o.out, "symbolic link") {
				t.Errorf("exit %d\n%s\nwant exit 1 and the journal refused", o.code, o.out)
			}
			if data, err := os.ReadFile(filepath.Join(outside, "victim")); err != nil || string(data) != "not yours" {
				t.Errorf("the file outside: %q, %v", data, err)
			}
			if after := projectTree(t, dir); after != before {
				t.Errorf("the project changed:\n%s", treeDiff(after, before))
			}

			// Without the link's line, the journal is undone: nothing of
			// it is the run's own, so nothing goes, and the run goes on.
			if err := os.WriteFile(filepath.Join(dir, ".scaffold-lock"), []byte(header+manage), 0o600); err != nil {
				t.Fatal(err)
			}
			if o := scaffoldRun(t, dir, "", nil, tc.args(dir)...); o.code != 0 {
				t.Errorf("without the link: exit %d\n%s", o.code, o.out)
			}
			if data, err := os.ReadFile(filepath.Join(dir, "manage.py")); err != nil || !bytes.Equal(data, managePy) {
				t.Errorf("manage.py: %v", err)
			}
			if _, err := os.Lstat(filepath.Join(dir, ".scaffold-lock")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the lock file stays: %v", err)
			}
		})
	}
}
