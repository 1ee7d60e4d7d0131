package cli

import "io"

// reportWriter passes what a command prints to its output. When that
// output is gone, such as a pipe whose reader quit, it drops the rest and
// lets the command finish its work, so that a run is never cut off between
// writing the project and running git init; Run then reports the lost
// output and exits non-zero.
type reportWriter struct {
	w   io.Writer
	err error
}

func (r *reportWriter) Write(p []byte) (int, error) {
	if r.err != nil {
		return len(p), nil
	}
	if _, err := r.w.Write(p); err != nil {
		r.err = err
	}
	return len(p), nil
}
