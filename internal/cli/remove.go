package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
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

func newRemoveCommand(env *Env) *cobra.Command {
	return groupCommand(&cobra.Command{Use: "remove", Short: "Remove from a generated project"},
		newRemoveResourceCommand(env, nil))
}

// removeResourceOptions are what `scaffold remove resource` was asked to do.
type removeResourceOptions struct {
	dir                  string // --project
	names                []string
	force, dryRun, quiet bool
}

// newRemoveResourceCommand is `scaffold remove resource`; runF, when set,
// takes the place of runRemoveResource, so that tests check the parsing
// without rendering.
func newRemoveResourceCommand(env *Env, runF func(context.Context, *removeResourceOptions) error) *cobra.Command {
	o := &removeResourceOptions{}
	cmd := &cobra.Command{
		Use:   "resource NAME...",
		Short: "Remove an API resource from a generated project",
		Long: `Remove the API resource NAME from the project in --project DIR (default .),
the inverse of scaffold add resource: the files of its app NAME/ that you did
not change are removed, and its lines at the scaffold: markers of
config/settings.py, config/urls.py and README.md go too. .scaffold.yaml no
longer records it, and the name can be added again. Two resources that point
to each other are removed together: scaffold remove resource authors books.

Files of the app that you changed stay, and are listed; --force removes them
too. A resource that another one points to, by fk or m2m, is refused: remove
that one, or that field, first. Nothing is written if anything is wrong.

The database keeps the resource's tables. To drop them, run this first,
while the app is still installed:

  docker compose exec web python manage.py migrate NAME zero`,
		Example: `  scaffold remove resource tags --dry-run
  docker compose exec web python manage.py migrate tags zero
  scaffold remove resource tags`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("missing the resource NAME; run: scaffold remove resource NAME (see scaffold remove resource --help)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.names = args
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRemoveResource(cmd.Context(), env, cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.dir, "project", "p", ".", "the project `DIR`, which holds .scaffold.yaml")
	f.BoolVar(&o.force, "force", false, "remove the resource's files that you changed too")
	f.BoolVar(&o.dryRun, "dry-run", false, "print what would be removed and written, and write nothing")
	f.BoolVar(&o.quiet, "quiet", false, "print only errors")
	return cmd
}

func runRemoveResource(ctx context.Context, env *Env, stdout io.Writer, o *removeResourceOptions) error {
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
	if err := checkTemplateVersion(proj, "remove the resource"); err != nil {
		return err
	}
	plan, kept, err := planRemoveResource(ctx, env, proj, o.names, o.force)
	if err != nil {
		return err
	}
	if o.dryRun {
		return out.dryRunRemove(o, plan, kept)
	}
	res, err := applyIn(ctx, env, session, o.dir, plan, writer.Options{Existing: true})
	if err != nil {
		return err
	}
	out.notes(append(res.Notes, unlock(session)...))
	if err := out.done("Removed %s from %s (%d files removed, %d written).", resourceList(o.names), escape.Path(o.dir), len(res.Removed), len(res.Written)); err != nil {
		return err
	}
	if err := out.keptFiles(o.dir, kept); err != nil {
		return err
	}
	return out.printf("The database keeps the tables of %s; to drop them, bring the app back (git restore), run\n%s\nthen remove it again.\n", strings.Join(o.names, ", "), migrateZero(o.names))
}

// planRemoveResource is what removing the resource name does: the files
// to remove, the files that change at their markers, the answers file
// without the resource, and the files of the app that the user changed,
// which stay unless force.
func planRemoveResource(ctx context.Context, env *Env, p resolved, names []string, force bool) (generator.Plan, []string, error) {
	after := p.Options
	for _, name := range names {
		if _, err := findResource(after, name); err != nil {
			return generator.Plan{}, nil, err
		}
		after = withoutResource(after, name)
	}
	if err := checkUnreferenced(after, names); err != nil {
		return generator.Plan{}, nil, err
	}
	if err := after.Validate(); err != nil {
		return generator.Plan{}, nil, &usageError{Err: err}
	}
	withPlan, err := generator.RenderContext(ctx, p.Options, p.Tree, zeros{})
	if err != nil {
		return generator.Plan{}, nil, packMistake(err, p.Pack)
	}
	withoutPlan, err := generator.RenderContext(ctx, after, p.Tree, zeros{})
	if err != nil {
		return generator.Plan{}, nil, packMistake(err, p.Pack)
	}
	in := update.Input{
		Fs: env.Fs, Dir: p.Dir, Base: &withPlan, Theirs: withoutPlan,
		Labels: update.Labels{Ours: p.Options.Name + " (yours)", Base: "as scaffold wrote it", Theirs: "scaffold remove resource"},
		Merger: mergerOf(env),
	}
	r, err := update.RemoveResource(ctx, in, force)
	if err != nil {
		return generator.Plan{}, nil, refusedUsage(err)
	}
	answers, err := project.RecordResources(p.Recorded, after, withoutPlan)
	if err != nil {
		return generator.Plan{}, nil, err
	}
	files := append(r.Files, generator.File{Path: config.FileName, Mode: 0o644, Data: answers})
	slices.SortFunc(files, func(a, b generator.File) int { return strings.Compare(a.Path, b.Path) })
	return generator.Plan{Files: files, Remove: r.Remove}, r.Kept, nil
}

// checkUnreferenced refuses to remove resources that one left, in o,
// points to.
func checkUnreferenced(o generator.Options, names []string) error {
	for _, r := range o.AllResources() {
		for _, f := range r.AllFields() {
			if f.IsRelation() && slices.Contains(names, f.Target) {
				return &usageError{Err: &resource.ResourceError{Name: f.Target, Reason: fmt.Sprintf(
					"%s.%s points to it (%s); remove the resource %s first, or with it: scaffold remove resource %s %s", r.Name, f.Name, f.String(), r.Name, strings.Join(names, " "), r.Name)}}
			}
		}
	}
	return nil
}

// resourceList names removed resources in a report.
func resourceList(names []string) string {
	if len(names) == 1 {
		return "resource " + names[0]
	}
	return "resources " + strings.Join(names, ", ")
}

// migrateZero is the command that drops the tables of the resources.
func migrateZero(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString("  docker compose exec web python manage.py migrate " + n + " zero\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// withoutResource returns o without the resource name.
func withoutResource(o generator.Options, name string) generator.Options {
	o = o.Clone()
	if o.Resource == name {
		o.Resource, o.ResourceFields, o.ResourceAdded = "", nil, nil
		return o
	}
	o.Resources = slices.DeleteFunc(o.Resources, func(r resource.Resource) bool { return r.Name == name })
	return o
}

// keptFiles lists the resource's files that stay, because the user
// changed them.
func (p printer) keptFiles(dir string, kept []string) error {
	for _, k := range kept {
		if err := p.printf("  kept %s: you changed it; remove it yourself, or run again with --force\n", escape.Path(filepath.ToSlash(filepath.Join(dir, k)))); err != nil {
			return err
		}
	}
	return nil
}

// dryRunRemove prints what removing a resource would do.
func (p printer) dryRunRemove(o *removeResourceOptions, plan generator.Plan, kept []string) error {
	if err := p.printf("Would remove %d files from %s and write %d:\n", len(plan.Remove), escape.Path(o.dir), len(plan.Files)); err != nil {
		return err
	}
	for _, r := range plan.Remove {
		if err := p.printf("  remove %s\n", escape.Path(filepath.ToSlash(filepath.Join(o.dir, r)))); err != nil {
			return err
		}
	}
	for _, f := range plan.Files {
		if err := p.printf("  write  %s\n", escape.Path(filepath.ToSlash(filepath.Join(o.dir, f.Path)))); err != nil {
			return err
		}
	}
	if err := p.keptFiles(o.dir, kept); err != nil {
		return err
	}
	return p.printf("The database keeps the tables of %s; to drop them, run first\n%s\nNothing was written (--dry-run).\n", strings.Join(o.names, ", "), migrateZero(o.names))
}
