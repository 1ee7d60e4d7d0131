// Package project is the one road from resolved answers to a project's
// files: render the templates, reuse the secrets the project already has,
// and record the answers file. `new`, `diff`, `update`, `add resource` and
// the golden files all take it, so that they agree on what a project is.
package project

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"slices"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// Spec is what a project is rendered from, and what its answers file
// records besides the answers.
type Spec struct {
	Options generator.Options
	Tree    generator.Tree
	// Templates is what the answers file records of the templates: their
	// name and version, and a pack's path, builtin version and last commit
	// (when it is in git, so that a later update can rebuild this render).
	Templates config.Template
	// ScaffoldVersion is the scaffold that renders it, for the answers file.
	ScaffoldVersion string
}

// Render renders a project and adds its answers file, which records the
// answers, the templates and the hash of every file. It stops waiting for
// the templates once ctx is done. Its secrets come from Options.Secrets
// where set, else from rnd.
func Render(ctx context.Context, s Spec, rnd io.Reader) (generator.Plan, error) {
	plan, err := generator.RenderContext(ctx, s.Options, s.Tree, rnd)
	if err != nil {
		return plan, err
	}
	return plan, config.Record(s.Options, s.Templates, s.ScaffoldVersion).AddTo(&plan)
}

// RenderOver renders a project as Render does, for the folder dir, which
// may hold the project already: its secrets files are kept, so a secrets
// file written beside them, such as a new .env.db, gets the same secrets.
func RenderOver(ctx context.Context, fsys afero.Fs, dir string, s Spec, rnd io.Reader) (generator.Plan, error) {
	plans, err := ReuseSecrets(fsys, dir, func(own generator.Secrets) ([]generator.Plan, error) {
		s.Options.Secrets = own
		plan, err := Render(ctx, s, rnd)
		return []generator.Plan{plan}, err
	})
	if err != nil {
		return generator.Plan{}, err
	}
	return plans[0], nil
}

// ReuseSecrets calls render with no secrets, then, when the project in dir
// already holds some that its renders show where to find (secretsOnDisk), once
// more with them. It returns the last renders.
func ReuseSecrets(fsys afero.Fs, dir string, render func(generator.Secrets) ([]generator.Plan, error)) ([]generator.Plan, error) {
	plans, err := render(generator.Secrets{})
	if err != nil {
		return nil, err
	}
	own, err := secretsOnDisk(fsys, dir, plans...)
	if err != nil || own.IsZero() {
		return plans, err
	}
	return render(own)
}

// maxSecretsFile is the most Secrets reads of a secrets file.
const maxSecretsFile = 1 << 20

// secretsOnDisk returns the secrets that the project in dir holds in the secrets
// files that the plans render (generator.FindSecrets says how). Secrets
// files that do not exist, or are not regular files, hold nothing.
func secretsOnDisk(fsys afero.Fs, dir string, plans ...generator.Plan) (generator.Secrets, error) {
	disk := map[string][]byte{}
	proj := userfile.Project{Fs: fsys, Dir: dir}
	for _, p := range plans {
		for _, f := range p.Files {
			if _, read := disk[f.Path]; !f.Keep || read {
				continue
			}
			data, err := proj.Read(f.Path, maxSecretsFile)
			var refused *userfile.Error
			switch {
			case errors.Is(err, fs.ErrNotExist), errors.As(err, &refused):
				continue
			case err != nil:
				return generator.Secrets{}, &userfile.FileError{Action: "read", Path: proj.Path(f.Path), Err: err}
			}
			disk[f.Path] = data
		}
	}
	return generator.FindSecrets(disk, plans...), nil
}

// RecordResource is the project's answers file with r added to its
// resources, and the hashes of the files of the project's new render: what
// the templates generate, not what the markers made of the user's files,
// so that an update still tells the user's changes from the templates'.
// Everything else stays as recorded.
func RecordResource(cfg *config.File, r resource.Resource, rendered generator.Plan) ([]byte, error) {
	f := *cfg
	f.Resources = append(slices.Clone(cfg.Resources), config.RecordOf(r))
	f.Files = config.Hashes(rendered)
	return config.Marshal(&f)
}

// RecordResources is the project's answers file with its resources as o
// has them, after a field was added or a resource removed, and the hashes
// of the files of the project's new render. Everything else stays as
// recorded.
func RecordResources(cfg *config.File, o generator.Options, rendered generator.Plan) ([]byte, error) {
	f := *cfg
	rec := config.Record(o, cfg.Template, cfg.ScaffoldVersion)
	f.ResourceFields, f.Resources, f.Added = rec.ResourceFields, rec.Resources, rec.Added
	f.Answers = slices.Clone(cfg.Answers)
	for i, a := range f.Answers {
		if a.Key == resourceKey {
			f.Answers[i].Value = o.Resource
		}
	}
	f.Files = config.Hashes(rendered)
	return config.Marshal(&f)
}

// resourceKey is the answer that names the example resource.
const resourceKey = "resource"
