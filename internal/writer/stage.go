package writer

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sync"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// stage writes a new project into a staging folder beside dir, then
// renames it to dir.
func stage(ctx context.Context, fsys afero.Fs, dir string, p generator.Plan, o Options, res *Result) error {
	parent, base := filepath.Dir(dir), short(filepath.Base(dir))
	parents, err := makeParents(fsys, parent)
	if err != nil {
		return err
	}
	lockPath := filepath.Join(parent, "."+base+lockSuffix)
	l, stale, err := acquireLock(fsys, lockPath, dir, true)
	if err == nil && stale != nil {
		var notes []string
		if notes, err = recoverStale(fsys, parent, dir, lockPath, "."+base+stagingMark, stale); err != nil {
			l.drop()
		} else if err = l.reset(); err != nil {
			l.drop()
		}
		res.Notes = append(res.Notes, notes...)
	}
	if err != nil {
		removeParents(fsys, parents)
		if _, ok := errors.AsType[*userfile.FileError](err); ok {
			return &UndoneError{Err: err, NewProject: true}
		}
		return err
	}
	s := &staging{ctx: ctx, fs: fsys, dir: dir, lock: l, res: res,
		name: "." + base + stagingMark, path: filepath.Join(parent, "."+base+stagingMark)}
	if err := s.run(p, o.Prepare); err != nil {
		res.Written, res.Prepared = nil, false
		if errs := undo(fsys, parent, s.done); len(errs) > 0 {
			l.drop()
			return &UndoError{Err: err, Failures: errs, Dir: dir}
		}
		l.release()
		removeParents(fsys, parents)
		return &UndoneError{Err: err, NewProject: true}
	}
	_ = l.log(entry{op: opCommit})
	if note := l.release(); note != "" {
		res.Notes = append(res.Notes, note)
	}
	return nil
}

// staging is a new project being written in a folder of its own.
type staging struct {
	ctx  context.Context
	fs   afero.Fs
	dir  string // the project folder it becomes
	name string // its base name
	path string
	lock *lock
	done []entry
	res  *Result
}

func (s *staging) run(p generator.Plan, prepare func(context.Context, string) error) error {
	if exists(s.fs, s.dir) {
		return &takenError{dir: s.dir}
	}
	e := entry{op: opStage, path: s.name}
	if err := s.lock.log(e); err != nil {
		return err
	}
	if err := s.fs.Mkdir(s.path, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &userfile.FileError{Action: "create", Path: s.path, Err: err,
				Hint: "a scaffold run that was stopped left it: delete it, then run again"}
		}
		return fileError("create folder", s.path, err, true)
	}
	s.done = append(s.done, e)
	prepared := func() error { return nil }
	if prepare != nil {
		// Preparing needs only the folder: it takes place while the files
		// are written, and a run that fails stops it, then waits for it.
		ctx, stop := context.WithCancel(s.ctx)
		done := make(chan error, 1)
		go func() { done <- prepare(ctx, s.path) }()
		prepared = sync.OnceValue(func() error { return <-done })
		defer func() {
			stop()
			_ = prepared()
		}()
	}
	made := map[string]bool{}
	for _, f := range p.Files {
		if err := s.interrupted(); err != nil {
			return err
		}
		for _, d := range folders(f.Path) {
			if made[d] {
				continue
			}
			if err := mkdir(s.fs, join(s.path, d)); err != nil {
				return fileError("create folder", join(s.dir, d), err, true)
			}
			made[d] = true
		}
		if err := writeNew(s.fs, join(s.path, f.Path), f.Data, f.Mode, false); err != nil {
			return fileError("write", join(s.dir, f.Path), err, true)
		}
		s.res.Written = append(s.res.Written, f.Path)
	}
	if prepare != nil {
		if err := prepared(); err != nil {
			return err
		}
		s.res.Prepared = true
	}
	if err := s.interrupted(); err != nil {
		return err
	}
	if err := s.fs.Chmod(s.path, 0o755); err != nil {
		return fileError("write", s.dir, err, true)
	}
	if exists(s.fs, s.dir) {
		return &takenError{dir: s.dir}
	}
	if err := s.fs.Rename(s.path, s.dir); err != nil {
		if exists(s.fs, s.dir) {
			return &takenError{dir: s.dir}
		}
		return fileError("create", s.dir, err, true)
	}
	return nil
}

func (s *staging) interrupted() error {
	if s.ctx.Err() != nil {
		return context.Cause(s.ctx)
	}
	return nil
}

// folders lists the folders of a slash-separated path, from the top.
func folders(name string) []string {
	var out []string
	for d := path.Dir(name); d != "."; d = path.Dir(d) {
		out = append(out, d)
	}
	slices.Reverse(out)
	return out
}

// makeParents creates the missing folders above a new project, and returns
// them. Those folders are the caller's choice, so links among them are
// followed.
func makeParents(fsys afero.Fs, parent string) ([]string, error) {
	var missing []string
	for d := parent; ; d = filepath.Dir(d) {
		info, err := fsys.Stat(d)
		if err == nil {
			if !info.IsDir() {
				return nil, notAFolderError(d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fileError("use", d, err, true)
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var made []string
	for _, d := range slices.Backward(missing) {
		err := fsys.Mkdir(d, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // another program made it meanwhile
		}
		if err == nil {
			made = append(made, d)
			err = fsys.Chmod(d, 0o755)
		}
		if err != nil {
			removeParents(fsys, made)
			return nil, &UndoneError{Err: fileError("create folder", d, err, true), NewProject: true}
		}
	}
	return made, nil
}

// removeParents removes the folders makeParents made, if they are empty.
func removeParents(fsys afero.Fs, made []string) {
	for _, d := range slices.Backward(made) {
		_ = removeEmptyFolder(fsys, d)
	}
}
