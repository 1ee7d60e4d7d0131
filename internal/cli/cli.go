// Package cli holds scaffold's commands: it turns arguments, the answers
// file and prompts into options, and errors into exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
	"github.com/djscaffold/scaffold/internal/userfile"
	"github.com/djscaffold/scaffold/internal/version"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitInterrupted = 130 // Ctrl-C, Esc at a question, or SIGINT
	ExitTerminated  = 143 // SIGTERM
)

// Env is everything a command touches outside itself, so that tests can run
// the whole CLI in memory.
type Env struct {
	Args   []string
	Stdout io.Writer
	Stderr io.Writer
	Fs     afero.Fs
	// Interactive is true when both stdin and stdout are terminals.
	Interactive bool
	// Color is true when stdout is a terminal and NO_COLOR is unset.
	Color bool
	// Prompter asks the questions when Interactive is true.
	Prompter prompt.Prompter
	// Rand is the source of the generated secrets: crypto/rand in main.
	Rand io.Reader
	// Owner is who runs scaffold; .env records the ids (os.Getuid in main).
	Owner generator.Owner
	// LookPath finds a program as exec.LookPath does.
	LookPath func(file string) (string, error)
	// Exec runs other programs: SystemExec in main.
	Exec ExecFunc
	// FindDockerPlugin finds a docker CLI plugin by name, without running
	// it: FindDockerPlugin in main.
	FindDockerPlugin func(name string) (string, error)
	// OutsideGitRepositories reports that no git repository can hold a
	// folder, so that git need not be asked: OutsideGitRepositories in main.
	// Without it, git is always asked.
	OutsideGitRepositories func(dir string) bool
}

// usageError is a mistake in how scaffold was called: a flag, an
// argument, or an answer given on the command line.
type usageError struct{ Err error }

func (e *usageError) Error() string { return e.Err.Error() }
func (e *usageError) Unwrap() error { return e.Err }

// interruptedError is a run that the user stopped: Ctrl-C or Esc at a
// question, or a signal. Signal is nil for a question.
type interruptedError struct {
	Signal os.Signal
	Err    error
}

func (e *interruptedError) Error() string { return "interrupted; nothing was written" }
func (e *interruptedError) Unwrap() error { return e.Err }

// interrupted is the error of a run whose context was cancelled: the
// cause given by SignalContext, or an interruption without a signal.
func interrupted(ctx context.Context) error {
	if ie, ok := errors.AsType[*interruptedError](context.Cause(ctx)); ok {
		return ie
	}
	return &interruptedError{Err: ctx.Err()}
}

func usagef(format string, args ...any) error {
	return &usageError{Err: fmt.Errorf(format, args...)}
}

// Run executes scaffold with env.Args and returns the exit code. Errors are
// printed on one line to env.Stderr.
func Run(ctx context.Context, env Env) (code int) {
	// A bug must still end in one line and an exit code, never a stack trace.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(env.Stderr, "scaffold: internal error: %s; please report it with the command you ran\n", escape.Line(fmt.Sprint(r)))
			code = ExitFailure
		}
	}()
	stdout := &reportWriter{w: env.Stdout}
	env.Stdout = stdout
	root := newRootCommand(&env)
	root.SetArgs(env.Args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		msg := err.Error()
		if ctx.Err() != nil {
			// Whatever failed, it failed because the run was stopped.
			msg, err = interruptedLine(err), interrupted(ctx)
		} else if ie, ok := errors.AsType[*interruptedError](err); ok {
			msg = ie.Error()
		}
		fmt.Fprintf(env.Stderr, "scaffold: %s\n", escape.Line(oneLine(msg)))
	}
	code = exitCode(err)
	if stdout.err != nil {
		fmt.Fprintf(env.Stderr, "scaffold: could not print to standard output (%s), so some of the report is missing; %s\n",
			userfile.Reason(stdout.err), doneBefore(err))
		if code == ExitOK {
			code = ExitFailure
		}
	}
	return code
}

// exitCode maps an error to the exit code scaffold reports for it, by its
// kind alone: a usage error or a bad file the user wrote exits 2, an
// interruption 130 (143 for SIGTERM), and anything else 1.
func exitCode(err error) int {
	var (
		usage       *usageError
		userFile    *config.Error
		badPack     *packError
		interrupted *interruptedError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &interrupted):
		if interrupted.Signal == syscall.SIGTERM {
			return ExitTerminated
		}
		return ExitInterrupted
	case errors.As(err, &usage), errors.As(err, &userFile), errors.As(err, &badPack):
		return ExitUsage
	}
	return ExitFailure
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func newRootCommand(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "scaffold",
		Short: "Generate production-grade Django REST Framework projects that run under Docker",
		Long: `scaffold writes a complete Django REST Framework project that runs under Docker:
a Dockerfile, compose files, a Django project with a working, authenticated API,
tests and CI. It works offline, and the same answers always give the same files.`,
		Example: `  scaffold new myapi
  scaffold new myapi --yes --database mysql --auth jwt
  scaffold new --config myapi/.scaffold.yaml --no-input`,
		Args:          usageArgs(cobra.NoArgs),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	root.SetFlagErrorFunc(flagError)
	// --version prints the version line alone, as other tools do; `scaffold
	// version` prints the rest.
	root.Version = version.String()
	root.SetVersionTemplate("scaffold {{.Version}}\n")
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newNewCommand(env, nil), newAddCommand(env), newRemoveCommand(env), newTemplatesCommand(env), newDiffCommand(env, nil), newUpdateCommand(env, nil), newDoctorCommand(env), newVersionCommand(), newCompletionCommand())
	return root
}

// flagError turns pflag's errors into usage errors. A value pflag cannot
// parse is reported without the parser's own words, such as strconv.ParseBool.
func flagError(cmd *cobra.Command, err error) error {
	invalid, ok := errors.AsType[*pflag.InvalidValueError](err)
	if !ok {
		return usagef("%w; see %s --help", err, cmd.CommandPath())
	}
	flag := invalid.GetFlag()
	hint := "see " + cmd.CommandPath() + " --help"
	if flag.Value.Type() == "bool" {
		hint = "use true or false"
	}
	return &usageError{Err: &plainError{
		msg: fmt.Sprintf("invalid value %q for --%s: %s", invalid.GetValue(), flag.Name, hint),
		err: err,
	}}
}

// plainError tells an error in the user's words, and keeps it for errors.Is
// and errors.As.
type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }

// usageArgs marks argument errors as usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usagef("%s; see %s --help", err, cmd.CommandPath())
		}
		return nil
	}
}

// Command returns scaffold's command tree, for documentation generators
// (the man page); its commands are not meant to run.
func Command() *cobra.Command { return newRootCommand(&Env{}) }
