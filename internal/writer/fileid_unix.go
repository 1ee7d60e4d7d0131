//go:build unix

package writer

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"
)

// fileID returns the device and inode of a file on a real file system.
func fileID(info fs.FileInfo) (dev, ino uint64, ok bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(st.Dev), uint64(st.Ino), true
}

// linkCount is the number of hard links to a file; 1 where it cannot be told.
func linkCount(info fs.FileInfo) uint64 {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 1
	}
	return uint64(st.Nlink)
}

// tryLock takes an advisory lock on f without waiting. held is false when
// another process holds it; errNoFileLock means the file or its file
// system cannot be locked at all.
func tryLock(f afero.File) (held bool, err error) {
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return false, errNoFileLock
	}
	err = unix.Flock(int(fd.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.EWOULDBLOCK):
		return false, nil
	}
	return false, errNoFileLock
}

// processGone reports whether no process with the given id runs on this machine.
func processGone(pid int) bool {
	return pid > 0 && errors.Is(unix.Kill(pid, 0), unix.ESRCH)
}

// noFollow opens a file only if it is no link, and a named pipe without
// waiting for its writer.
const noFollow = unix.O_NOFOLLOW | unix.O_NONBLOCK
