package generator

import "github.com/spf13/afero"

// CheckTarget reports the error Write would give for dir before any file is
// rendered, so that a folder already in use is refused as early as possible.
func CheckTarget(fsys afero.Fs, dir string, force bool) error {
	return checkTarget(fsys, dir, force)
}
