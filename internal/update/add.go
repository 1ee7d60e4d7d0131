package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/marker"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// RefusedError is a change the project cannot take as it stands, such as
// a file in the way, or a marker the user removed; the user can fix it.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// AddResource is the planner beside Compute for `scaffold add resource`.
// It takes the same three versions of each path: Base is the project
// rendered without the new resource, Theirs with it, and ours is the
// project on disk (Hashes, Labels and Merger play no part). It goes
// through the same steps as an update, by path, with one merge step of its
// own: a file that only Theirs has is added, and must not be on disk yet;
// a file the resource changes takes, in the user's copy, the lines that
// the resource adds at its scaffold: markers (marker.Insert), and only
// those. Secrets files, and files the resource does not change, are left
// alone. It returns the files to write, sorted by path.
func AddResource(in Input) ([]generator.File, error) {
	return in.addedFiles(context.Background(), "move it away, or choose another resource name", func(s sides) (generator.File, bool, error) {
		return s.insertAtMarkers(in)
	})
}

// addedFiles walks Theirs for a command that only adds to a project: a file
// that only Theirs has is new, and must not be on disk yet (instead says what
// to do then); a file that Base renders alike is left alone; change
// decides every other one. It returns the files to write.
func (in Input) addedFiles(ctx context.Context, instead string, change func(sides) (generator.File, bool, error)) ([]generator.File, error) {
	var files []generator.File
	for _, f := range in.Theirs.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := in.sides(f.Path)
		if err != nil {
			return nil, err
		}
		switch {
		case f.Keep:
			continue
		case !s.inBase:
			if s.ours.exists {
				return nil, &RefusedError{fmt.Errorf("%s already exists; %s", in.path(f.Path), instead)}
			}
			files = append(files, f)
		case bytes.Equal(s.base.Data, f.Data):
			continue
		default:
			changed, ok, err := change(s)
			if err != nil {
				return nil, err
			}
			if ok {
				files = append(files, changed)
			}
		}
	}
	return files, nil
}

// insertAtMarkers carries the lines that theirs adds to base over to ours,
// at their markers. It reports false when ours has them all already.
func (s sides) insertAtMarkers(in Input) (generator.File, bool, error) {
	switch {
	case !s.ours.exists:
		return generator.File{}, false, &RefusedError{missingFile(s.name, s.base.Data)}
	case !s.ours.regular:
		return generator.File{}, false, &RefusedError{fmt.Errorf("%s is %s, not a regular file; move it away, then run again",
			in.path(s.name), userfile.TypeName(s.ours.mode))}
	}
	data, err := marker.Insert(s.name, s.ours.data, s.base.Data, s.theirs.Data)
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

// missingFile reports a file the project no longer has, though a marker of
// it must take the new resource.
func missingFile(name string, rendered []byte) error {
	for l := range strings.SplitSeq(string(rendered), "\n") {
		if n := marker.Name(l); n != "" {
			return &marker.MissingError{File: name, Marker: l, Name: n}
		}
	}
	return fmt.Errorf("%s is missing; restore it, then run the command again", name)
}

// path is the path on disk of a path of the project.
func (in Input) path(name string) string {
	return userfile.Project{Fs: in.Fs, Dir: in.Dir}.Path(name)
}
