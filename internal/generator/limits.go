package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"text/template"

	"github.com/djscaffold/scaffold/internal/userfile"
)

// The most a render produces, so that a template that renders without end
// fails with a line that names it, instead of exhausting memory.
const (
	MaxFileOutput = 64 << 20  // one rendered file
	MaxRunOutput  = 256 << 20 // all the files of a run
)

// ErrOutputTooLarge means a template renders more than MaxFileOutput, or
// all of them more than MaxRunOutput.
var ErrOutputTooLarge = errors.New("rendered output too large")

// renderRun is the state one render shares among its templates.
type renderRun struct {
	ctx       context.Context
	kept      map[string]bool // output paths whose policy is PolicyKeep
	total     int64
	templates templateSet
	// perResource is the data of the per-resource folder, by resource,
	// made once for all its files.
	perResource []Data
}

// parse parses a template of the render; a nil run shares nothing.
func (r *renderRun) parse(name, text string) (*template.Template, error) {
	if r == nil {
		return parse(name, text)
	}
	return r.templates.parse(name, text)
}

// resourceData is data.forResource for the render's i-th resource.
func (r *renderRun) resourceData(data Data, i int) Data {
	if r.perResource == nil {
		apps := data.resources()
		r.perResource = make([]Data, len(apps))
		for j, app := range apps {
			r.perResource[j] = data.forResource(app)
		}
	}
	return r.perResource[i]
}

// interrupted is checked between files; a nil run is never interrupted.
func (r *renderRun) interrupted() error {
	if r == nil || r.ctx == nil || r.ctx.Err() == nil {
		return nil
	}
	return context.Cause(r.ctx)
}

// add counts a rendered or copied file against MaxRunOutput.
func (r *renderRun) add(label string, n int) error {
	if r == nil {
		return nil
	}
	r.total += int64(n)
	if r.total > MaxRunOutput {
		return &outputError{fmt.Sprintf("the templates render more than %s in all, the most scaffold writes in one run, "+
			"and %s is where they went over; check the pack's templates for a loop that never ends",
			userfile.Size(MaxRunOutput), label)}
	}
	return nil
}

// output collects what one template renders, up to MaxFileOutput; a write
// fails once the run is interrupted, which stops a template that writes.
type output struct {
	bytes.Buffer
	label string
	run   *renderRun
}

var _ io.Writer = (*output)(nil)

func (o *output) Write(p []byte) (int, error) {
	if err := o.run.interrupted(); err != nil {
		return 0, err
	}
	if o.Len()+len(p) > MaxFileOutput {
		return 0, &outputError{fmt.Sprintf("%s renders more than %s, the most scaffold writes in one file; check it for a loop that never ends",
			o.label, userfile.Size(MaxFileOutput))}
	}
	return o.Buffer.Write(p)
}

type outputError struct{ msg string }

func (e *outputError) Error() string { return e.msg }

func (e *outputError) Unwrap() error { return ErrOutputTooLarge }
