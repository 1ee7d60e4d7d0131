package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/marker"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// AddFields is the planner of `scaffold add field`, beside AddResource:
// Base is the project rendered before the fields are added, Theirs after,
// and ours is the project on disk. A file only Theirs has, the new
// migration, is added and must not be on disk yet; a file the user left as
// it was generated takes Theirs; a file the user changed takes the new
// lines at its scaffold: markers or, where the templates change it
// elsewhere, as a model does, the templates' change merged into the user's
// with in.Merger, and a merge that conflicts is refused, naming the file.
// migrations is the folder of the resource's migrations: one there that
// Base does not generate, which makemigrations wrote, is refused, for the
// new migration would not follow it. It returns the files to write.
func AddFields(ctx context.Context, in Input, migrations string) ([]generator.File, error) {
	if err := in.foreignMigrations(migrations); err != nil {
		return nil, err
	}
	return in.addedFiles(ctx, "move it away, then run the command again", func(s sides) (generator.File, bool, error) {
		return s.carry(ctx, in, "added")
	})
}

// foreignMigrations refuses a migrations folder holding a migration that
// the base does not generate.
func (in Input) foreignMigrations(dir string) error {
	if dir == "" {
		return nil
	}
	proj := userfile.Project{Fs: in.Fs, Dir: in.Dir}
	entries, err := afero.ReadDir(in.Fs, proj.Path(dir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return &userfile.FileError{Action: "read", Path: proj.Path(dir), Err: err}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".py") || name == "__init__.py" {
			continue
		}
		if _, ok := in.Base.Lookup(path.Join(dir, name)); !ok {
			return &RefusedError{fmt.Errorf("%s is a migration that scaffold did not write, and the migration it would add must come after the last one; add the field by hand and run makemigrations instead", in.path(path.Join(dir, name)))}
		}
	}
	return nil
}

// carry brings the templates' change to a file the user may have changed:
// theirs where ours is what was generated, else the lines at its markers,
// else a merge. what says what happens, for a refusal: "added", "removed".
func (s sides) carry(ctx context.Context, in Input, what string) (generator.File, bool, error) {
	switch {
	case !s.ours.exists:
		return generator.File{}, false, &RefusedError{missingFile(s.name, s.base.Data)}
	case !s.ours.regular:
		return generator.File{}, false, &RefusedError{fmt.Errorf("%s is %s, not a regular file; move it away, then run again",
			in.path(s.name), userfile.TypeName(s.ours.mode))}
	case bytes.Equal(s.ours.data, s.base.Data):
		return s.theirs, true, nil
	}
	var data []byte
	var err error
	if what == "added" {
		data, err = marker.Insert(s.name, s.ours.data, s.base.Data, s.theirs.Data)
	} else {
		data, err = marker.Remove(s.name, s.ours.data, s.base.Data, s.theirs.Data)
	}
	if errors.Is(err, marker.ErrOutsideMarkers) {
		data, err = s.mergeOrRefuse(ctx, in, what)
	}
	if missing, ok := errors.AsType[*marker.MissingError](err); ok {
		return generator.File{}, false, &RefusedError{missing}
	}
	if moved, ok := errors.AsType[*marker.PlaceError](err); ok {
		return generator.File{}, false, &RefusedError{moved}
	}
	if err != nil || bytes.Equal(data, s.ours.data) {
		return generator.File{}, false, err
	}
	return generator.File{Path: s.name, Mode: s.ours.mode, Data: data}, true, nil
}

// mergeOrRefuse merges the templates' change into the user's copy of a
// file, and refuses one where both changed the same lines: the command
// writes no conflict markers.
func (s sides) mergeOrRefuse(ctx context.Context, in Input, what string) ([]byte, error) {
	m, err := in.Merger.Merge(ctx, s.ours.data, s.base.Data, s.theirs.Data, in.Labels)
	switch {
	case errors.Is(err, ErrNoGit), errors.Is(err, ErrBinary):
		return nil, &RefusedError{fmt.Errorf("%s was changed since scaffold wrote it, and scaffold merges such a file with git merge-file, but %w; make the change by hand, or install git and run the command again", in.path(s.name), err)}
	case err != nil:
		return nil, fmt.Errorf("merge %s: %w", s.name, err)
	case m.Conflicts > 0:
		return nil, &RefusedError{fmt.Errorf("%s was changed since scaffold wrote it, where the lines to be %s go too (%d conflicting blocks); make the change by hand, or undo yours to that file, then run the command again", in.path(s.name), what, m.Conflicts)}
	}
	return m.Data, nil
}

// Removal is what removing a resource does to the project.
type Removal struct {
	// Files are the files that change, at their markers.
	Files []generator.File
	// Remove are the files to remove: the resource's files as they were
	// generated, and, with force, as the user changed them.
	Remove []string
	// Kept are the resource's files that the user changed, which stay.
	Kept []string
}

// RemoveResource is the planner of `scaffold remove resource`, the inverse
// of AddResource: Base is the project rendered with the resource, Theirs
// without it. A file only Base has is removed when the user left it as it
// was generated, or with force, and kept and listed otherwise; a file
// gone already stays gone. A file both have that the resource changes
// loses the resource's lines at its markers (marker.Remove), or takes the
// change by a merge as AddFields does.
func RemoveResource(ctx context.Context, in Input, force bool) (Removal, error) {
	var r Removal
	names := map[string]bool{}
	for _, f := range in.Base.Files {
		names[f.Path] = true
	}
	for _, f := range in.Theirs.Files {
		names[f.Path] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		if err := ctx.Err(); err != nil {
			return Removal{}, err
		}
		s, err := in.sides(name)
		if err != nil {
			return Removal{}, err
		}
		switch {
		case s.base.Keep || s.theirs.Keep || !s.inBase:
			continue
		case !s.inTheirs:
			switch {
			case !s.ours.exists:
			case s.ours.regular && (force || bytes.Equal(s.ours.data, s.base.Data)):
				r.Remove = append(r.Remove, name)
			default:
				r.Kept = append(r.Kept, name)
			}
		case bytes.Equal(s.base.Data, s.theirs.Data), !s.ours.exists:
			continue
		default:
			changed, ok, err := s.carry(ctx, in, "removed")
			if err != nil {
				return Removal{}, err
			}
			if ok {
				r.Files = append(r.Files, changed)
			}
		}
	}
	return r, nil
}

// WithoutGone takes out of an update's plan the resources whose app
// folders the user deleted by hand: each of names (a resource's folder in
// the project) whose every generated file is deleted. Their files would
// otherwise be reported deleted at every update, and a file that the
// templates add to the app would bring back a part of it. It returns the
// plan without their changes, and their names; `scaffold remove resource`
// is how such a resource leaves the project.
func WithoutGone(p Plan, names []string) (Plan, []string) {
	var gone []string
	for _, name := range names {
		prefix := name + "/"
		deleted, other := 0, 0
		for _, c := range p.Changes {
			switch {
			case !strings.HasPrefix(c.Path, prefix):
			case c.Kind == Deleted:
				deleted++
			case c.Kind != Added:
				other++
			}
		}
		if deleted > 0 && other == 0 {
			gone = append(gone, name)
		}
	}
	if len(gone) == 0 {
		return p, nil
	}
	p.Changes = slices.DeleteFunc(slices.Clone(p.Changes), func(c Change) bool {
		return slices.ContainsFunc(gone, func(name string) bool { return strings.HasPrefix(c.Path, name+"/") })
	})
	return p, gone
}
