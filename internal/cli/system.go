package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"time"
)

// ExecFunc runs the program name with args in dir (the current folder when
// dir is empty) and returns what it printed on stdout, even when it fails.
// A program that cannot start or exits with an error gives an *execError.
type ExecFunc func(ctx context.Context, dir, name string, args ...string) ([]byte, error)

// execError is a program that could not start or exited with an error.
type execError struct {
	Command string
	Stderr  string
	Err     error
}

func (e *execError) Error() string {
	if msg := firstLine(e.Stderr); msg != "" {
		return e.Command + ": " + msg
	}
	return e.Command + ": " + e.Err.Error()
}

func (e *execError) Unwrap() error { return e.Err }

// waitDelay bounds the wait for a killed program's output. A child it
// started can hold stdout open long after the program itself is gone.
const waitDelay = 500 * time.Millisecond

// SystemExec runs real programs. They get no stdin, so none can wait for
// an answer the user cannot see.
func SystemExec(ctx context.Context, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = waitDelay
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &execError{
			Command: strings.Join(append([]string{name}, args...), " "),
			Stderr:  stderr.String(),
			Err:     err,
		}
	}
	return stdout.Bytes(), nil
}

// firstLine is the first non-blank line of s, trimmed.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if t := strings.TrimSpace(line); t != "" {
			return t
		}
	}
	return ""
}

// SignalContext returns a context that the given signals cancel, with an
// *interruptedError naming the signal as its cause, so that the run exits
// with the signal's code. stop ends the signal handling.
func SignalContext(parent context.Context, signals ...os.Signal) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, signals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			cancel(&interruptedError{Signal: sig, Err: context.Canceled})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}
