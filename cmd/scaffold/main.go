// Command scaffold generates Django REST Framework projects that run under Docker.
package main

import (
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/spf13/afero"
	"golang.org/x/term"

	"github.com/djscaffold/scaffold/internal/cli"
	"github.com/djscaffold/scaffold/internal/prompt"
)

func main() {
	ctx, stop := stopOnSignals()
	interactive := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	code := cli.Run(ctx, cli.Env{
		Args:        os.Args[1:],
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Fs:          afero.NewOsFs(),
		Interactive: interactive,
		Color:       term.IsTerminal(int(os.Stdout.Fd())) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb",
		Prompter:    prompt.NewSurvey(ctx, os.Stdin, os.Stdout, os.Stderr),
		Rand:        rand.Reader,
		LookPath:    exec.LookPath,
		Exec:        cli.SystemExec,
	})
	stop()
	os.Exit(code)
}

// stopOnSignals returns a context that SIGINT or SIGTERM cancels, with a
// *cli.SignalError as its cause, so that the run stops at its next step,
// undoes what it wrote and exits 130 or 143. SIGTERM too, so that a
// terminal in raw mode at a question is restored. Later signals are
// ignored while the run undoes its changes; SIGKILL still ends it, and the
// next run into the same folder finishes the undoing.
//
// SIGPIPE is caught as well, so that writing to a closed pipe fails
// instead of killing the process between writing a project and running
// git init in it.
func stopOnSignals() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-signals:
			cancel(&cli.SignalError{Signal: s})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(signals)
	}
}
