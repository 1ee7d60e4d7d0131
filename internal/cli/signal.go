package cli

import (
	"context"
	"errors"
	"os"
	"syscall"

	"github.com/djscaffold/scaffold/internal/generator"
)

// ExitTerminated is the exit code of a run stopped by SIGTERM, as a shell
// reports a process killed by it.
const ExitTerminated = 143

// SignalError is why a run's context was cancelled when a signal stopped
// it. It is a context.Canceled, so that every step treats it as one.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string {
	if e.Signal == syscall.SIGTERM {
		return "terminated"
	}
	return "interrupted"
}

func (e *SignalError) Is(target error) bool { return target == context.Canceled }

func terminated(err error) bool {
	se, ok := errors.AsType[*SignalError](err)
	return ok && se.Signal == syscall.SIGTERM
}

// interruptedLine is the line a stopped run ends with: how it was stopped,
// and what it left.
func interruptedLine(err error) string {
	if _, ok := errors.AsType[*generator.UndoError](err); ok {
		return err.Error()
	}
	if e, ok := errors.AsType[*afterWriteError](err); ok {
		return e.Error()
	}
	how := "interrupted"
	if terminated(err) {
		how = "terminated"
	}
	if ue, ok := errors.AsType[*generator.UndoneError](err); ok {
		return how + "; " + ue.State()
	}
	return how + "; nothing was written"
}

// afterWriteError is a run stopped once its files were written, which is
// too late to undo them, while it ran git init.
type afterWriteError struct {
	dir string
	err error
}

func (e *afterWriteError) Error() string {
	return "interrupted after the project was written, while git init ran; run git init in " + e.dir + " yourself"
}

func (e *afterWriteError) Unwrap() error { return e.err }
