package writer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
)

// Session is one run's hold on a project folder that exists, from before
// it reads the project to its report, so that no other run changes the
// project between what this one read and what it writes: `update`, `add
// resource` and `new --force` plan from what they read, and two of them
// planning from the same files would each write over the other's changes.
//
// Lock takes the folder's lock, dir/.scaffold-lock, at once or fails with
// a *BusyError (the caller's exit status 1): it does not wait, so a
// run never acts on a project that changed while it waited. A stopped
// run's journal found there is undone first, completely, and Notes say
// what was restored; a journal scaffold will not follow is a
// *JournalError, and nothing is touched.
type Session struct {
	fs   afero.Fs
	dir  string
	lock *lock
	// Notes say what the recovery of a stopped run did, one line each.
	Notes []string
}

// Lock takes the lock of the project folder dir, which must exist (an
// error that is fs.ErrNotExist otherwise), and must not be a link.
func Lock(fsys afero.Fs, dir string) (*Session, error) {
	dir = filepath.Clean(dir)
	info, err := lstat(fsys, dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil:
		return nil, fileError("use", dir, err, false)
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, folderLinkError(dir)
	case !info.IsDir():
		return nil, notAFolderError(dir)
	}
	var res Result
	clearStagingLock(fsys, dir, &res)
	l, err := takeLock(fsys, filepath.Join(dir, lockName), dir, &res)
	if err != nil {
		return nil, err
	}
	return &Session{fs: fsys, dir: dir, lock: l, Notes: res.Notes}, nil
}

// Apply is the package's Apply into the session's folder, under its lock,
// which it keeps: every change is made, or every change is undone.
func (s *Session) Apply(ctx context.Context, p generator.Plan, o Options) (Result, error) {
	res := Result{Dir: s.dir}
	if s.lock.ended {
		return res, fmt.Errorf("the lock of %s was released before its run wrote", s.dir)
	}
	if err := checkPlan(p); err != nil {
		return res, err
	}
	if ctx.Err() != nil {
		return res, context.Cause(ctx)
	}
	if !o.Existing {
		full, err := holdsFiles(s.fs, s.dir)
		if err != nil {
			return res, fileError("read folder", s.dir, err, true)
		}
		if full {
			return res, notEmptyError(s.dir)
		}
	}
	w := &inPlace{ctx: ctx, fs: s.fs, dir: s.dir, lock: s.lock, suffix: runSuffix(), res: &res, held: true}
	return res, w.run(p)
}

// Release ends the session: the lock file goes, and another run may take
// the folder. It returns a note when the lock file could not be removed.
// It may be called more than once; after a run that could not undo all of
// its changes, it leaves the lock file and its journal for the next run.
func (s *Session) Release() string {
	if s == nil {
		return ""
	}
	return s.lock.release()
}

// CheckIdle reports, without taking anything, a run that holds the lock of
// dir (a *BusyError), or the journal of a stopped one, which a run that
// only reads, such as a dry run, must not plan over (a *StoppedError).
func CheckIdle(fsys afero.Fs, dir string) error {
	path := filepath.Join(dir, lockName)
	info, err := lstat(fsys, path)
	if err != nil || !info.Mode().IsRegular() {
		return nil // nothing, or what a writing run refuses
	}
	l, stale, err := takeOver(fsys, path, dir)
	switch {
	case err != nil:
		return err
	case l == nil:
		return nil // it went away meanwhile
	}
	l.drop()
	for _, e := range stale {
		if e.op == opDone {
			return nil
		}
	}
	if len(stale) == 0 {
		return nil
	}
	return &StoppedError{Dir: dir, Lock: path}
}

// StoppedError is the journal of a run that was stopped before it
// finished, found by a run that does not write.
type StoppedError struct{ Dir, Lock string }

func (e *StoppedError) Error() string {
	return fmt.Sprintf("%s shows that a scaffold run was stopped while it wrote %s; run the command again without --dry-run or --check, which undoes what it left first", e.Lock, e.Dir)
}
