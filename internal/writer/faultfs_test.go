package writer

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

// faultFs counts every change made through it (creating, writing, syncing
// or truncating a file, creating a folder, renaming, changing a mode,
// removing) and fails the one numbered failAt with err. With fillUp, it
// then fails everything that needs space, as a full disk does; with
// breakRenames, every later rename fails. Reads pass through unchanged.
type faultFs struct {
	afero.Fs
	failAt       int
	err          error
	fillUp       bool
	breakRenames bool
	// onChange, when set, runs before each change, with its number.
	onChange func(n int, op, name string)

	mu      sync.Mutex
	changes int
	failed  bool
}

func (f *faultFs) change(op, name string, needsSpace bool) error {
	f.mu.Lock()
	f.changes++
	n, hook := f.changes, f.onChange
	var err error
	switch {
	case n == f.failAt:
		f.failed = true
		err = &os.PathError{Op: op, Path: name, Err: f.err}
	case f.failed && f.fillUp && needsSpace:
		err = &os.PathError{Op: op, Path: name, Err: syscall.ENOSPC}
	case f.failed && f.breakRenames && op == "rename":
		err = &os.PathError{Op: op, Path: name, Err: syscall.EIO}
	}
	f.mu.Unlock()
	if hook != nil {
		hook(n, op, name)
	}
	return err
}

func (f *faultFs) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changes
}

func (f *faultFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC) != 0 {
		if err := f.change("open", name, flag&os.O_CREATE != 0); err != nil {
			return nil, err
		}
	}
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f}, nil
}

func (f *faultFs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (f *faultFs) Mkdir(name string, perm os.FileMode) error {
	if err := f.change("mkdir", name, true); err != nil {
		return err
	}
	return f.Fs.Mkdir(name, perm)
}

func (f *faultFs) MkdirAll(name string, perm os.FileMode) error {
	if err := f.change("mkdir", name, true); err != nil {
		return err
	}
	return f.Fs.MkdirAll(name, perm)
}

func (f *faultFs) Rename(oldname, newname string) error {
	if err := f.change("rename", oldname, false); err != nil {
		return err
	}
	return f.Fs.Rename(oldname, newname)
}

func (f *faultFs) Chmod(name string, mode os.FileMode) error {
	if err := f.change("chmod", name, false); err != nil {
		return err
	}
	return f.Fs.Chmod(name, mode)
}

func (f *faultFs) Remove(name string) error {
	if err := f.change("remove", name, false); err != nil {
		return err
	}
	return f.Fs.Remove(name)
}

func (f *faultFs) RemoveAll(name string) error {
	if err := f.change("remove", name, false); err != nil {
		return err
	}
	return f.Fs.RemoveAll(name)
}

// Link makes hard links as the real file system does; breakRenames breaks
// them too, since they put files in place as renames do.
func (f *faultFs) Link(oldname, newname string) error {
	if err := f.change("rename", oldname, false); err != nil {
		return err
	}
	return os.Link(oldname, newname)
}

func (f *faultFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	return f.Fs.(afero.Lstater).LstatIfPossible(name)
}

type faultFile struct {
	afero.File
	fs *faultFs
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.fs.change("write", f.Name(), true); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *faultFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

func (f *faultFile) Sync() error {
	if err := f.fs.change("sync", f.Name(), true); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *faultFile) Truncate(size int64) error {
	if err := f.fs.change("truncate", f.Name(), false); err != nil {
		return err
	}
	return f.File.Truncate(size)
}

// Fd lets the lock take a file lock through the wrapper.
func (f *faultFile) Fd() uintptr {
	if fd, ok := f.File.(interface{ Fd() uintptr }); ok {
		return fd.Fd()
	}
	return ^uintptr(0)
}

// diskTree describes everything under root on a real file system: each
// entry's type and mode, a file's content and inode, a link's target.
// Equal trees mean the same files byte for byte and mode for mode, and
// that every file that was there is the very same file.
func diskTree(t testing.TB, root string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		line := fmt.Sprintf("%s %s", rel, info.Mode())
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			line += " -> " + target
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" inode=%d %q", info.Sys().(*syscall.Stat_t).Ino, data)
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// withoutInodes drops inode numbers, for trees that are equal in content
// but were written anew.
func withoutInodes(tree string) string {
	var out []string
	for line := range strings.SplitSeq(tree, "\n") {
		if i := strings.Index(line, " inode="); i >= 0 {
			j := strings.Index(line[i+1:], " ")
			line = line[:i] + line[i+1+j:]
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// writeTree creates files under root, with their modes; a name ending in /
// is a folder.
func writeTree(t testing.TB, root string, files map[string]string, modes map[string]fs.FileMode) {
	t.Helper()
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := modes[name]
		if mode == 0 {
			mode = 0o644
		}
		if err := os.WriteFile(p, []byte(files[name]), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
}
