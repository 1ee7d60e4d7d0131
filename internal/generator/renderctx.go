package generator

import (
	"context"
	"fmt"
	"io"
)

// RenderContext is Render that returns as soon as ctx is done. Templates
// that write stop then, but text/template cannot stop one that loops
// without writing, such as {{range 100000000000000}}{{end}}: the render
// goes on in the background, and the caller, which has stopped waiting
// for it, is expected to end the process.
func RenderContext(ctx context.Context, o Options, t Tree, rnd io.Reader) (Plan, error) {
	type result struct {
		plan Plan
		err  error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("internal error: %v; please report it with the command you ran", r)}
			}
		}()
		p, err := render(ctx, o, t, rnd)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		return r.plan, r.err
	case <-ctx.Done():
		return Plan{}, context.Cause(ctx)
	}
}

// Render renders every file of the project into memory. It reads the
// project's secrets from rnd, so a fixed reader gives fixed output.
func Render(o Options, t Tree, rnd io.Reader) (Plan, error) {
	return render(context.Background(), o, t, rnd)
}
