package cli

// overwrite.go guards scaffold new --force: it never overwrites a file the
// user changed unless the user says so, in a terminal or with
// --discard-changes.

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/diff"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// userChanges lists the files that writing plan over dir would overwrite
// and that hold what the user wrote: their content on disk is not what
// scaffold last wrote there, as the files: hashes of the answers file on
// disk tell. A file without a recorded hash that differs counts too, since
// nothing says scaffold wrote it. The answers file itself, and the files
// the user owns once written (.env), are not counted.
func userChanges(fsys afero.Fs, dir string, plan generator.Plan) ([]string, error) {
	changes, err := diff.Compare(fsys, dir, plan)
	if err != nil {
		return nil, err
	}
	var recorded map[string]string
	if cfg, err := loadProjectConfig(fsys, filepath.Join(dir, config.FileName)); err == nil {
		recorded = cfg.Files
	}
	var out []string
	for _, c := range changes {
		switch {
		case c.Kind != diff.Changed || c.Path == config.FileName:
			continue
		case c.Other != "" && c.DiskMode == 0:
			continue // not a regular file, which the writer refuses to replace
		case c.Other == "" && bytes.Equal(c.Disk, c.Generated):
			continue // only the executable bit differs
		case c.Other == "" && recorded[c.Path] == config.Hash(c.Disk):
			continue // as scaffold wrote it
		}
		out = append(out, c.Path)
	}
	return out, nil
}

// discardError refuses, without a terminal to ask in, a run that would
// overwrite files the user changed, until --discard-changes says so.
type discardError struct {
	Dir   string
	Paths []string
}

func (e *discardError) Error() string {
	return fmt.Sprintf("--force would overwrite %d files you changed in %s (%s); scaffold update %s brings the project to new answers or templates and keeps your changes, or pass --discard-changes to overwrite them",
		len(e.Paths), escape.Path(e.Dir), listPaths(e.Paths), escape.Path(e.Dir))
}

// confirmOverwrite lets new --force overwrite the files the user changed
// only when the user agrees: in a terminal, a question whose default is
// no; without one, or with --yes or --no-input, --discard-changes.
func confirmOverwrite(env *Env, o *newOptions, dir string, plan generator.Plan) error {
	if !o.Force || o.dryRun || o.discardChanges {
		return nil
	}
	paths, err := userChanges(env.Fs, dir, plan)
	if err != nil || len(paths) == 0 {
		return err
	}
	if !o.Ask {
		return &usageError{Err: &discardError{Dir: dir, Paths: paths}}
	}
	return confirm(env, prompt.Confirm{
		Name:    "overwrite",
		Message: fmt.Sprintf("Overwrite %d files you changed (%s)?", len(paths), listPaths(paths)),
		Help:    fmt.Sprintf("Yes replaces them with what scaffold generates, and your changes to them are lost; no writes nothing. scaffold update %s keeps your changes.", escape.Path(dir)),
		Default: false,
	})
}
