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

// newOptions are what `scaffold new` was asked to do.
type newOptions struct {
	request
	yes, noInput  bool
	dryRun, quiet bool
	// discardChanges lets --force overwrite the files the user changed
	// without asking.
	discardChanges bool
	// git runs git init; gitGiven says --git was given, not defaulted.
	git, gitGiven bool
}

const newLong = `Generate a new Django REST Framework project that runs under Docker.

Answers come from, in rising order of precedence: the defaults, --config,
flags, and the questions asked in a terminal. Without a terminal, or with
--yes or --no-input, scaffold never asks.

--pack DIR renders a template pack over the builtin templates (--template
DIR, its older name, still works). Its own questions are answered the same
way, with --set KEY=VALUE as their flags and the answers file's extra:
section; --no-input refuses to guess an answer that has no default.

--template-version VERSION makes the project with an earlier release of
the builtin templates, byte for byte as that release wrote it (scaffold
templates list shows them); the template.version of a --config file does
the same. scaffold update then brings the project forward.

--force writes into a folder that holds files already, such as the
project itself, and deletes nothing. Files you changed there (files: in
its .scaffold.yaml tells) are overwritten only when you confirm it in a
terminal, or with --discard-changes; scaffold update keeps them instead.

NAME is the project folder. Python code uses its slug: lowercase, with
dashes turned into underscores, so my-api is fine.

FIELDs type the example resource (--resource) as scaffold add resource
does; see scaffold add resource --help.`

const newExample = `  # ask the questions in a terminal
  scaffold new myapi

  # take the defaults: Python 3.13, Django 5.2, PostgreSQL, token auth
  scaffold new myapi --yes

  # choose options with flags
  scaffold new shop-api --yes --database mysql --auth jwt --resource products --celery

  # a typed example resource
  scaffold new shop-api --yes --resource books title:str price:decimal:8,2 published:date

  # see what would be written
  scaffold new myapi --yes --dry-run

  # generate a project again from its answers file, at the template
  # version it records
  scaffold new --config myapi/.scaffold.yaml --no-input -o regenerated

  # make a project with an earlier release of the templates
  scaffold new myapi --yes --template-version 1.0.0

  # use a template pack and answer one of its questions
  scaffold new myapi --pack ../acme-pack --set team=payments`

// newNewCommand is `scaffold new`. It parses the command line into
// newOptions and hands them to runF, or to runNew when runF is nil, so
// that tests check the parsing without rendering.
func newNewCommand(env *Env, runF func(context.Context, *newOptions) error) *cobra.Command {
	o := &newOptions{}
	af := answerFlags{}
	cmd := &cobra.Command{
		Use:     "new [NAME] [FIELD...]",
		Short:   "Generate a new Django REST Framework project in ./NAME",
		Long:    newLong,
		Example: newExample,
		Args:    usageArgs(cobra.ArbitraryArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.parse(cmd, af, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runNew(cmd.Context(), env, o)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVarP(&o.Parent, "output", "o", ".", "parent `DIR`; the project goes to DIR/NAME")
	f.BoolVarP(&o.yes, "yes", "y", false, "take the default for every question no flag answered; never prompt")
	f.BoolVar(&o.noInput, "no-input", false, "never prompt; a missing required answer is an error")
	f.StringVarP(&o.AnswersFile, "config", "c", "", "answers `FILE` in the .scaffold.yaml format")
	af.define(cmd)
	definePack(cmd, &o.PackDir, "template pack `DIR` to render over the builtin templates")
	f.StringVar(&o.Release, "template-version", "", "make the project with this release of the builtin templates, `VERSION`, as it was released (scaffold templates list); default: the current one")
	f.StringVar(&o.Model, "model", "", "the example resource's model class `NAME`; default: the English singular of the resource's name")
	f.StringArrayVar(&o.Sets, "set", nil, "answer a question by its key, as `KEY=VALUE`: a template pack's, or a builtin one such as celery=true; repeatable")
	f.BoolVar(&o.Force, "force", false, "write into an existing folder, overwriting generated files and deleting nothing; files you changed are overwritten only when you confirm")
	f.BoolVar(&o.discardChanges, "discard-changes", false, "with --force, overwrite the files you changed without asking; needed to overwrite them without a terminal")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the files that would be written, and write nothing")
	f.BoolVar(&o.quiet, "quiet", false, "print only errors")
	f.BoolVar(&o.git, "git", true, "run git init in the new project, without a commit, when git is installed; --git=false turns it off")
	completeReleases(cmd, "template-version")
	markExclusive(cmd, "--yes takes the defaults, --no-input refuses to guess", "yes", "no-input")
	return cmd
}

// parse takes what the flags do not: the answers of the flags that were
// given, the NAME and the FIELDs.
func (o *newOptions) parse(cmd *cobra.Command, af answerFlags, args []string) error {
	o.Answers = af.given(cmd.Flags())
	var names []string
	for _, a := range args {
		// A project name never holds a colon; a field always does.
		if strings.Contains(a, ":") {
			o.Fields = append(o.Fields, a)
		} else {
			names = append(names, a)
		}
	}
	if len(names) > 1 {
		return usagef("more than one project NAME: %s; fields are written NAME:TYPE, such as title:str", strings.Join(names, ", "))
	}
	if len(names) == 1 {
		o.Answers["name"] = names[0]
	}
	o.gitGiven = cmd.Flags().Changed("git")
	o.ReleaseFlag = "--template-version"
	return nil
}

// answerFlags hold the flags that answer builtin questions: a *string or a
// *bool for each flag, by name.
type answerFlags map[string]any

// define adds a flag for each builtin question that has one, in the order
// the questions are asked, with the question's default.
func (af answerFlags) define(cmd *cobra.Command) { af.defineFlags(cmd, true) }

// defineChanges is define for a command that changes the answers of a
// project: a flag left unset keeps the recorded answer, so no flag shows
// a new project's default.
func (af answerFlags) defineChanges(cmd *cobra.Command) { af.defineFlags(cmd, false) }

func (af answerFlags) defineFlags(cmd *cobra.Command, defaults bool) {
	f := cmd.Flags()
	keeps := ""
	if !defaults {
		keeps = "; unset, the recorded answer stays"
	}
	for _, q := range generator.Questions() {
		def := q.Default
		if !defaults {
			def = nil
		}
		switch {
		case q.Flag == "":
			continue
		case q.Kind == generator.KindBool:
			def, _ := def.(bool)
			af[q.Flag] = f.Bool(q.Flag, def, q.Usage+keeps)
		default:
			def, _ := def.(string)
			af[q.Flag] = f.String(q.Flag, def, q.Usage+keeps)
		}
		if q.NoFlag != "" {
			af[q.NoFlag] = f.Bool(q.NoFlag, false, q.NoUsage)
			markExclusive(cmd, "keep one", q.Flag, q.NoFlag)
		}
		if q.Kind == generator.KindChoice {
			_ = cmd.RegisterFlagCompletionFunc(q.Flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return q.Values, cobra.ShellCompDirectiveNoFileComp
			})
		}
	}
}

// given returns the answers of the flags the user set, by question key.
// A flag and its opposite, such as --resource and --no-resource, exclude
// each other (define marks them).
func (af answerFlags) given(flags *pflag.FlagSet) map[string]any {
	out := map[string]any{}
	for _, q := range generator.Questions() {
		if q.Flag != "" && flags.Changed(q.Flag) {
			switch v := af[q.Flag].(type) {
			case *bool:
				out[q.Key] = *v
			case *string:
				out[q.Key] = *v
			}
		}
		if q.NoFlag != "" && *af[q.NoFlag].(*bool) {
			out[q.Key] = ""
		}
	}
	return out
}

func runNew(ctx context.Context, env *Env, o *newOptions) error {
	o.Ask = env.Interactive && !o.yes && !o.noInput
	o.Confirm = !o.dryRun
	answersKept := keepAnswers(env, o.AnswersFile, o.Force && !o.dryRun)
	r, err := resolve(env, o.request)
	if err != nil {
		return err
	}
	out := newPrinter(env.Stdout, env.Color, o.quiet)
	var session *writer.Session
	if o.Force && !o.dryRun {
		// Before the project's secrets and files are read for the plan.
		if session, err = lockProject(env, r.Dir, out); err != nil {
			return err
		}
		defer session.Release()
		if err := answersKept(); err != nil {
			return err
		}
	}
	// Cancelling stops the programs still running when the run ends early.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	tools := newTools(env)
	placeInGit := func() gitPlace { return outsideRepo }
	if o.git && !o.dryRun {
		// git answers while the project is rendered and written; a run
		// that ends early still waits for it.
		placeInGit = tools.findGitPlace(ctx, env.Fs, r.Dir)
		defer placeInGit()
	}
	plan, err := renderNew(ctx, env, o, r)
	if err != nil {
		return err
	}
	if o.dryRun {
		return out.dryRun(r.Dir, plan)
	}
	if err := confirmOverwrite(env, o, r.Dir, plan); err != nil {
		return err
	}
	res, git, err := writeNew(ctx, env, o, tools, placeInGit, session, r.Dir, plan)
	if err != nil {
		return err
	}
	git.report(out, env.Stderr, res.Dir)
	_ = out.nextSteps(res.Dir)
	if o.quiet {
		return nil
	}
	return out.composeHint(tools.composeProblem())
}

// renderNew renders the project, recording the pack's commit, which lets a
// later update rebuild this render.
func renderNew(ctx context.Context, env *Env, o *newOptions, r resolved) (generator.Plan, error) {
	commit, _, err := recordPack(ctx, gitOf(env), r)
	if err != nil {
		return generator.Plan{}, err
	}
	var plan generator.Plan
	if o.Force {
		// The secrets files on disk are kept: one that is written beside
		// them, such as a new .env.db, must hold the same secrets.
		plan, err = project.RenderOver(ctx, env.Fs, r.Dir, r.spec(version.String(), commit), env.Rand)
	} else {
		plan, err = project.Render(ctx, r.spec(version.String(), commit), env.Rand)
	}
	return plan, packMistake(err, r.Pack)
}

// writeNew writes the project and runs git init in it. In a new project,
// git init runs while the files are written and before the project
// appears, so that an interrupt then still undoes everything.
func writeNew(ctx context.Context, env *Env, o *newOptions, tools tools, placeInGit func() gitPlace, session *writer.Session, target string, plan generator.Plan) (writer.Result, gitInit, error) {
	var git gitInit
	write := writer.Options{Existing: o.Force}
	if o.git {
		write.Prepare = func(ctx context.Context, dir string) error {
			git = tools.initGit(ctx, dir, o.gitGiven, placeInGit())
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return nil
		}
	}
	res, err := applyIn(ctx, env, session, target, plan, write)
	if err != nil {
		return res, git, err
	}
	res.Notes = append(res.Notes, unlock(session)...)
	_ = newPrinter(env.Stdout, env.Color, o.quiet).created(res)
	if o.git && !res.Prepared {
		git = tools.initGit(ctx, res.Dir, o.gitGiven, placeInGit())
		if ctx.Err() != nil {
			return res, git, &afterWriteError{dir: res.Dir, err: context.Cause(ctx)}
		}
	}
	return res, git, nil
}
