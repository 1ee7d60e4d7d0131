package userfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// FileError is a failed file operation told in plain words, such as
// "cannot create folder ro/deep: read-only file system; choose another
// output folder". It wraps the failure, so errors.Is(err, fs.ErrPermission)
// and the like still hold.
type FileError struct {
	Action string // what could not be done, such as "create folder"
	Path   string
	Hint   string // what to do about it; may be empty
	Err    error
}

func (e *FileError) Error() string {
	// The operation and path of a *fs.PathError would repeat Action and Path.
	msg := fmt.Sprintf("cannot %s %s: %s", e.Action, e.Path, Reason(e.Err))
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

func (e *FileError) Unwrap() error { return e.Err }

// Reason is an error without the operation and paths that a *fs.PathError
// or *os.LinkError repeats.
func Reason(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	if le, ok := errors.AsType[*os.LinkError](err); ok {
		return le.Err.Error()
	}
	return err.Error()
}
