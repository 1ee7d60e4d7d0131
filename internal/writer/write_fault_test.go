package writer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
)

// forceProject is a project on disk that forcePlan changes in every way a
// run can: it replaces files, one of them read-only, creates files in
// folders that exist and in one that does not, keeps .env, removes files,
// and leaves a file of the user's alone.
func forceProject(t testing.TB) (root, dir string) {
	t.Helper()
	root = t.TempDir()
	dir = filepath.Join(root, "p")
	writeTree(t, dir, map[string]string{
		"README.md":       "old readme\n",
		".env":            "SECRET=mine\n",
		"mine.py":         "keep me\n",
		"start.sh":        "old start\n",
		"app/__init__.py": "old init\n",
		"obsolete.py":     "old\n",
		"gone/old.py":     "old\n",
	}, map[string]fs.FileMode{".env": 0o600, "app/__init__.py": 0o444, "mine.py": 0o640})
	return root, dir
}

func forcePlan() generator.Plan {
	return generator.Plan{
		Files: []generator.File{
			{Path: ".env", Mode: 0o600, Data: []byte("SECRET=new\n"), Keep: true},
			{Path: "README.md", Mode: 0o644, Data: []byte("# readme\n")},
			{Path: "app/__init__.py", Mode: 0o644, Data: []byte("")},
			{Path: "app/deep/models.py", Mode: 0o644, Data: []byte("x = 1\n")},
			{Path: "new.txt", Mode: 0o644, Data: []byte("new\n")},
			{Path: "start.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
		},
		Remove: []string{"gone/old.py", "never-there.py", "obsolete.py"},
	}
}

// expectedForce is the tree a --force run of forcePlan leaves.
func expectedForce(t *testing.T) string {
	t.Helper()
	root, dir := forceProject(t)
	res, err := Apply(context.Background(), afero.NewOsFs(), dir, forcePlan(), Options{Existing: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) > 0 {
		t.Fatalf("notes on a clean run: %q", res.Notes)
	}
	if got := strings.Join(res.Written, ","); got != "README.md,app/__init__.py,app/deep/models.py,new.txt,start.sh" {
		t.Errorf("written %s", got)
	}
	if got := strings.Join(res.Removed, ","); got != "gone/old.py,obsolete.py" {
		t.Errorf("removed %s", got)
	}
	if got := strings.Join(res.Kept, ","); got != ".env" {
		t.Errorf("kept %s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the folder emptied by the removal is still there: %v", err)
	}
	return withoutNoted(withoutInodes(diskTree(t, root)), nil)
}

// withoutNoted drops the files that notes name, which a run that
// succeeded could not delete.
func withoutNoted(tree string, notes []string) string {
	var out []string
	for line := range strings.SplitSeq(tree, "\n") {
		name, _, _ := strings.Cut(line, " ")
		noted := false
		for _, n := range notes {
			if name != "." && strings.Contains(n, string(filepath.Separator)+name+" ") {
				noted = true
			}
		}
		// A folder that a removal emptied may stay when removing it, or a
		// backup in it, failed.
		if !noted && !strings.HasPrefix(line, "p/gone drwx") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// everyChange runs forcePlan once for each change it makes, with fault
// set up by setup for that change, and checks each outcome: a run that
// failed left the tree exactly as it was, and one that succeeded (the fault
// came after the point of no return) left the expected tree.
func everyChange(t *testing.T, setup func(n int, ffs *faultFs) context.Context, wantErr error) {
	want := expectedForce(t)
	failures := 0
	for n := 1; ; n++ {
		root, dir := forceProject(t)
		before := diskTree(t, root)
		ffs := &faultFs{Fs: afero.NewOsFs()}
		ctx := setup(n, ffs)
		res, err := Apply(ctx, ffs, dir, forcePlan(), Options{Existing: true})
		if ffs.count() < n {
			if err != nil {
				t.Fatalf("a run without a fault failed: %v", err)
			}
			break
		}
		after := diskTree(t, root)
		if err != nil {
			failures++
			if !errors.Is(err, wantErr) {
				t.Errorf("change %d: %v; want %v", n, err, wantErr)
			}
			if _, ok := errors.AsType[*UndoneError](err); !ok {
				t.Errorf("change %d: %v is not an *UndoneError", n, err)
			}
			if after != before {
				t.Errorf("change %d failed (%v), and the tree changed:\nbefore\n%s\nafter\n%s", n, err, before, after)
			}
			continue
		}
		if got := withoutNoted(withoutInodes(after), res.Notes); got != want {
			t.Errorf("change %d succeeded (notes %q) with the tree\n%s\nwant\n%s", n, res.Notes, got, want)
		}
	}
	if failures < 20 {
		t.Errorf("only %d runs failed; the fault missed most changes", failures)
	}
}

func TestForceFailureAtEveryChangeRestoresTheTree(t *testing.T) {
	t.Parallel()
	everyChange(t, func(n int, ffs *faultFs) context.Context {
		ffs.failAt, ffs.err = n, syscall.EIO
		return context.Background()
	}, syscall.EIO)
}

func TestForceDiskFullAtEveryChangeAndWhileUndoing(t *testing.T) {
	t.Parallel()
	everyChange(t, func(n int, ffs *faultFs) context.Context {
		ffs.failAt, ffs.err, ffs.fillUp = n, syscall.ENOSPC, true
		return context.Background()
	}, syscall.ENOSPC)
}

func TestForceInterruptAtEveryChange(t *testing.T) {
	t.Parallel()
	everyChange(t, func(n int, ffs *faultFs) context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		ffs.onChange = func(i int, _, _ string) {
			if i == n {
				cancel()
			}
		}
		return ctx
	}, context.Canceled)
}

// When even undoing fails, nothing is lost: each replaced or removed file
// is still on disk under the backup name the error gives, and the next run
// into the folder puts everything back.
func TestForceUndoThatFailsLosesNothing(t *testing.T) {
	t.Parallel()
	undoErrors := 0
	for n := 1; ; n++ {
		root, dir := forceProject(t)
		before := diskTree(t, root)
		ffs := &faultFs{Fs: afero.NewOsFs(), failAt: n, err: syscall.EIO, breakRenames: true}
		_, err := Apply(context.Background(), ffs, dir, forcePlan(), Options{Existing: true})
		if ffs.count() < n {
			break
		}
		if err == nil {
			continue
		}
		if ue, ok := errors.AsType[*UndoError](err); ok {
			undoErrors++
			msg := err.Error()
			if !strings.Contains(msg, "its original is "+dir) || !strings.Contains(msg, "the next scaffold run into "+dir+" finishes undoing it") {
				t.Errorf("change %d: %s\ndoes not say where the originals are and what to do", n, msg)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("change %d: the message spans lines: %q", n, msg)
			}
			if len(ue.Failures) == 0 {
				t.Errorf("change %d: no failures listed", n)
			}
		}
		// Another run takes the lock, and undoes the stopped run first.
		var res Result
		l, err := takeLock(afero.NewOsFs(), filepath.Join(dir, lockName), dir, &res)
		if err != nil {
			t.Fatalf("change %d: the next run: %v", n, err)
		}
		l.release()
		if after := diskTree(t, root); after != before {
			t.Errorf("change %d: after the next run undid it, the tree is\n%s\nwant\n%s", n, after, before)
		}
	}
	if undoErrors == 0 {
		t.Error("no run failed to undo; the fault missed")
	}
}

func TestNewProjectFailureAtEveryChangeLeavesNothing(t *testing.T) {
	t.Parallel()
	plan := forcePlan()
	plan.Remove = nil
	for _, fillUp := range []bool{false, true} {
		for n := 1; ; n++ {
			root := t.TempDir()
			dir := filepath.Join(root, "out", "p")
			ffs := &faultFs{Fs: afero.NewOsFs(), failAt: n, err: syscall.ENOSPC, fillUp: fillUp}
			_, err := Apply(context.Background(), ffs, dir, plan, Options{})
			if ffs.count() < n {
				if err != nil {
					t.Fatal(err)
				}
				break
			}
			if err == nil {
				t.Logf("change %d: the run succeeded", n)
				continue
			}
			if ue, ok := errors.AsType[*UndoneError](err); !ok || !ue.NewProject || !strings.HasSuffix(err.Error(), "; nothing was written") {
				t.Errorf("change %d: %v; want an *UndoneError of a new project", n, err)
			}
			if got := diskTree(t, root); got != ". "+mustMode(t, root) {
				t.Errorf("change %d failed (%v) and left\n%s", n, err, got)
			}
		}
	}
}

func mustMode(t *testing.T, name string) string {
	t.Helper()
	info, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().String()
}
