package writer

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/spf13/afero"
)

// CaseTwin returns the entry of dir whose name differs from name only by
// case, or "" when there is none. Both can be in one folder on Linux, but
// not on macOS or Windows, where a clone of the project would mix them up.
func CaseTwin(fsys afero.Fs, dir, name string) (string, error) {
	entries, err := afero.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Name() != name && strings.EqualFold(e.Name(), name) {
			return e.Name(), nil
		}
	}
	return "", nil
}
