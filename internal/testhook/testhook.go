// Package testhook lets the tests of the real binary stop a run at a chosen
// step, to prove what a run killed or held there leaves: it is for tests
// only. cmd/scaffold passes its file system through Fs, which returns it
// unchanged unless one of the variables below is set, so a normal run
// never meets a hook.
package testhook

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/spf13/afero"
)

const (
	// KillAtRename, set to N, makes the run kill itself with SIGKILL just
	// before its Nth rename or hard link, the steps by which the writer
	// puts files in place, moves them to backups and puts them back.
	KillAtRename = "SCAFFOLD_TEST_KILL_AT_RENAME"
	// StopAtRead, set to a file name such as .scaffold.yaml, makes the run
	// stop itself with SIGSTOP the first time it looks at a file of that
	// name, until it gets SIGCONT: a test holds it there.
	StopAtRead = "SCAFFOLD_TEST_STOP_AT_READ"
)

// Fs returns fsys with the hooks that getenv asks for, or fsys itself when
// it asks for none. fsys must be the operating system's file system.
func Fs(fsys afero.Fs, getenv func(string) string) afero.Fs {
	killAt, _ := strconv.Atoi(getenv(KillAtRename))
	stopAt := getenv(StopAtRead)
	if killAt <= 0 && stopAt == "" || !supported {
		return fsys
	}
	return &hookFs{Fs: fsys, killAt: killAt, stopAt: stopAt}
}

type hookFs struct {
	afero.Fs
	killAt int
	stopAt string

	mu      sync.Mutex
	renames int
	stopped bool
}

// renaming counts a rename, and kills the process before the chosen one.
func (h *hookFs) renaming() {
	h.mu.Lock()
	h.renames++
	n := h.renames
	h.mu.Unlock()
	if n == h.killAt {
		kill()
	}
}

// reading stops the process at the first look at the chosen name.
func (h *hookFs) reading(name string) {
	if h.stopAt == "" || filepath.Base(name) != h.stopAt {
		return
	}
	h.mu.Lock()
	first := !h.stopped
	h.stopped = true
	h.mu.Unlock()
	if first {
		stop()
	}
}

func (h *hookFs) Rename(oldname, newname string) error {
	h.renaming()
	return h.Fs.Rename(oldname, newname)
}

// Link is the writer's hard link (it finds it by this method).
func (h *hookFs) Link(oldname, newname string) error {
	h.renaming()
	return os.Link(oldname, newname)
}

func (h *hookFs) Stat(name string) (os.FileInfo, error) {
	h.reading(name)
	return h.Fs.Stat(name)
}

func (h *hookFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	h.reading(name)
	return h.Fs.(afero.Lstater).LstatIfPossible(name)
}

func (h *hookFs) Open(name string) (afero.File, error) {
	h.reading(name)
	return h.Fs.Open(name)
}

func (h *hookFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	h.reading(name)
	return h.Fs.OpenFile(name, flag, perm)
}
