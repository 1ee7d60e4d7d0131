package pack

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// A pack never reads outside its own folder: pack.yaml, files/ and every
// file and folder under it must be what they seem, not symbolic links, and
// every file a regular one of at most userfile.MaxTemplate. Load checks the
// whole tree, to name the first problem as the pack's; filesFS checks
// again on every read, in case the pack changes meanwhile.

// checkTree refuses a files/ tree that holds a link or a special file, or
// a file too large to render.
func checkTree(fsys afero.Fs, root string) error {
	return afero.Walk(fsys, root, func(name string, info fs.FileInfo, err error) error {
		if err != nil {
			return &config.Error{File: name, Msg: "cannot be read: " + reason(err)}
		}
		if name == root || info.IsDir() && info.Mode()&fs.ModeSymlink == 0 {
			return nil
		}
		return checkEntry(name, info)
	})
}

func checkEntry(name string, info fs.FileInfo) error {
	switch err := userfile.Check(name, info, userfile.MaxTemplate); {
	case err == nil:
		return nil
	case errors.Is(err, userfile.ErrLink):
		return &config.Error{File: name, Msg: "is a symbolic link; a pack may read only its own files, so copy what it points to into the pack"}
	case errors.Is(err, userfile.ErrTooLarge):
		return &config.Error{File: name, Msg: fmt.Sprintf("is larger than %s, the most scaffold reads from a pack's file", userfile.Size(userfile.MaxTemplate))}
	default:
		return &config.Error{File: name, Msg: "is " + userfile.TypeName(info.Mode()) + ", not a regular file; a pack holds only files and folders"}
	}
}

func reason(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// filesFS is a pack's files/ folder as an fs.FS that refuses, on every
// read, a link anywhere on the way and anything but a regular file.
type filesFS struct {
	fs   afero.Fs
	root string
}

var (
	_ fs.ReadFileFS = filesFS{}
	_ fs.ReadDirFS  = filesFS{}
	_ fs.StatFS     = filesFS{}
)

// check walks name from the root, without following links, and returns
// what it is.
func (f filesFS) check(op, name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	p := f.root
	info, err := userfile.Lstat(f.fs, p)
	segments := []string{}
	if name != "." {
		segments = strings.Split(name, "/")
	}
	for i := 0; ; i++ {
		if err != nil {
			return nil, &fs.PathError{Op: op, Path: name, Err: err}
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil, &fs.PathError{Op: op, Path: name, Err: checkEntry(p, info)}
		}
		if i == len(segments) {
			return info, nil
		}
		if !info.IsDir() {
			return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		p = filepath.Join(p, segments[i])
		info, err = userfile.Lstat(f.fs, p)
	}
}

func (f filesFS) Stat(name string) (fs.FileInfo, error) { return f.check("stat", name) }

func (f filesFS) ReadDir(name string) ([]fs.DirEntry, error) {
	info, err := f.check("readdir", name)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a folder")}
	}
	return fs.ReadDir(afero.NewIOFS(afero.NewBasePathFs(f.fs, f.root)), name)
}

func (f filesFS) ReadFile(name string) ([]byte, error) {
	info, err := f.check("read", name)
	if err != nil {
		return nil, err
	}
	if err := checkEntry(path.Join(f.root, name), info); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	data, err := userfile.ReadNoLink(f.fs, filepath.Join(f.root, filepath.FromSlash(name)), userfile.MaxTemplate)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// Open serves folders for walking and files from ReadFile.
func (f filesFS) Open(name string) (fs.File, error) {
	info, err := f.check("open", name)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return afero.NewIOFS(afero.NewBasePathFs(f.fs, f.root)).Open(name)
	}
	data, err := f.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: info}, nil
}

// memFile is a file read whole.
type memFile struct {
	*bytes.Reader
	info fs.FileInfo
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m.info, nil }
func (m *memFile) Close() error               { return nil }
