package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/internal/writer"
)

// addFieldOptions are what `scaffold add field` was asked to do.
type addFieldOptions struct {
	dir           string // --project
	name          string // the resource
	specs         []string
	dryRun, quiet bool
}

// newAddFieldCommand is `scaffold add field`; runF, when set, takes the
// place of runAddField, so that tests check the parsing without rendering.
func newAddFieldCommand(env *Env, runF func(context.Context, *addFieldOptions) error) *cobra.Command {
	o := &addFieldOptions{}
	cmd := &cobra.Command{
		Use:   "field RESOURCE FIELD...",
		Short: "Add typed fields to a resource of a generated project",
		Long: `Add typed fields to the resource RESOURCE of the project in --project DIR
(default .): its model, serializer, filters, admin, factory and tests take
them, and a new migration, numbered after the app's last one, adds them to
the database as makemigrations would write it.

The rows that exist already need a value: a field must be :null, or have a
:default=VALUE (bool fields default to false, m2m fields start empty), and a
unique field must be :null. A relation may point to any resource of the
project: this is how two resources reference each other, the second
reference being added later in a migration of its own.

A file you changed since scaffold wrote it takes the new lines by a merge
(git merge-file); where your changes and the new lines meet, nothing is
written and the file is named. .scaffold.yaml records the fields, so that
scaffold update renders them again. Nothing is written if anything is wrong.

` + strings.TrimSuffix(fieldHelp, "\n\n"+defaultFieldsHelp),
		Example: `  scaffold add field books isbn:str:13:null cover:url:null
  scaffold add field books in_print:bool stock:int:default=0
  # authors and books point to each other: books has author:fk:authors
  scaffold add field authors favourite:fk:books:null`,
		Args: func(_ *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return usagef("missing the RESOURCE and its new FIELDs; run: scaffold add field RESOURCE FIELD... (see scaffold add field --help)")
			case 1:
				return usagef("missing the FIELDs to add to %s; run: scaffold add field %s FIELD... (see scaffold add field --help)", escape.Line(args[0]), escape.Line(args[0]))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.name, o.specs = args[0], args[1:]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAddField(cmd.Context(), env, cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "project", "p", ".", "the project `DIR`, which holds .scaffold.yaml")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the files that would be written, and write nothing")
	f.BoolVar(&o.quiet, "quiet", false, "print only errors")
	return cmd
}

func runAddField(ctx context.Context, env *Env, stdout io.Writer, o *addFieldOptions) error {
	fields, err := resource.ParseFields(o.specs)
	if err != nil {
		return &usageError{Err: err}
	}
	out := newPrinter(stdout, env.Color, o.quiet)
	session, err := lockRun(env, o.dir, o.dryRun, out)
	if err != nil {
		return err
	}
	defer session.Release()
	proj, err := resolve(env, request{Project: o.dir})
	if err != nil {
		return err
	}
	if err := checkTemplateVersion(proj, "add the fields"); err != nil {
		return err
	}
	plan, err := planAddField(ctx, env, proj, o.name, fields)
	if err != nil {
		return err
	}
	if o.dryRun {
		return out.dryRun(o.dir, plan)
	}
	res, err := applyIn(ctx, env, session, o.dir, plan, writer.Options{Existing: true})
	if err != nil {
		return err
	}
	out.notes(append(res.Notes, unlock(session)...))
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	if err := out.done("Added %s to %s in %s (%d files written).", strings.Join(names, ", "), o.name, escape.Path(o.dir), len(res.Written)); err != nil {
		return err
	}
	return out.printf("Next: python manage.py migrate %s, then pytest %s\n", o.name, o.name)
}

// findResource returns the resource of the project named name.
func findResource(o generator.Options, name string) (resource.Resource, error) {
	all := o.AllResources()
	for _, r := range all {
		if r.Name == name {
			return r, nil
		}
	}
	names := make([]string, len(all))
	for i, r := range all {
		names[i] = r.Name
	}
	has := "it has none"
	if len(names) > 0 {
		has = "it has " + strings.Join(names, ", ")
	}
	return resource.Resource{}, &usageError{Err: &resource.ResourceError{Name: name, Reason: "the project has no resource of that name; " + has}}
}

// withResource returns o with its resource named r.Name replaced by r.
func withResource(o generator.Options, r resource.Resource) generator.Options {
	o = o.Clone()
	if o.Resource == r.Name {
		o.ResourceAdded = r.Added
		return o
	}
	for i := range o.Resources {
		if o.Resources[i].Name == r.Name {
			o.Resources[i] = r
		}
	}
	return o
}

// nextOrder is the order of a batch of fields added now: after every
// other.
func nextOrder(o generator.Options) int {
	next := 0
	for _, r := range o.AllResources() {
		for _, b := range r.Added {
			next = max(next, b.Order+1)
		}
	}
	return next
}

// planAddField is what adding fields to the resource name writes: the
// resource's files that change, its new migration, and the answers file
// that records the fields.
func planAddField(ctx context.Context, env *Env, p resolved, name string, fields []resource.Field) (generator.Plan, error) {
	r, err := findResource(p.Options, name)
	if err != nil {
		return generator.Plan{}, err
	}
	if err := resource.CheckAdded(r, fields); err != nil {
		return generator.Plan{}, &usageError{Err: err}
	}
	r.Added = append(slices.Clone(r.Added), resource.Batch{Fields: fields, Order: nextOrder(p.Options)})
	after := withResource(p.Options, r)
	if err := after.Validate(); err != nil {
		return generator.Plan{}, &usageError{Err: err}
	}
	oldPlan, err := generator.RenderContext(ctx, p.Options, p.Tree, zeros{})
	if err != nil {
		return generator.Plan{}, packMistake(err, p.Pack)
	}
	newPlan, err := generator.RenderContext(ctx, after, p.Tree, zeros{})
	if err != nil {
		return generator.Plan{}, packMistake(err, p.Pack)
	}
	migrations, err := keepMigrations(oldPlan, newPlan)
	if err != nil {
		return generator.Plan{}, err
	}
	in := update.Input{
		Fs: env.Fs, Dir: p.Dir, Base: &oldPlan, Theirs: newPlan,
		Labels: update.Labels{Ours: p.Options.Name + " (yours)", Base: "as scaffold wrote it", Theirs: "scaffold add field"},
		Merger: mergerOf(env),
	}
	files, err := update.AddFields(ctx, in, migrations)
	if err != nil {
		return generator.Plan{}, refusedUsage(err)
	}
	answers, err := project.RecordResources(p.Recorded, after, newPlan)
	if err != nil {
		return generator.Plan{}, err
	}
	files = append(files, generator.File{Path: config.FileName, Mode: 0o644, Data: answers})
	slices.SortFunc(files, func(a, b generator.File) int { return strings.Compare(a.Path, b.Path) })
	return generator.Plan{Files: files}, nil
}

// keepMigrations refuses new fields that would change a migration the
// project has already, which its database may have applied: a relation's
// way back that another name would take, say. It returns the folder of
// the new migration.
func keepMigrations(before, after generator.Plan) (string, error) {
	folder := ""
	for _, f := range after.Files {
		old, ok := before.Lookup(f.Path)
		isMigration := path.Base(path.Dir(f.Path)) == "migrations"
		switch {
		case !isMigration:
		case !ok:
			folder = path.Dir(f.Path)
		case !bytes.Equal(old.Data, f.Data):
			return "", usagef("the new fields would change %s, a migration the database may have applied already; choose other field names", f.Path)
		}
	}
	return folder, nil
}

// refusedUsage turns a planner's refusal into a usage error.
func refusedUsage(err error) error {
	if _, refused := errors.AsType[*update.RefusedError](err); refused {
		return &usageError{Err: err}
	}
	return err
}

// mergerOf merges with the machine's git, if it has one: only a file the
// user changed needs it.
func mergerOf(env *Env) update.GitMerger {
	if env.LookPath == nil {
		return update.GitMerger{}
	}
	return update.GitMerger{Git: gitOf(env)}
}
