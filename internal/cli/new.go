package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/version"
	"github.com/djscaffold/scaffold/internal/writer"
)

// newRun is what `scaffold new` was asked to do.
type newRun struct {
	request
	yes, noInput  bool
	dryRun, quiet bool
	// git runs git init; gitGiven says --git was given, not defaulted.
	git, gitGiven bool
}

func newNewCommand(env *Env) *cobra.Command {
	var (
		nr newRun
		af = answerFlags{}
	)
	cmd := &cobra.Command{
		Use:   "new [NAME] [FIELD...]",
		Short: "Generate a new Django REST Framework project in ./NAME",
		Long: `Generate a new Django REST Framework project that runs under Docker.

Answers come from, in rising order of precedence: the defaults, --config,
flags, and the questions asked in a terminal. Without a terminal, or with
--yes or --no-input, scaffold never asks.

--template DIR renders a template pack over the builtin templates. Its own
questions are answered the same way, with --set KEY=VALUE as their flags
and the answers file's extra: section; --no-input refuses to guess an
answer that has no default.

NAME is the project folder. Python code uses its slug: lowercase, with
dashes turned into underscores, so my-api is fine.

FIELDs type the example resource (--resource) as scaffold add resource
does; see scaffold add resource --help.`,
		Example: `  # ask the questions in a terminal
  scaffold new myapi

  # take the defaults: Python 3.13, Django 5.2, PostgreSQL, token auth
  scaffold new myapi --yes

  # choose options with flags
  scaffold new shop-api --yes --database mysql --auth jwt --resource products --celery

  # a typed example resource
  scaffold new shop-api --yes --resource books title:str price:decimal:8,2 published:date

  # see what would be written
  scaffold new myapi --yes --dry-run

  # generate a project again from its answers file
  scaffold new --config myapi/.scaffold.yaml --no-input -o regenerated

  # use a template pack and answer one of its questions
  scaffold new myapi --template ../acme-pack --set team=payments`,
		Args: usageArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if nr.Answers, err = af.given(cmd.Flags()); err != nil {
				return err
			}
			var names []string
			for _, a := range args {
				// A project name never holds a colon; a field always does.
				if strings.Contains(a, ":") {
					nr.Fields = append(nr.Fields, a)
				} else {
					names = append(names, a)
				}
			}
			if len(names) > 1 {
				return usagef("more than one project NAME: %s; fields are written NAME:TYPE, such as title:str", strings.Join(names, ", "))
			}
			if len(names) == 1 {
				nr.Answers["name"] = names[0]
			}
			nr.gitGiven = cmd.Flags().Changed("git")
			return runNew(cmd.Context(), env, nr)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVarP(&nr.Parent, "output", "o", ".", "parent `DIR`; the project goes to DIR/NAME")
	f.BoolVarP(&nr.yes, "yes", "y", false, "take the default for every question no flag answered; never prompt")
	f.BoolVar(&nr.noInput, "no-input", false, "never prompt; a missing required answer is an error")
	f.StringVarP(&nr.AnswersFile, "config", "c", "", "answers `FILE` in the .scaffold.yaml format")
	af.define(cmd)
	f.StringVar(&nr.PackDir, "template", "", "template pack `DIR` to render over the builtin templates")
	f.StringArrayVar(&nr.Sets, "set", nil, "answer a question by its key, as `KEY=VALUE`: a template pack's, or a builtin one such as celery=true; repeatable")
	f.BoolVar(&nr.Force, "force", false, "write into an existing folder, overwriting generated files and deleting nothing")
	f.BoolVar(&nr.dryRun, "dry-run", false, "print the files that would be written, and write nothing")
	f.BoolVar(&nr.quiet, "quiet", false, "print only errors")
	f.BoolVar(&nr.git, "git", true, "run git init in the new project, without a commit, when git is installed; --git=false turns it off")
	return cmd
}

// answerFlags hold the flags that answer builtin questions: a *string or a
// *bool for each flag, by name.
type answerFlags map[string]any

// define adds a flag for each builtin question that has one, in the order
// the questions are asked.
func (af answerFlags) define(cmd *cobra.Command) {
	f := cmd.Flags()
	for _, q := range generator.Questions {
		switch {
		case q.Flag == "":
			continue
		case q.Kind == generator.KindBool:
			def, _ := q.Default.(bool)
			af[q.Flag] = f.Bool(q.Flag, def, q.Usage)
		default:
			def, _ := q.Default.(string)
			af[q.Flag] = f.String(q.Flag, def, q.Usage)
		}
		if q.NoFlag != "" {
			af[q.NoFlag] = f.Bool(q.NoFlag, false, q.NoUsage)
		}
		if q.Kind == generator.KindChoice {
			_ = cmd.RegisterFlagCompletionFunc(q.Flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return q.Values, cobra.ShellCompDirectiveNoFileComp
			})
		}
	}
}

// given returns the answers of the flags the user set, by question key.
func (af answerFlags) given(flags *pflag.FlagSet) (map[string]any, error) {
	out := map[string]any{}
	for _, q := range generator.Questions {
		if q.Flag != "" && flags.Changed(q.Flag) {
			switch v := af[q.Flag].(type) {
			case *bool:
				out[q.Key] = *v
			case *string:
				out[q.Key] = *v
			}
		}
		if q.NoFlag != "" && *af[q.NoFlag].(*bool) {
			if flags.Changed(q.Flag) {
				return nil, usagef("--%s and --%s cannot be used together; keep one", q.Flag, q.NoFlag)
			}
			out[q.Key] = ""
		}
	}
	return out, nil
}

func runNew(ctx context.Context, env *Env, nr newRun) error {
	if nr.yes && nr.noInput {
		return usagef("--yes and --no-input cannot be used together; --yes takes the defaults, --no-input refuses to guess")
	}
	nr.Ask = env.Interactive && !nr.yes && !nr.noInput
	nr.Confirm = !nr.dryRun
	r, err := resolve(env, nr.request)
	if err != nil {
		return err
	}
	out := newPrinter(env.Stdout, env.Color, nr.quiet)
	target := r.Dir
	// Cancelling stops the programs still running when the run ends early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tools := newTools(env)
	placeInGit := func() gitPlace { return outsideRepo }
	if nr.git && !nr.dryRun {
		// git answers while the project is rendered and written; a run
		// that ends early still waits for it.
		placeInGit = tools.findGitPlace(ctx, env.Fs, target)
		defer placeInGit()
	}
	// The pack's commit lets a later update rebuild this render.
	commit, _, err := recordPack(ctx, gitOf(env), r)
	if err != nil {
		return err
	}
	var plan generator.Plan
	if nr.Force {
		// The secrets files on disk are kept: one that is written beside
		// them, such as a new .env.db, must hold the same secrets.
		plan, err = project.RenderOver(ctx, env.Fs, target, r.spec(version.String(), commit), env.Rand)
	} else {
		plan, err = project.Render(ctx, r.spec(version.String(), commit), env.Rand)
	}
	if err != nil {
		return packMistake(err, r.Pack)
	}
	if nr.dryRun {
		return out.dryRun(target, plan)
	}
	var git gitInit
	write := writer.Options{Existing: nr.Force}
	if nr.git {
		// In a new project, git init runs while the files are written and
		// before the project appears, so that an interrupt then still
		// undoes everything.
		write.Prepare = func(ctx context.Context, dir string) error {
			git = tools.initGit(ctx, dir, nr.gitGiven, placeInGit())
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return nil
		}
	}
	res, err := writer.Apply(ctx, env.Fs, target, plan, write)
	if err != nil {
		return err
	}
	_ = out.created(res)
	if nr.git && !res.Prepared {
		git = tools.initGit(ctx, res.Dir, nr.gitGiven, placeInGit())
		if ctx.Err() != nil {
			return &afterWriteError{dir: res.Dir, err: context.Cause(ctx)}
		}
	}
	git.report(out, env.Stderr, res.Dir)
	_ = out.nextSteps(res.Dir)
	if nr.quiet {
		return nil
	}
	return out.composeHint(tools.composeProblem())
}
