//go:build !unix && !windows

package writer

import (
	"io/fs"

	"github.com/spf13/afero"
)

func fileID(fs.FileInfo) (dev, ino uint64, ok bool) { return 0, 0, false }

func linkCount(fs.FileInfo) uint64 { return 1 }

func tryLock(afero.File) (bool, error) { return false, errNoFileLock }

func processGone(int) bool { return false }

// noFollow is 0 where opening cannot refuse a link; the file is checked
// before it is opened instead.
const noFollow = 0
