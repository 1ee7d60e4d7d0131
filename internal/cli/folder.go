package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/writer"
)

// checkFolder refuses the folder of a new project that the writer would
// refuse, so that a dry run refuses what the run would.
func (req request) checkFolder(fsys afero.Fs, dir string) error {
	if req.Project != "" {
		return nil
	}
	if err := checkCaseTwin(fsys, dir); err != nil {
		return err
	}
	return writer.CheckTarget(fsys, dir, req.Force)
}

// checkCaseTwin refuses a new project whose folder differs only by case
// from one beside it: on macOS and Windows they would be one folder.
func checkCaseTwin(fsys afero.Fs, dir string) error {
	twin, err := writer.CaseTwin(fsys, filepath.Dir(dir), filepath.Base(dir))
	if err != nil {
		return fmt.Errorf("check %s: %w", filepath.Dir(dir), err)
	}
	if twin != "" {
		return usagef("%s differs only by case from %s beside it, which is the same folder on macOS and Windows; choose another name",
			dir, filepath.Join(filepath.Dir(dir), twin))
	}
	return nil
}
