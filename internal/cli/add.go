package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/internal/writer"
)

func newAddCommand(env *Env) *cobra.Command {
	return groupCommand(&cobra.Command{Use: "add", Short: "Add to a generated project"},
		newAddResourceCommand(env, nil), newAddFieldCommand(env, nil))
}

// fieldHelp documents the field syntax for add resource and new.
var fieldHelp = `Each FIELD is NAME:TYPE, then the type's argument if it has one, then
modifiers, all separated by colons:

  str[:LENGTH]       CharField, 255 characters unless LENGTH says otherwise
  text               TextField
  int, bigint        IntegerField, BigIntegerField
  decimal:D,P        DecimalField with D digits, P of them after the point
  float              FloatField
  bool               BooleanField, false unless default= says otherwise
  date, datetime     DateField, DateTimeField
  email, url, slug   EmailField, URLField, SlugField
  uuid               UUIDField
  json               JSONField
  choice:A,B,...     CharField with a TextChoices class of the values A, B, ...,
                     lowercase identifiers such as draft or in_review
  fk:RESOURCE        ForeignKey to another resource, on_delete=PROTECT
  m2m:RESOURCE       ManyToManyField to another resource

  unique             no two objects share the value
  null               optional: blank for text types, NULL for the others
  index              a database index
  default=VALUE      the default: text, a number, true or false, today (date),
                     now (datetime), uuid4 (uuid), {} or [] (json), one of
                     the values (choice); it comes last

` + defaultFieldsHelp

// defaultFieldsHelp tells the fields of a resource added without any.
const defaultFieldsHelp = `Without FIELDs the resource gets name:str:200 and description:text:null.`

// addResourceOptions are what `scaffold add resource` was asked to do.
type addResourceOptions struct {
	dir           string // --project
	name          string
	specs         []string // the FIELDs
	model         string   // --model
	owner         bool     // --owner
	dryRun, quiet bool
}

// newAddResourceCommand is `scaffold add resource`; runF, when set, takes
// the place of runAddResource, so that tests check the parsing without
// rendering.
func newAddResourceCommand(env *Env, runF func(context.Context, *addResourceOptions) error) *cobra.Command {
	o := &addResourceOptions{}
	cmd := &cobra.Command{
		Use:   "resource NAME [FIELD...]",
		Short: "Add a typed API resource to a generated project",
		Long: `Add an API resource to the project in --project DIR (default .): a Django app
NAME/ with a model of the given typed fields, its initial migration, a
serializer, a viewset with filters, search and ordering, admin, a factory and
tests, served at /api/NAME/.

The app is rendered from the same templates as the project's first resource.
Existing files change only at their scaffold: marker comments: the app goes
into INSTALLED_APPS (config/settings.py), its router into config/urls.py and
its endpoints into README.md. .scaffold.yaml records the resource, so that
scaffold update renders it again. Nothing is written if anything is wrong.

` + fieldHelp,
		Example: `  scaffold add resource authors name:str:120 email:email:unique
  scaffold add resource books title:str author:fk:authors published:date \
      price:decimal:8,2 isbn:str:13:unique tags:json
  scaffold add resource tags label:slug:unique books:m2m:books:null
  scaffold add resource posts title:str status:choice:draft,published,archived:default=draft
  scaffold add resource notes title:str body:text:null --owner
  scaffold add resource people name:str --model Person
  scaffold add resource notes --project ../myapi --dry-run`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("missing the resource NAME; run: scaffold add resource NAME FIELD... (see scaffold add resource --help)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name, o.specs = args[0], args[1:]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAddResource(cmd.Context(), env, cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "project", "p", ".", "the project `DIR`, which holds .scaffold.yaml")
	f.StringVar(&o.model, "model", "", "the model's class `NAME`; default: the English singular of the resource's name (people: Person)")
	f.BoolVar(&o.owner, "owner", false, "give each object an owner, the user who created it, who alone sees, changes and deletes it")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the files that would be written, and write nothing")
	f.BoolVar(&o.quiet, "quiet", false, "print only errors")
	return cmd
}

func runAddResource(ctx context.Context, env *Env, stdout io.Writer, o *addResourceOptions) error {
	dir, name := o.dir, o.name
	fields, err := resource.ParseFields(o.specs)
	if err != nil {
		return &usageError{Err: err}
	}
	out := newPrinter(stdout, env.Color, o.quiet)
	session, err := lockRun(env, dir, o.dryRun, out)
	if err != nil {
		return err
	}
	defer session.Release()
	proj, err := resolve(env, request{Project: dir})
	if err != nil {
		return err
	}
	if err := checkTemplateVersion(proj, "add the resource"); err != nil {
		return err
	}
	if err := checkNewResource(env.Fs, proj, name); err != nil {
		return err
	}
	if o.model != "" {
		if err := resource.ValidateModel(name, o.model); err != nil {
			return &usageError{Err: err}
		}
	}
	plan, err := planAddResource(ctx, env.Fs, proj, resource.Resource{Name: name, Fields: fields, Model: o.model, Owner: o.owner})
	if err != nil {
		return err
	}
	if o.dryRun {
		return out.dryRun(dir, plan)
	}
	res, err := applyIn(ctx, env, session, dir, plan, writer.Options{Existing: true})
	if err != nil {
		return err
	}
	out.notes(append(res.Notes, unlock(session)...))
	if err := out.done("Added resource %s at /api/%s/ to %s (%d files written).", name, name, escape.Path(dir), len(res.Written)); err != nil {
		return err
	}
	return out.printf("Next: python manage.py migrate, then pytest %s\n", name)
}

// checkTemplateVersion refuses a project whose templates are another
// version than the ones this scaffold renders: what add resource records
// must render again to the same files.
func checkTemplateVersion(p resolved, then string) error {
	recorded, current := p.Recorded.Template.Version, p.Templates.Version
	if recorded == current {
		return nil
	}
	return usagef("%s was generated from %s %s, and this scaffold has %s; run scaffold update in it first, then %s",
		p.Dir, p.Templates.Name, recorded, current, then)
}

// checkNewResource refuses a resource name the project cannot take.
func checkNewResource(fsys afero.Fs, p resolved, name string) error {
	if err := generator.ValidateResource(name); err != nil {
		return &usageError{Err: err}
	}
	for _, r := range p.Options.AllResources() {
		if r.Name == name {
			return &usageError{Err: &resource.ResourceError{Name: name, Reason: "the project has a resource of that name already; choose another name"}}
		}
	}
	if name == generator.Slug(p.Options.Name) {
		return &usageError{Err: &resource.ResourceError{Name: name, Reason: "it is the project's own name; choose another name"}}
	}
	if _, err := fsys.Stat(filepath.Join(p.Dir, name)); err == nil {
		return &usageError{Err: &resource.ResourceError{Name: name, Reason: fmt.Sprintf("%s already exists in the project; choose another name", filepath.Join(p.Dir, name))}}
	}
	twin, err := writer.CaseTwin(fsys, p.Dir, name)
	if err != nil {
		return fmt.Errorf("check %s: %w", p.Dir, err)
	}
	if twin != "" {
		return &usageError{Err: &resource.ResourceError{Name: name, Reason: fmt.Sprintf("it differs only by case from %s, which is the same name on macOS and Windows; choose another name", filepath.Join(p.Dir, twin))}}
	}
	return nil
}

// planAddResource is what adding r to the project writes: the files of the
// new app, the project's files that change, at their markers only, and the
// answers file that records r.
func planAddResource(ctx context.Context, fsys afero.Fs, p resolved, r resource.Resource) (generator.Plan, error) {
	if len(r.Fields) == 0 {
		r.Fields = resource.DefaultFields()
	}
	after := p.Options
	after.Resources = append(slices.Clone(p.Options.Resources), r)
	if err := after.Validate(); err != nil {
		return generator.Plan{}, &usageError{Err: err}
	}
	// The secrets only go to the secrets files, which are never rewritten here.
	oldPlan, err := generator.RenderContext(ctx, p.Options, p.Tree, zeros{})
	if err != nil {
		return generator.Plan{}, packMistake(err, p.Pack)
	}
	newPlan, err := generator.RenderContext(ctx, after, p.Tree, zeros{})
	if err != nil {
		return generator.Plan{}, packMistake(err, p.Pack)
	}
	files, err := update.AddResource(update.Input{Fs: fsys, Dir: p.Dir, Base: &oldPlan, Theirs: newPlan})
	if _, refused := errors.AsType[*update.RefusedError](err); refused {
		return generator.Plan{}, &usageError{Err: err}
	}
	if err != nil {
		return generator.Plan{}, err
	}
	answers, err := project.RecordResource(p.Recorded, r, newPlan)
	if err != nil {
		return generator.Plan{}, err
	}
	files = append(files, generator.File{Path: config.FileName, Mode: 0o644, Data: answers})
	slices.SortFunc(files, func(a, b generator.File) int { return strings.Compare(a.Path, b.Path) })
	return generator.Plan{Files: files}, nil
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// groupCommand makes cmd a command that only holds subcommands: given no
// subcommand, it prints its help.
func groupCommand(cmd *cobra.Command, subcommands ...*cobra.Command) *cobra.Command {
	cmd.Args = usageArgs(cobra.NoArgs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	cmd.AddCommand(subcommands...)
	return cmd
}
