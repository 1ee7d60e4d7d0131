package cli

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
)

// newFlags are the flags of `scaffold new` that are not answers.
type newFlags struct {
	output   string
	yes      bool
	noInput  bool
	config   string
	template string
	sets     []string
	force    bool
	dryRun   bool
	quiet    bool
	git      bool
}

// answerFlags binds one flag to each answer; only the flags the user set
// override what came before them.
type answerFlags struct {
	python, django, database, auth, resource, server, ci string
	noResource, apiDocs, celery, cors                    bool
}

// flagAnswers maps answer keys (as in .scaffold.yaml) to their flag names.
var flagAnswers = map[string]string{
	"python": "python", "django": "django", "database": "database", "auth": "auth",
	"resource": "resource", "api_docs": "api-docs", "celery": "celery", "cors": "cors",
	"server": "server", "ci": "ci",
}

func newNewCommand(env *Env) *cobra.Command {
	var (
		nf newFlags
		af answerFlags
	)
	cmd := &cobra.Command{
		Use:   "new [NAME]",
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
dashes turned into underscores, so my-api is fine.`,
		Example: `  # ask the questions in a terminal
  scaffold new myapi

  # take the defaults: Python 3.13, Django 5.2, PostgreSQL, token auth
  scaffold new myapi --yes

  # choose options with flags
  scaffold new shop-api --yes --database mysql --auth jwt --resource products --celery

  # see what would be written
  scaffold new myapi --yes --dry-run

  # generate a project again from its answers file
  scaffold new --config myapi/.scaffold.yaml --no-input -o regenerated

  # use a template pack and answer one of its questions
  scaffold new myapi --template ../acme-pack --set team=payments`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNew(cmd, env, nf, af, args)
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringVarP(&nf.output, "output", "o", ".", "parent `DIR`; the project goes to DIR/NAME")
	f.BoolVarP(&nf.yes, "yes", "y", false, "take the default for every question no flag answered; never prompt")
	f.BoolVar(&nf.noInput, "no-input", false, "never prompt; a missing required answer is an error")
	f.StringVarP(&nf.config, "config", "c", "", "answers `FILE` in the .scaffold.yaml format")
	f.StringVar(&af.python, "python", generator.PythonChoice.Default, "Python version: "+choices(generator.PythonChoice))
	f.StringVar(&af.django, "django", generator.DjangoChoice.Default, "Django version: "+choices(generator.DjangoChoice)+"; 6.1 needs Python 3.12 or newer")
	f.StringVar(&af.database, "database", generator.DatabaseChoice.Default, "database: "+choices(generator.DatabaseChoice))
	f.StringVar(&af.auth, "auth", generator.AuthChoice.Default, "API authentication: "+choices(generator.AuthChoice))
	f.StringVar(&af.resource, "resource", generator.DefaultResource, "example API resource `NAME`, served at /api/NAME/")
	f.BoolVar(&af.noResource, "no-resource", false, "generate no example resource")
	f.BoolVar(&af.apiDocs, "api-docs", true, "OpenAPI schema and Swagger UI; --api-docs=false turns them off")
	f.BoolVar(&af.celery, "celery", false, "Celery worker with a Redis broker")
	f.BoolVar(&af.cors, "cors", false, "CORS headers with django-cors-headers")
	f.StringVar(&af.server, "server", generator.ServerChoice.Default, "application server: "+choices(generator.ServerChoice))
	f.StringVar(&af.ci, "ci", generator.CIChoice.Default, "CI pipeline: "+choices(generator.CIChoice))
	f.StringVar(&nf.template, "template", "", "template pack `DIR` to render over the builtin templates")
	f.StringArrayVar(&nf.sets, "set", nil, "answer a template pack question, as `KEY=VALUE`; repeatable")
	f.BoolVar(&nf.force, "force", false, "write into an existing folder, overwriting generated files and deleting nothing")
	f.BoolVar(&nf.dryRun, "dry-run", false, "print the files that would be written, and write nothing")
	f.BoolVar(&nf.quiet, "quiet", false, "print only errors")
	f.BoolVar(&nf.git, "git", true, "run git init in the new project, without a commit, when git is installed; --git=false turns it off")
	for _, c := range generator.Choices {
		_ = cmd.RegisterFlagCompletionFunc(c.Option, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return c.Values, cobra.ShellCompDirectiveNoFileComp
		})
	}
	return cmd
}

func choices(c generator.Choice) string { return strings.Join(c.Values, "|") }

// answered records which answers the user gave, and where, so that prompts
// skip them and errors can point at the answers file.
type answered struct {
	keys   map[string]bool
	cfg    *config.File
	cfgSet map[string]bool
}

func runNew(cmd *cobra.Command, env *Env, nf newFlags, af answerFlags, args []string) error {
	if nf.yes && nf.noInput {
		return usagef("--yes and --no-input cannot be used together; --yes takes the defaults, --no-input refuses to guess")
	}
	if af.noResource && cmd.Flags().Changed("resource") {
		return usagef("--resource and --no-resource cannot be used together; keep one")
	}
	opts, given, err := gatherOptions(env.Fs, cmd.Flags(), nf, af, args)
	if err != nil {
		return err
	}
	tmplPack, err := loadPack(env.Fs, nf.template, given.cfg)
	if err != nil {
		return err
	}
	extra, err := gatherExtra(tmplPack, given.cfg, nf.sets)
	if err != nil {
		return err
	}
	out := newPrinter(cmd.OutOrStdout(), env.Color, nf.quiet)
	prompting := env.Interactive && !nf.yes && !nf.noInput && env.Prompter != nil
	if prompting {
		if err := interview(env, out, nf, &opts, given, extra); err != nil {
			return err
		}
	} else if err := extra.takeDefaults(); err != nil {
		return err
	}
	opts.Extra = extra.values
	if opts.Name == "" {
		return usagef("missing the project NAME; run: scaffold new NAME (see scaffold new --help)")
	}
	if err := opts.Validate(); err != nil {
		return given.locate(err)
	}
	target := filepath.Join(nf.output, opts.Name)
	// Write checks it too, but a dry run must refuse what the run would.
	if err := generator.CheckTarget(env.Fs, target, nf.force); err != nil {
		return err
	}
	tmpl, err := packTemplate(tmplPack, target)
	if err != nil {
		return err
	}
	opts.Owner = env.Owner
	plan, err := generator.Render(opts, tmpl, env.Rand)
	if err != nil {
		return err
	}
	if nf.dryRun {
		return out.dryRun(target, plan)
	}
	// Cancelling stops the programs still running when the run ends early.
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	if err := ctx.Err(); err != nil {
		return err
	}
	tools := newTools(env)
	compose := make(chan check, 1)
	if !nf.quiet {
		// Looking for Compose takes longer than writing the project, so it
		// runs meanwhile.
		go func() { compose <- tools.composeProblem(ctx) }()
	}
	res, err := generator.Write(env.Fs, target, plan, nf.force)
	if err != nil {
		return err
	}
	if err := out.created(res); err != nil {
		return err
	}
	if nf.git {
		tools.initGit(ctx, out, cmd.ErrOrStderr(), res.Dir, cmd.Flags().Changed("git"))
	}
	if err := out.nextSteps(res.Dir); err != nil {
		return err
	}
	if nf.quiet {
		return nil
	}
	return out.composeHint(<-compose)
}

// interview asks what flags and the answers file left unanswered, then shows
// every answer and asks to go ahead. The answers given before it are checked
// first, so that a mistake in them is not reported after all the questions.
func interview(env *Env, out printer, nf newFlags, opts *generator.Options, given answered, extra extraAnswers) error {
	probe := *opts
	if probe.Name == "" {
		probe.Name = "x"
	}
	if err := probe.Validate(); err != nil {
		return given.locate(err)
	}
	if opts.Name != "" {
		if err := generator.CheckTarget(env.Fs, filepath.Join(nf.output, opts.Name), nf.force); err != nil {
			return err
		}
	}
	nameOK := func(name string) error {
		if err := generator.ValidateName(name); err != nil {
			return err
		}
		target := filepath.Join(nf.output, name)
		err := generator.CheckTarget(env.Fs, target, nf.force)
		if errors.Is(err, generator.ErrTargetNotEmpty) {
			return &folderTakenError{dir: target}
		}
		return err
	}
	asked, err := askMissing(env.Prompter, opts, given, nameOK)
	if err != nil {
		return err
	}
	askedPack, err := askPackQuestions(env.Prompter, extra)
	if err != nil {
		return err
	}
	if !asked && !askedPack || nf.dryRun {
		return nil
	}
	summary := out
	summary.quiet = false
	return confirmAnswers(env.Prompter, summary, *opts, extra, filepath.Join(nf.output, opts.Name))
}

// gatherOptions merges defaults < --config < flags < the NAME argument.
func gatherOptions(fsys afero.Fs, flags *pflag.FlagSet, nf newFlags, af answerFlags, args []string) (generator.Options, answered, error) {
	opts := generator.DefaultOptions()
	given := answered{keys: map[string]bool{}, cfgSet: map[string]bool{}}
	if nf.config != "" {
		cfg, err := loadConfig(fsys, nf.config)
		if err != nil {
			return opts, given, err
		}
		generator.Apply(&opts, cfg.Answers)
		given.cfg = cfg
		for key := range cfg.Answers.Keys() {
			given.keys[key] = true
			given.cfgSet[key] = true
		}
	}
	set := func(key string, apply func()) {
		if flags.Changed(flagAnswers[key]) {
			apply()
			given.keys[key] = true
			delete(given.cfgSet, key)
		}
	}
	set("python", func() { opts.Python = af.python })
	set("django", func() { opts.Django = af.django })
	set("database", func() { opts.Database = af.database })
	set("auth", func() { opts.Auth = af.auth })
	set("resource", func() { opts.Resource = af.resource })
	if af.noResource {
		opts.Resource = ""
		given.keys["resource"] = true
		delete(given.cfgSet, "resource")
	}
	set("api_docs", func() { opts.APIDocs = af.apiDocs })
	set("celery", func() { opts.Celery = af.celery })
	set("cors", func() { opts.CORS = af.cors })
	set("server", func() { opts.Server = af.server })
	set("ci", func() { opts.CI = af.ci })
	if len(args) == 1 {
		opts.Name = args[0]
		given.keys["name"] = true
		delete(given.cfgSet, "name")
	}
	return opts, given, nil
}

func loadConfig(fsys afero.Fs, name string) (*config.File, error) {
	if info, err := fsys.Stat(name); err == nil && info.IsDir() {
		return nil, usagef("answers file %s is a folder; pass the %s file, such as %s", name, config.FileName, filepath.Join(name, config.FileName))
	}
	data, err := afero.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usagef("answers file %s does not exist; check the --config path", name)
	}
	if err != nil {
		return nil, &UsageError{Err: &generator.FileError{Action: "read answers file", Path: name, Err: err}}
	}
	return config.Parse(name, data)
}

// locate points an invalid answer that came from the answers file at its line.
func (a answered) locate(err error) error {
	var oe *generator.OptionError
	if a.cfg == nil || !errors.As(err, &oe) {
		return err
	}
	if !a.cfgSet[oe.Key] {
		return err
	}
	return &config.Error{File: a.cfg.Source, Line: a.cfg.Line("answers." + oe.Key), Msg: err.Error()}
}

// folderTakenError refuses a typed name whose folder already holds files.
// Unlike the error of a run, it does not suggest --force, which is no help
// halfway through the questions.
type folderTakenError struct{ dir string }

func (e *folderTakenError) Error() string {
	return e.dir + " already holds files; choose another name"
}

func (e *folderTakenError) Unwrap() error { return generator.ErrTargetNotEmpty }
