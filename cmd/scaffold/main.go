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
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
	"github.com/djscaffold/scaffold/internal/testhook"
)

func main() {
	// SIGTERM too, so that a terminal in raw mode at a question is restored.
	ctx, stop := cli.SignalContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Caught, SIGPIPE makes a write to a closed pipe fail instead of killing
	// the process between writing a project and running git init in it.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	interactive := term.IsTerminal(int(os.Stdin.Fd())) && term.IsTerminal(int(os.Stdout.Fd()))
	code := cli.Run(ctx, cli.Env{
		Args:        os.Args[1:],
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Fs:          testhook.Fs(afero.NewOsFs(), os.Getenv), // unchanged outside tests
		Interactive: interactive,
		Color:       term.IsTerminal(int(os.Stdout.Fd())) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb",
		Prompter:    prompter(ctx),
		Rand:        rand.Reader,
		Owner:       generator.Owner{UID: os.Getuid(), GID: os.Getgid()},
		LookPath:    exec.LookPath,
		Exec:        cli.SystemExec,

		FindDockerPlugin:       cli.FindDockerPlugin,
		OutsideGitRepositories: cli.OutsideGitRepositories,
	})
	stop()
	os.Exit(code)
}

// prompter draws questions with survey, or line by line on a terminal
// that cannot draw them.
func prompter(ctx context.Context) prompt.Prompter {
	if os.Getenv("TERM") == "dumb" {
		return prompt.NewPlain(ctx, os.Stdin, os.Stdout)
	}
	return prompt.NewSurvey(ctx, os.Stdin, os.Stdout, os.Stderr)
}
