package writer

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/afero"
)

// lockName is the lock file of a run that writes into an existing folder.
// A run that creates a project locks the folder next to it instead, with
// "."+name+lockSuffix in the parent folder.
const (
	lockName   = ".scaffold-lock"
	lockSuffix = ".scaffold-lock"
)

// errNoFileLock means a file cannot take an advisory lock, as on an
// in-memory file system.
var errNoFileLock = errors.New("file locks are not supported")

// lock is a lock file, created with O_EXCL, that holds a run's journal.
// Where the file system allows it, the run also holds an advisory lock on
// it, which ends with the process however it ends: a lock file nobody holds
// was left by a run that was stopped. Elsewhere, a lock file whose process
// is gone from this machine tells the same.
type lock struct {
	fs   afero.Fs
	path string
	dir  string // the folder the lock is for, for messages
	file afero.File
	// ended is set once the lock is released or dropped.
	ended bool
}

// acquireLock creates the lock file at path. When a stopped run left one
// there, it takes that one over and returns its journal, which the caller
// must undo before it calls reset.
func acquireLock(fsys afero.Fs, path, dir string, newProject bool) (l *lock, stale []entry, err error) {
	for range 3 {
		f, err := fsys.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			l := &lock{fs: fsys, path: path, dir: dir, file: f}
			held, lockErr := tryLock(f)
			if lockErr == nil && !held {
				// Another run took this fresh file for a stale one.
				_ = f.Close()
				return nil, nil, &BusyError{Dir: dir, Lock: path}
			}
			if err := l.reset(); err != nil {
				_ = f.Close()
				_ = fsys.Remove(path)
				return nil, nil, err
			}
			return l, nil, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, nil, fileError("write", path, err, newProject)
		}
		l, stale, err := takeOver(fsys, path, dir)
		if l != nil || err != nil {
			return l, stale, err
		}
		// The lock file went away meanwhile: try again.
	}
	return nil, nil, &BusyError{Dir: dir, Lock: path}
}

// takeOver opens a lock file that exists. It returns a nil lock and error
// when the file went away or was replaced meanwhile.
func takeOver(fsys afero.Fs, path, dir string) (*lock, []entry, error) {
	info, err := lstat(fsys, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, nil
	case err != nil:
		return nil, nil, fileError("read the lock file", path, err, false)
	case !info.Mode().IsRegular():
		return nil, nil, &UnsafeFileError{Path: path, Reason: "is not a regular file", Fix: "it is where scaffold keeps its lock: move it away, then run again"}
	}
	// Never through a link, and without waiting for a named pipe's writer,
	// in case one took the file's place since it was checked.
	f, err := fsys.OpenFile(path, os.O_RDWR|noFollow, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fileError("read the lock file", path, err, false)
	}
	held, lockErr := tryLock(f)
	// A process that forks, as for git, holds the lock of a run that has
	// just ended until the child runs its program: a moment, waited out.
	for i := 0; lockErr == nil && !held && i < 5; i++ {
		time.Sleep(10 * time.Millisecond)
		held, lockErr = tryLock(f)
	}
	if lockErr == nil && !held {
		data, _ := readJournal(f)
		h, _, _ := parseJournal(data)
		_ = f.Close()
		return nil, nil, &BusyError{Dir: dir, Lock: path, PID: h.pid}
	}
	// Holding it, make sure it is still the file at path: a run that
	// ended may have removed it after it was opened here.
	opened, err1 := f.Stat()
	now, err2 := lstat(fsys, path)
	if err1 != nil || err2 != nil || !sameFile(opened, now) {
		_ = f.Close()
		return nil, nil, nil
	}
	data, err := readJournal(f)
	if err != nil {
		_ = f.Close()
		return nil, nil, &BusyError{Dir: dir, Lock: path, Unsure: true}
	}
	h, entries, err := parseJournal(data)
	if err != nil && lockErr == nil {
		// Held, so no run is writing it: it is no journal of ours.
		_ = f.Close()
		return nil, nil, &JournalError{Lock: path, Dir: dir, Reason: strings.TrimPrefix(err.Error(), errBadJournal.Error()+": ")}
	}
	if err != nil {
		_ = f.Close()
		return nil, nil, &BusyError{Dir: dir, Lock: path, Unsure: true}
	}
	if lockErr != nil {
		// Without file locks, only a process that is gone from this very
		// machine proves the run stopped.
		me := thisRun()
		if h.pid == me.pid || h.host != me.host || !processGone(h.pid) {
			_ = f.Close()
			return nil, nil, &BusyError{Dir: dir, Lock: path, PID: h.pid, Unsure: h.pid != me.pid}
		}
	}
	return &lock{fs: fsys, path: path, dir: dir, file: f}, entries, nil
}

// reset empties the journal and names this run in it.
func (l *lock) reset() error {
	if err := l.file.Truncate(0); err != nil {
		return fileError("write the lock file", l.path, err, false)
	}
	if _, err := l.file.Seek(0, 0); err != nil {
		return fileError("write the lock file", l.path, err, false)
	}
	return l.write(thisRun().line())
}

// log appends e to the journal; it must succeed before e's change is made.
func (l *lock) log(e entry) error { return l.write(e.line()) }

func (l *lock) write(line string) error {
	if _, err := l.file.Write([]byte(line)); err != nil {
		return fileError("write the lock file", l.path, err, false)
	}
	return nil
}

// release ends a run whose changes are final or undone. When the lock file
// cannot be removed, its journal, which ends in done, tells the next run
// that there is nothing left to undo; the returned note says so.
//
// On Unix the file is removed while its lock is held, so that no other run
// can take it over in between and lose it. Windows cannot remove an open
// file, so there it is closed first: a run that opens it in the moment
// before it is removed either finds it busy or takes it over, and while
// that run holds it open, Windows refuses to remove it here, so the lock
// is never removed under another run.
func (l *lock) release() (note string) {
	if l.ended {
		return ""
	}
	l.ended = true
	_ = l.write(string(opDone) + "\n")
	var err error
	if runtime.GOOS == "windows" {
		_ = l.file.Close()
		err = l.fs.Remove(l.path)
		// Another run that opens the lock file only to find it busy
		// holds it for a moment.
		for i := 0; err != nil && !errors.Is(err, fs.ErrNotExist) && i < 5; i++ {
			time.Sleep(20 * time.Millisecond)
			err = l.fs.Remove(l.path)
		}
	} else {
		err = l.fs.Remove(l.path)
		_ = l.file.Close()
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "could not remove the lock file " + l.path + " (" + reason(err) + "); delete it"
	}
	return ""
}

// drop ends a run whose changes could not all be undone: the lock file and
// its journal stay, for the next run to finish the undoing.
func (l *lock) drop() {
	if !l.ended {
		l.ended = true
		_ = l.file.Close()
	}
}

// sameFile reports whether two infos are of the same file. Where a file
// system does not tell, it assumes they are.
func sameFile(a, b fs.FileInfo) bool {
	devA, inoA, okA := fileID(a)
	devB, inoB, okB := fileID(b)
	if !okA || !okB {
		return true
	}
	return devA == devB && inoA == inoB
}
