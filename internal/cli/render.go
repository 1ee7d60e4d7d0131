package cli

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// renderPlan renders a project, and stops waiting for the templates once
// ctx is done, as a signal has stopped the run. A template of a pack that
// fails is the pack's mistake, which makes it a usage error.
func renderPlan(ctx context.Context, opts generator.Options, tmpl generator.Template, rnd io.Reader, p *pack.Pack) (generator.Plan, error) {
	plan, err := generator.RenderContext(ctx, opts, tmpl, rnd)
	if err == nil || p.Dir == "" || errors.Is(err, context.Canceled) {
		return plan, err
	}
	if _, ok := errors.AsType[*generator.TemplateError](err); ok || errors.Is(err, generator.ErrOutputTooLarge) {
		return plan, &packError{err}
	}
	return plan, err
}

// packError is a template pack that cannot be rendered.
type packError struct{ err error }

func (e *packError) Error() string { return e.err.Error() }
func (e *packError) Unwrap() error { return e.err }

// stoppable runs step and returns its error, or the cause of ctx as soon as
// ctx is done: a step that reads files the user named, such as a pack on a
// slow network drive, cannot be interrupted, and the process ends anyway.
func stoppable(ctx context.Context, step func() error) error {
	done := make(chan error, 1)
	go func() { done <- step() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// answersFileError tells why an answers file cannot be read. Every reason
// is the user's to fix, so each is a usage error.
func answersFileError(name string, err error) error {
	if ue, ok := errors.AsType[*userfile.Error](err); ok {
		return usagef("answers file %w; pass the %s file itself", ue, config.FileName)
	}
	return &UsageError{Err: &generator.FileError{Action: "read answers file", Path: name, Err: err}}
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
