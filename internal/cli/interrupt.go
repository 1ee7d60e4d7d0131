package cli

import (
	"errors"

	"github.com/djscaffold/scaffold/internal/writer"
)

// interruptedLine is the line a stopped run ends with: that it was
// stopped, and what it left on disk.
func interruptedLine(err error) string {
	if _, ok := errors.AsType[*writer.UndoError](err); ok {
		return err.Error()
	}
	if e, ok := errors.AsType[*afterWriteError](err); ok {
		return e.Error()
	}
	if ue, ok := errors.AsType[*writer.UndoneError](err); ok {
		return "interrupted; " + ue.State()
	}
	return "interrupted; nothing was written"
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

// doneBefore says what a run did, for a report that could not be printed.
func doneBefore(err error) string {
	if err == nil {
		return "the run itself finished"
	}
	return "the run stopped as the message above says"
}
