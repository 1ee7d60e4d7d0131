// Command scaffold generates Django REST Framework projects that run under Docker.
package main

import (
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"syscall"

	"github.com/spf13/afero"
	"golang.org/x/term"

	"github.com/djscaffold/scaffold/internal/cli"
	"github.com/djscaffold/scaffold/internal/prompt"
)

func main() {
	// SIGTERM too, so that a terminal in raw mode at a question is restored.
	ctx, stop := cli.SignalContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	interactive := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	code := cli.Run(ctx, cli.Env{
		Args:        os.Args[1:],
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Fs:          afero.NewOsFs(),
		Interactive: interactive,
		Color:       term.IsTerminal(int(os.Stdout.Fd())) && os.Getenv("NO_COLOR") == "",
		Prompter:    prompt.NewSurvey(ctx, os.Stdin, os.Stdout, os.Stderr),
		Rand:        rand.Reader,
		LookPath:    exec.LookPath,
		Exec:        cli.SystemExec,

		FindDockerPlugin: cli.FindDockerPlugin,
	})
	stop()
	os.Exit(code)
}
