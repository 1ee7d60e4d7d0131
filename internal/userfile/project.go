package userfile

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/afero"
)

// MaxProjectFile is the most scaffold reads of one file of a project it
// compares with a render: far more than any file it generates.
const MaxProjectFile = 64 << 20

// Project reads the files of a project that scaffold generated, as diff,
// update and add resource compare them with a render. It never follows a
// link, neither at the file nor in a folder on its way, so that a link in
// a project never shows, nor lets scaffold merge, what it points to; and
// it reads regular files only, up to a limit.
type Project struct {
	Fs  afero.Fs
	Dir string
}

// Path is the path on disk of rel, a slash-separated path in the project.
func (p Project) Path(rel string) string { return filepath.Join(p.Dir, filepath.FromSlash(rel)) }

// Stat describes what stands at rel without following a link. A folder on
// its way that is a link, or not a folder, makes it fs.ErrNotExist: the
// file is not in the project.
func (p Project) Stat(rel string) (fs.FileInfo, error) {
	segments := strings.Split(rel, "/")
	for i := range len(segments) - 1 {
		info, err := Lstat(p.Fs, p.Path(strings.Join(segments[:i+1], "/")))
		if err != nil {
			return nil, notFound(err)
		}
		if !info.IsDir() {
			return nil, fs.ErrNotExist
		}
	}
	info, err := Lstat(p.Fs, p.Path(rel))
	return info, notFound(err)
}

// notFound takes ENOTDIR, a file where a folder of the path would be, for
// the file not being there, as it is.
func notFound(err error) error {
	if errors.Is(err, syscall.ENOTDIR) {
		return fs.ErrNotExist
	}
	return err
}

// Read reads the regular file at rel, as Stat finds it, up to limit bytes;
// what is not a regular file is a *Error.
func (p Project) Read(rel string, limit int64) ([]byte, error) {
	info, err := p.Stat(rel)
	if err != nil {
		return nil, err
	}
	if err := Check(p.Path(rel), info, limit); err != nil {
		return nil, err
	}
	return readOpen(p.Fs, p.Path(rel), limit, noFollow)
}

// Binary reports whether data is not text, by git's own test: a NUL byte
// in its first 8000 bytes. diff shows no lines of such a file, and update
// merges none.
func Binary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}
