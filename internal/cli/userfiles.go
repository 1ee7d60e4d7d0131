package cli

import (
	"context"
	"errors"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// packMistake marks a template of a pack that fails to render as the
// pack's mistake, which makes it a usage error.
func packMistake(err error, p *pack.Pack) error {
	if p == nil || p.Dir == "" || errors.Is(err, context.Canceled) {
		return err
	}
	if _, ok := errors.AsType[*generator.TreeError](err); ok || errors.Is(err, generator.ErrOutputTooLarge) {
		return &packError{err}
	}
	return err
}

// packError is a template pack that cannot be rendered.
type packError struct{ err error }

func (e *packError) Error() string { return e.err.Error() }
func (e *packError) Unwrap() error { return e.err }

// answersFileError tells why an answers file cannot be read. Every reason
// is the user's to fix, so each is a usage error.
func answersFileError(name string, err error) error {
	if ue, ok := errors.AsType[*userfile.Error](err); ok {
		return usagef("answers file %w; pass the %s file itself", ue, config.FileName)
	}
	return &usageError{Err: &userfile.FileError{Action: "read answers file", Path: name, Err: err}}
}

// loadProjectConfig reads the answers file of a project, which is never
// read through a link: a project may come from anyone, and the file's
// content can end up in messages.
func loadProjectConfig(fsys afero.Fs, name string) (*config.File, error) {
	data, err := userfile.ReadNoLink(fsys, name, userfile.MaxYAML)
	if err != nil {
		return nil, answersFileError(name, err)
	}
	return config.Parse(name, data)
}
