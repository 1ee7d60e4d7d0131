//go:build windows

package writer

import (
	"errors"
	"io/fs"

	"github.com/spf13/afero"
	"golang.org/x/sys/windows"
)

// fileID: Windows' file index needs an open handle, which a FileInfo does
// not keep; Windows refuses to remove an open file, which guards the lock
// file instead (see release).
func fileID(fs.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }

func linkCount(fs.FileInfo) uint64 { return 1 }

// lockOffset is where the locked byte lies: far past the end of the
// journal, because a byte range lock on Windows also stops other processes
// from reading the bytes it covers, and the next run reads the journal to
// name its run.
const lockOffset = 1 << 62

// tryLock takes an exclusive lock on one byte of f without waiting, as
// flock does on Unix: it ends when the handle is closed or the process ends.
func tryLock(f afero.File) (held bool, err error) {
	fd, ok := f.(interface{ Fd() uintptr })
	if !ok {
		return false, errNoFileLock
	}
	ol := windows.Overlapped{Offset: uint32(lockOffset & 0xffffffff), OffsetHigh: uint32(lockOffset >> 32)}
	err = windows.LockFileEx(windows.Handle(fd.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION), errors.Is(err, windows.ERROR_IO_PENDING):
		return false, nil
	}
	return false, errNoFileLock
}

// processGone reports whether no process with the given id runs on this machine.
func processGone(pid int) bool {
	if pid <= 0 {
		return false
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_INVALID_PARAMETER)
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return false
	}
	const stillActive = 259
	return code != stillActive
}

// noFollow is 0 where opening cannot refuse a link; the file is checked
// before it is opened instead.
const noFollow = 0
