package writer

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/djscaffold/scaffold/internal/userfile"
)

// ErrTargetNotEmpty means the project folder already holds files and the
// caller did not ask to write into it.
var ErrTargetNotEmpty = errors.New("project folder is not empty")

// ErrUnsafeFile means that a path a run would write, replace or remove is
// something scaffold never touches: a symbolic link, a file with other hard
// links, or something other than a regular file or folder.
var ErrUnsafeFile = errors.New("unsafe file")

// UnsafeFileError names the path that is ErrUnsafeFile, why, and what to do.
type UnsafeFileError struct {
	Path   string
	Reason string // such as "is a symbolic link"
	Fix    string
}

func (e *UnsafeFileError) Error() string {
	return fmt.Sprintf("%s %s; %s", e.Path, e.Reason, e.Fix)
}

func (e *UnsafeFileError) Unwrap() error { return ErrUnsafeFile }

// ErrBusy means another scaffold run is writing the same project.
var ErrBusy = errors.New("another scaffold run is writing there")

// BusyError is ErrBusy for one project folder.
type BusyError struct {
	Dir  string
	Lock string // the lock file
	PID  int    // the other run's process, 0 when unknown
	// Unsure is set when the lock cannot tell a running run from a stopped
	// one, as on file systems without file locks.
	Unsure bool
}

func (e *BusyError) Error() string {
	if e.Unsure {
		return fmt.Sprintf("%s shows that a scaffold run is writing %s, or was stopped before it finished; "+
			"if none is running, the backups it lists hold the files that run replaced: put them back, then delete it", e.Lock, e.Dir)
	}
	who := "another scaffold run"
	if e.PID > 0 {
		who = fmt.Sprintf("another scaffold run (process %d)", e.PID)
	}
	return fmt.Sprintf("%s is writing %s; wait for it to finish, then run again", who, e.Dir)
}

func (e *BusyError) Unwrap() error { return ErrBusy }

// ErrTargetTaken means the project folder appeared while a new project was
// being written next to it.
var ErrTargetTaken = errors.New("project folder appeared meanwhile")

type takenError struct{ dir string }

func (e *takenError) Error() string {
	return e.dir + " appeared while scaffold was writing it, so another program made it; look at what it holds, then run again"
}

func (e *takenError) Unwrap() error { return ErrTargetTaken }

// UndoneError is a run that failed or was interrupted, and was undone: the
// files on disk are exactly as they were before it.
type UndoneError struct {
	Err error
	// NewProject is set when the run was creating the project folder.
	NewProject bool
}

func (e *UndoneError) Error() string { return e.Err.Error() + "; " + e.State() }

// State says what the undoing left, in words for the user.
func (e *UndoneError) State() string {
	if e.NewProject {
		return "nothing was written"
	}
	return "every file is as it was"
}

func (e *UndoneError) Unwrap() error { return e.Err }

// UndoError is a run that failed, and that could not be undone in full.
// Nothing is lost: every file it replaced or removed is still on disk under
// the backup name its Failures give, and the lock file keeps the journal
// that lets the next run into the same folder finish the undoing.
type UndoError struct {
	Err      error   // why the run failed
	Failures []error // what could not be undone, each naming its files
	Dir      string
}

func (e *UndoError) Error() string {
	more := ""
	if n := len(e.Failures) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more)", n)
	}
	return fmt.Sprintf("%s; and scaffold could not undo all of it: %s%s; the next scaffold run into %s finishes undoing it",
		e.Err, e.Failures[0], more, e.Dir)
}

func (e *UndoError) Unwrap() error { return e.Err }

// restoreError is a file that could not be put back.
type restoreError struct {
	path, backup string
	err          error
}

func (e *restoreError) Error() string {
	return fmt.Sprintf("cannot put back %s (%s); its original is %s", e.path, reason(e.err), e.backup)
}

func (e *restoreError) Unwrap() error { return e.err }

// reason is an error without the operation and paths that a *fs.PathError
// or *os.LinkError repeats, as userfile.Reason; the lock's and journal's
// messages use it.
func reason(err error) string { return userfile.Reason(err) }

// fileError tells a failed file operation of a run with what to do about
// it. newProject says whether choosing another output folder is a way out,
// which it is only while the project folder does not exist yet.
func fileError(action, name string, err error, newProject bool) error {
	return &userfile.FileError{Action: action, Path: name, Hint: hint(err, filepath.Dir(name), newProject), Err: err}
}

func hint(err error, folder string, newProject bool) string {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return "free some disk space, then run again"
	case errors.Is(err, syscall.EROFS) && newProject:
		return "choose another output folder"
	case errors.Is(err, syscall.EROFS):
		return "mount it writable, then run again"
	case errors.Is(err, fs.ErrPermission) && newProject:
		return "choose another output folder, or get write access to " + folder
	case errors.Is(err, fs.ErrPermission):
		return "get write access to " + folder + ", then run again"
	case errors.Is(err, syscall.ENAMETOOLONG):
		return "the path is too long; choose a shorter output folder or name"
	case errors.Is(err, syscall.ENOTDIR) && newProject:
		return "choose another output folder"
	}
	return ""
}

// JournalError is a lock file whose journal scaffold will not follow, as
// one planted in a project could be: it names a path through a link, or
// something that no run of scaffold writes. Nothing was undone, and the
// lock file stays for the user to look at.
type JournalError struct {
	Lock   string // the lock file
	Dir    string
	Reason string // such as `"lnk/x" passes through lnk, which is a symbolic link`
}

func (e *JournalError) Error() string {
	return fmt.Sprintf("%s holds a journal that scaffold will not follow: %s; nothing was undone: "+
		"if no scaffold run was stopped while writing %s, delete %s, then run again", e.Lock, e.Reason, e.Dir, e.Lock)
}

func (e *JournalError) Unwrap() error { return ErrUnsafeFile }
