package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// loadRecordedPack loads the pack that an answers file names. A path that
// leads nowhere is a mistake in the answers file, reported at its line.
func loadRecordedPack(fsys afero.Fs, cfg *config.File) (*pack.Pack, error) {
	dir := cfg.PackDir()
	bad := func(err error) error {
		return &config.Error{File: cfg.Source, Line: cfg.Line("template.path"),
			Msg: fmt.Sprintf("template.path %q: %s; correct it, or name the pack with --pack", cfg.Template.Path, userfile.Reason(err))}
	}
	if _, err := fsys.Stat(dir); err != nil {
		return nil, bad(err)
	}
	p, err := pack.Load(fsys, dir)
	if _, ok := errors.AsType[*userfile.FileError](err); ok {
		return nil, bad(err)
	}
	return p, err
}
