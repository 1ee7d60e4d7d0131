package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/diff"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
)

func newDiffCommand(env *Env) *cobra.Command {
	var templateDir string
	cmd := &cobra.Command{
		Use:   "diff [PROJECT_DIR]",
		Short: "Show how a generated project differs from what its templates generate now",
		Long: `Render the project in PROJECT_DIR (default .) again, in memory, from the
answers and the template or template pack its .scaffold.yaml records, and
compare it with the files on disk. Nothing is written.

The output is a unified diff from the file on disk (a/) to the generated
one (b/), after a line per file: "changed: PATH" or "missing on disk: PATH"
(generating again would add it). A changed executable bit is shown too.
Only the files scaffold generates are compared, so your own files never
show up; .env holds each project's own secrets and is not compared, and
scaffold_version in .scaffold.yaml is not compared either, so a newer
scaffold that renders the same files reports no difference.

Exit status: 0 when nothing differs, 1 when something does, 2 on a usage
error such as a missing .scaffold.yaml. That makes it a golden-file check
for CI: commit a generated project and run scaffold diff on it.`,
		Example: `  # what would the current templates change in this project?
  scaffold diff

  # golden check of a template pack in CI
  scaffold diff golden/

  # compare with another version of the pack
  scaffold diff golden/ --template ../acme-pack-next`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runDiff(cmd, env, dir, templateDir)
		},
	}
	cmd.Flags().StringVar(&templateDir, "template", "", "template pack `DIR` to compare with, instead of the one .scaffold.yaml records")
	return cmd
}

func runDiff(cmd *cobra.Command, env *Env, dir, templateDir string) error {
	proj, err := loadProject(env, dir, templateDir)
	if err != nil {
		return err
	}
	opts, cfg, tmplPack, tmpl := proj.opts, proj.cfg, proj.pack, proj.tmpl
	plan, err := generator.Render(opts, tmpl, env.Rand)
	if err != nil {
		return err
	}
	if err := keepRecorded(plan, cfg, tmplPack.Dir); err != nil {
		return err
	}
	changes, err := diff.Compare(env.Fs, dir, plan)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if len(changes) == 0 {
		_, err := fmt.Fprintf(out, "%s matches what its templates generate (%d files compared)\n", dir, diff.Compared(plan))
		return err
	}
	if err := diff.Write(out, changes); err != nil {
		return err
	}
	return newDiffersError(dir, templateDir, opts.Name, changes)
}

// project is a generated project on disk: its answers, and the templates
// that render it.
type project struct {
	dir  string
	opts generator.Options
	cfg  *config.File
	pack *pack.Pack
	tmpl generator.Template
}

// loadProject reads the answers file of the project in dir and the
// templates it records, or those of the pack in templateDir.
func loadProject(env *Env, dir, templateDir string) (project, error) {
	info, err := env.Fs.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return project{}, usagef("project folder %s does not exist; pass the folder of a project scaffold generated", dir)
	case err != nil:
		return project{}, fmt.Errorf("check %s: %w", dir, err)
	case !info.IsDir():
		return project{}, usagef("%s is not a folder; pass the folder of a project scaffold generated", dir)
	}
	cfgName := filepath.Join(dir, config.FileName)
	if _, err := env.Fs.Stat(cfgName); errors.Is(err, fs.ErrNotExist) {
		return project{}, usagef("%s has no %s, so scaffold cannot tell how it was generated; pass the folder of a project scaffold generated", dir, config.FileName)
	}
	cfg, err := loadConfig(env.Fs, cfgName)
	if err != nil {
		return project{}, err
	}
	if cfg.Answers.Name == nil {
		return project{}, &config.Error{File: cfgName, Msg: "answers.name is missing; add the project's name"}
	}
	opts := generator.DefaultOptions()
	generator.Apply(&opts, cfg.Answers)
	if err := generator.ApplyResources(&opts, cfg); err != nil {
		return project{}, err
	}
	given := answered{cfg: cfg, cfgSet: cfg.Answers.Keys()}
	if err := opts.Validate(); err != nil {
		return project{}, given.locate(err)
	}
	tmplPack, err := loadPack(env.Fs, templateDir, cfg)
	if err != nil {
		return project{}, err
	}
	extra, err := gatherExtra(tmplPack, cfg, nil)
	if err != nil {
		return project{}, err
	}
	if err := extra.takeDefaults(); err != nil {
		return project{}, err
	}
	opts.Extra = extra.values
	tmpl, err := packTemplate(tmplPack, dir)
	if err != nil {
		return project{}, err
	}
	return project{dir: dir, opts: opts, cfg: cfg, pack: tmplPack, tmpl: tmpl}, nil
}

// keepRecorded puts in the rendered .scaffold.yaml what the project on
// disk records that is no change: its scaffold version, so that upgrading
// scaffold alone is none, and its template.path when that names packDir,
// the folder of the pack rendered, however differently it is written.
func keepRecorded(plan generator.Plan, cfg *config.File, packDir string) error {
	for i, f := range plan.Files {
		if f.Path != config.FileName {
			continue
		}
		rendered, err := config.Parse(f.Path, f.Data)
		if err != nil {
			return fmt.Errorf("read the rendered %s: %w", f.Path, err)
		}
		rendered.ScaffoldVersion = cfg.ScaffoldVersion
		if cfg.Template.Path != "" && packDir != "" && sameFolder(recordedPack(cfg), packDir) {
			rendered.Template.Path = cfg.Template.Path
		}
		if plan.Files[i].Data, err = config.Marshal(rendered); err != nil {
			return err
		}
	}
	return nil
}

// sameFolder reports whether two paths name the same folder.
func sameFolder(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// DiffersError reports that a project differs from what its templates
// generate; the differences themselves are printed before it.
type DiffersError struct {
	Dir              string
	Changed, Missing int
	// Regenerate is the command that takes the templates' version, or "".
	Regenerate string
}

func (e *DiffersError) Error() string {
	msg := fmt.Sprintf("%s differs from what its templates generate: %d changed, %d missing on disk", e.Dir, e.Changed, e.Missing)
	if e.Regenerate != "" {
		msg += "; to take the templates' version, run: " + e.Regenerate
	}
	return msg
}

func newDiffersError(dir, templateDir, name string, changes []diff.Change) error {
	e := &DiffersError{Dir: dir}
	for _, c := range changes {
		if c.Kind == diff.Missing {
			e.Missing++
		} else {
			e.Changed++
		}
	}
	// The command regenerates into -o PARENT/NAME, which is dir only when
	// the folder still has the project's name.
	if abs, err := filepath.Abs(dir); err == nil && filepath.Base(abs) == name {
		parts := []string{"scaffold new --config", filepath.Join(dir, config.FileName), "--no-input --force"}
		if parent := filepath.Join(dir, ".."); parent != "." {
			parts = append(parts, "-o", parent)
		}
		if templateDir != "" {
			parts = append(parts, "--template", templateDir)
		}
		e.Regenerate = strings.Join(parts, " ")
	}
	return e
}
