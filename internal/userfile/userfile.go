// Package userfile reads the files that users hand to scaffold: answers
// files, pack.yaml and a pack's templates. It reads only regular files,
// and at most a limit from each, so that a named pipe, a device such as
// /dev/zero, or a file of gigabytes fails at once with one line that names
// it, instead of blocking or exhausting memory.
package userfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

// The most scaffold reads from each kind of file.
const (
	MaxYAML     = 1 << 20  // an answers file or pack.yaml
	MaxTemplate = 64 << 20 // each file of a template pack
)

var (
	// ErrNotRegular means a file is a named pipe, a device, a socket or a folder.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge means a file is larger than scaffold reads.
	ErrTooLarge = errors.New("file too large")
	// ErrLink means a file that must not be a link is one.
	ErrLink = errors.New("symbolic link")
)

// Error is a file that userfile refuses to read. Its message is a clause
// about the file, for callers to add what to do: "x.yaml is a named pipe,
// not a regular file".
type Error struct {
	Path   string
	Reason string
	Err    error // ErrNotRegular, ErrTooLarge or ErrLink
}

func (e *Error) Error() string { return e.Path + " " + e.Reason }

func (e *Error) Unwrap() error { return e.Err }

// Read reads name, following a link the way the user's own tools would.
func Read(fsys afero.Fs, name string, limit int64) ([]byte, error) {
	info, err := fsys.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := Check(name, info, limit); err != nil {
		return nil, err
	}
	return readOpen(fsys, name, limit, 0)
}

// ReadNoLink reads name, refusing it when it is a symbolic link, as for a
// file inside a template pack or a project, which must not reach outside.
func ReadNoLink(fsys afero.Fs, name string, limit int64) ([]byte, error) {
	info, err := Lstat(fsys, name)
	if err != nil {
		return nil, err
	}
	if err := Check(name, info, limit); err != nil {
		return nil, err
	}
	return readOpen(fsys, name, limit, noFollow)
}

// Check refuses what info says scaffold must not read.
func Check(name string, info fs.FileInfo, limit int64) error {
	m := info.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		return &Error{Path: name, Reason: "is a symbolic link", Err: ErrLink}
	case m.IsDir():
		return &Error{Path: name, Reason: "is a folder, not a file", Err: ErrNotRegular}
	case !m.IsRegular():
		return &Error{Path: name, Reason: "is " + TypeName(m) + ", not a regular file", Err: ErrNotRegular}
	case info.Size() > limit:
		return tooLarge(name, limit)
	}
	return nil
}

func tooLarge(name string, limit int64) error {
	return &Error{Path: name, Reason: "is larger than " + Size(limit) + ", the most scaffold reads from it", Err: ErrTooLarge}
}

// readOpen opens without blocking, in case a named pipe took the file's
// place since it was checked, and checks again what it opened; flags adds
// noFollow for a file that must be no link, in case one took its place.
func readOpen(fsys afero.Fs, name string, limit int64, flags int) ([]byte, error) {
	f, err := fsys.OpenFile(name, os.O_RDONLY|nonBlock|flags, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := Check(name, info, limit); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(name, limit)
	}
	return data, nil
}

// Lstat describes name without following a link, where fsys can.
func Lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		info, _, err := l.LstatIfPossible(name)
		return info, err
	}
	return fsys.Stat(name)
}

// TypeName names a kind of file that is not regular, for messages.
func TypeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a folder"
	}
	return "a special file"
}

// Size tells a size in bytes the way the README does, such as "1 MiB".
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
