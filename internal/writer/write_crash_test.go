package writer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// stopAt makes the test binary a process that writes forcePlan and stops
// for good before one of its changes, for the tests to kill it there.
const stopAt = "SCAFFOLD_TEST_STOP_AT"

func TestMain(m *testing.M) {
	if spec := os.Getenv(stopAt); spec != "" {
		writeAndStop(spec)
		return
	}
	os.Exit(m.Run())
}

func writeAndStop(spec string) {
	var n int
	var existing bool
	var dir string
	if _, err := fmt.Sscanf(spec, "%d %t %s", &n, &existing, &dir); err != nil {
		fmt.Println("bad spec:", err)
		os.Exit(2)
	}
	ffs := &faultFs{Fs: afero.NewOsFs(), onChange: func(i int, _, _ string) {
		if i == n {
			fmt.Println("stopped")
			time.Sleep(time.Hour)
		}
	}}
	plan := forcePlan()
	if !existing {
		plan.Remove = nil
	}
	_, err := Apply(context.Background(), ffs, dir, plan, Options{Existing: existing})
	fmt.Println("finished:", err)
	os.Exit(0)
}

// stoppedRun is a process of the test binary that stopped before change n
// of a run into dir; it is nil when the run made fewer changes.
type stoppedRun struct {
	cmd *exec.Cmd
}

func startStopped(t *testing.T, n int, existing bool, dir string) *stoppedRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %t %s", stopAt, n, existing, dir))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the writing process: %v", err)
	}
	if strings.HasPrefix(line, "finished:") {
		if err := cmd.Wait(); err != nil {
			t.Fatal(err)
		}
		if line != "finished: <nil>\n" {
			t.Fatalf("the writing process: %s", line)
		}
		return nil
	}
	s := &stoppedRun{cmd: cmd}
	t.Cleanup(s.kill)
	return s
}

func (s *stoppedRun) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}

// A run into a project that is killed at any point leaves a journal, and
// the next run into that project undoes what it did, byte for byte.
// Killed once its changes are final, the next run finishes it instead.
func TestKilledForceRunIsUndoneByTheNextRun(t *testing.T) {
	t.Parallel()
	want := expectedForce(t)
	for n := 1; ; n++ {
		root, dir := forceProject(t)
		before := diskTree(t, root)
		run := startStopped(t, n, true, dir)
		if run == nil {
			break
		}
		run.kill()
		journal, _ := os.ReadFile(filepath.Join(dir, lockName))
		if strings.Contains(string(journal), "\ncommit\n") {
			before = want
		}
		var res Result
		l, err := takeLock(afero.NewOsFs(), filepath.Join(dir, lockName), dir, &res)
		if err != nil {
			t.Fatalf("killed before change %d: the next run: %v", n, err)
		}
		l.release()
		after := diskTree(t, root)
		if before == want {
			after = withoutNoted(withoutInodes(after), nil)
		}
		if after != before {
			t.Errorf("killed before change %d: after the next run, the tree is\n%s\nwant\n%s", n, after, before)
		}
	}
}

// A new project killed at any point is never partly under its name: only
// the staging folder is left, which the next run removes.
func TestKilledNewProjectLeavesOnlyItsStagingFolder(t *testing.T) {
	t.Parallel()
	plan := forcePlan()
	plan.Remove = nil
	whole := filepath.Join(t.TempDir(), "p")
	if _, err := Apply(context.Background(), afero.NewOsFs(), whole, plan, Options{}); err != nil {
		t.Fatal(err)
	}
	want := withoutInodes(diskTree(t, whole))
	for n := 1; ; n++ {
		root := t.TempDir()
		dir := filepath.Join(root, "p")
		run := startStopped(t, n, false, dir)
		if run == nil {
			break
		}
		run.kill()
		if _, err := os.Lstat(dir); err == nil {
			// Killed once the project was in place, which must be whole.
			if got := withoutInodes(diskTree(t, dir)); got != want {
				t.Errorf("killed before change %d: the project is\n%s\nwant\n%s", n, got, want)
			}
			if _, err := Apply(context.Background(), afero.NewOsFs(), dir, plan, Options{Existing: true}); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(readDir(t, root), ","); got != "p" {
				t.Errorf("killed before change %d: after the next run, the folder holds %s", n, got)
			}
			continue
		}
		hadStaging := false
		for _, e := range readDir(t, root) {
			hadStaging = hadStaging || e == ".p"+stagingMark
			if e != ".p"+stagingMark && e != ".p"+lockSuffix {
				t.Errorf("killed before change %d: %s left", n, e)
			}
		}
		res, err := Apply(context.Background(), afero.NewOsFs(), dir, plan, Options{})
		if err != nil {
			t.Fatalf("killed before change %d: the next run: %v", n, err)
		}
		if got := readDir(t, root); strings.Join(got, ",") != "p" {
			t.Errorf("killed before change %d: after the next run, the folder holds %q", n, got)
		}
		if hadStaging && (len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], "removed "+filepath.Join(root, ".p"+stagingMark))) {
			t.Errorf("killed before change %d: notes %q; want one about the staging folder", n, res.Notes)
		}
	}
}

// While a run holds the lock, another one is refused, naming the process;
// once that process is gone, the next run takes over.
func TestRunWhileAnotherIsWritingIsRefused(t *testing.T) {
	t.Parallel()
	root, dir := forceProject(t)
	run := startStopped(t, 10, true, dir)
	if run == nil {
		t.Fatal("the run made fewer than 10 changes")
	}
	before := diskTree(t, root)
	_, err := Apply(context.Background(), afero.NewOsFs(), dir, forcePlan(), Options{Existing: true})
	want := fmt.Sprintf("another scaffold run (process %d) is writing %s; wait for it to finish, then run again", run.cmd.Process.Pid, dir)
	if !errors.Is(err, ErrBusy) || err.Error() != want {
		t.Errorf("Apply = %v\nwant %s", err, want)
	}
	if after := diskTree(t, root); after != before {
		t.Errorf("the refused run changed the tree:\n%s", after)
	}
	run.kill()
	res, err := Apply(context.Background(), afero.NewOsFs(), dir, forcePlan(), Options{Existing: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], "undid the changes of a scaffold run into "+dir) {
		t.Errorf("notes %q; want one about the stopped run", res.Notes)
	}
	if got := withoutNoted(withoutInodes(diskTree(t, root)), nil); got != expectedForce(t) {
		t.Errorf("tree\n%s", got)
	}
}

func readDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
