package writer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// A session holds the project's lock from before the run reads it to its
// release: another run is refused all along, the session's writes keep
// the lock, and releasing it lets the next run in.
func TestSessionHoldsTheLockUntilReleased(t *testing.T) {
	root, dir := forceProject(t)
	s, err := Lock(afero.NewOsFs(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Notes) != 0 {
		t.Errorf("notes %q", s.Notes)
	}
	busy := func(when string) {
		t.Helper()
		if _, err := Lock(afero.NewOsFs(), dir); !errors.Is(err, ErrBusy) {
			t.Errorf("%s: another Lock = %v, want ErrBusy", when, err)
		}
		if _, err := Apply(context.Background(), afero.NewOsFs(), dir, forcePlan(), Options{Existing: true}); !errors.Is(err, ErrBusy) {
			t.Errorf("%s: another Apply = %v, want ErrBusy", when, err)
		}
		if err := CheckIdle(afero.NewOsFs(), dir); !errors.Is(err, ErrBusy) {
			t.Errorf("%s: CheckIdle = %v, want ErrBusy", when, err)
		}
	}
	busy("before writing")
	if _, err := s.Apply(context.Background(), forcePlan(), Options{Existing: true}); err != nil {
		t.Fatal(err)
	}
	busy("after writing")
	if note := s.Release(); note != "" {
		t.Error(note)
	}
	if _, err := os.Lstat(filepath.Join(dir, lockName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the lock file stays: %v", err)
	}
	if err := CheckIdle(afero.NewOsFs(), dir); err != nil {
		t.Errorf("CheckIdle after the release: %v", err)
	}
	if got := withoutNoted(withoutInodes(diskTree(t, root)), nil); got != expectedForce(t) {
		t.Errorf("tree\n%s", got)
	}
}

// A session that finds a stopped run's journal undoes it before the run
// reads anything, and says what it put back; a dry run is refused instead.
func TestSessionUndoesAStoppedRunFirst(t *testing.T) {
	root, dir := forceProject(t)
	before := diskTree(t, root)
	run := startStopped(t, 12, true, dir)
	if run == nil {
		t.Fatal("the run made fewer than 12 changes")
	}
	run.kill()
	var stopped *StoppedError
	if err := CheckIdle(afero.NewOsFs(), dir); !errors.As(err, &stopped) {
		t.Errorf("CheckIdle = %v, want a *StoppedError", err)
	}
	s, err := Lock(afero.NewOsFs(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	if len(s.Notes) != 1 || !strings.HasPrefix(s.Notes[0], "undid the changes of a scaffold run into "+dir+" that was stopped before it finished: ") || !strings.HasSuffix(s.Notes[0], " are as they were") {
		t.Errorf("notes %q", s.Notes)
	}
	s.Release()
	if after := diskTree(t, root); after != before {
		t.Errorf("after the recovery, the tree is\n%s\nwant\n%s", after, before)
	}
}

// A journal is refused, and nothing is touched, when it names a path
// through a link, a temporary or backup file that is not the one a run
// gives its path, or a staging folder inside a project.
func TestUntrustworthyJournalsAreRefused(t *testing.T) {
	const sfx = "0c1d2e3f"
	head := "scaffold-journal 1 pid=999999 host=\"elsewhere\"\n"
	for _, tc := range []struct{ journal, says string }{
		{`create "lnk/victim" ".victim.scaffold-tmp-` + sfx + `"`, `"lnk/victim" passes through`},
		{`replace "lnk" ".lnk.scaffold-tmp-` + sfx + `" ".lnk.scaffold-backup-` + sfx + `"`, `"lnk" passes through`},
		{`create "README.md" ".mine.py.scaffold-tmp-` + sfx + `"`, `line 2 names ".mine.py.scaffold-tmp-` + sfx + `"`},
		{`create "README.md" ".README.md.scaffold-tmp-1"`, "line 2 names"},
		{`create "README.md" ".README.md.scaffold-backup-` + sfx + `"`, "line 2 names"},
		{`create "README.md" ".README.md.scaffold-tmp-` + sfx + "\"\n" + `create "new.txt" ".new.txt.scaffold-tmp-00000000"`, "line 3 names"},
		{`stage ".p.scaffold-new"`, `it names ".p.scaffold-new" as a new project's staging folder`},
		{`remove "mine.py" "../mine.py.scaffold-backup-` + sfx + `"`, "line 2 is not one scaffold writes"},
		{`create "../p2/x" ".x.scaffold-tmp-` + sfx + `"`, "line 2 is not one scaffold writes"},
		{"rm -rf /", "line 2 is not one scaffold writes"},
	} {
		root, dir := forceProject(t)
		outside := filepath.Join(root, "outside")
		writeTree(t, outside, map[string]string{"victim": "not yours", "README.md": "not yours"}, nil)
		if err := os.Symlink(outside, filepath.Join(dir, "lnk")); err != nil {
			t.Fatal(err)
		}
		writeTree(t, dir, map[string]string{lockName: head + tc.journal + "\n"}, nil)
		before := diskTree(t, root)
		_, err := Lock(afero.NewOsFs(), dir)
		var je *JournalError
		if !errors.As(err, &je) || !errors.Is(err, ErrUnsafeFile) || !strings.Contains(err.Error(), tc.says) ||
			!strings.Contains(err.Error(), "nothing was undone") {
			t.Errorf("%s: Lock = %v\nwant a *JournalError that says %s", tc.journal, err, tc.says)
		}
		if after := diskTree(t, root); after != before {
			t.Errorf("%s: the tree changed:\n%s", tc.journal, after)
		}
	}
}

// Recovery removes a file at a path only when it is the very file that
// carries the run's temporary name: a journal that says a run created
// README.md, or replaced mine.py, leaves them be.
func TestRecoveryRemovesOnlyTheRunsOwnFiles(t *testing.T) {
	const sfx = "0c1d2e3f"
	_, dir := forceProject(t)
	writeTree(t, dir, map[string]string{
		".mine.py.scaffold-backup-" + sfx: "a planted backup",
		".README.md.scaffold-tmp-" + sfx:  "a planted temporary file",
		lockName: "scaffold-journal 1 pid=999999 host=\"elsewhere\"\n" +
			`create "README.md" ".README.md.scaffold-tmp-` + sfx + "\"\n" +
			`replace "mine.py" ".mine.py.scaffold-tmp-` + sfx + `" ".mine.py.scaffold-backup-` + sfx + "\"\n",
	}, nil)
	_, err := Lock(afero.NewOsFs(), dir)
	if !errors.As(err, new(*UndoError)) || !strings.Contains(err.Error(), "cannot put back "+filepath.Join(dir, "mine.py")) {
		t.Errorf("Lock = %v, want an *UndoError for mine.py", err)
	}
	for name, want := range map[string]string{"README.md": "old readme\n", "mine.py": "keep me\n", ".mine.py.scaffold-backup-" + sfx: "a planted backup"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := os.Lstat(filepath.Join(dir, ".README.md.scaffold-tmp-"+sfx)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the run's temporary file stays: %v", err)
	}
}
