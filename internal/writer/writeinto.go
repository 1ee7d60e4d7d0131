package writer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// writeInto applies a plan to a folder that exists.
func writeInto(ctx context.Context, fsys afero.Fs, dir string, p generator.Plan, o Options, res *Result) error {
	clearStagingLock(fsys, dir, res)
	lockPath := filepath.Join(dir, lockName)
	if !o.Existing {
		// A folder that holds files is refused without touching it, unless
		// a lock file tells that a stopped run may have left them.
		full, err := holdsFiles(fsys, dir)
		if err != nil {
			return fileError("read folder", dir, err, true)
		}
		if full && !exists(fsys, lockPath) {
			return notEmptyError(dir)
		}
	}
	l, err := takeLock(fsys, lockPath, dir, res)
	if err != nil {
		if _, ok := errors.AsType[*userfile.FileError](err); ok {
			return &UndoneError{Err: err}
		}
		return err
	}
	if !o.Existing {
		// Again under the lock, as another run may have written meanwhile.
		full, err := holdsFiles(fsys, dir)
		if err != nil || full {
			l.release()
		}
		if err != nil {
			return fileError("read folder", dir, err, true)
		}
		if full {
			return notEmptyError(dir)
		}
	}
	w := &inPlace{ctx: ctx, fs: fsys, dir: dir, lock: l, suffix: runSuffix(), res: res}
	return w.run(p)
}

// place puts a run's temporary file at its path. Where the file system has
// hard links, it links it there, so that until the run ends the file at
// the path is provably the run's own, the same file as one that carries
// the run's temporary name: after a crash, the next run removes a file
// only on that proof (placed). Elsewhere it renames it.
func place(fsys afero.Fs, temp, target string) error {
	if link := linker(fsys); link != nil {
		err := link(temp, target)
		if err == nil || errors.Is(err, fs.ErrExist) {
			return err
		}
		// No hard links on this file system.
	}
	return fsys.Rename(temp, target)
}

// linker returns how fsys makes a hard link, or nil.
func linker(fsys afero.Fs) func(oldname, newname string) error {
	switch l := fsys.(type) {
	case *afero.OsFs:
		return os.Link
	case interface {
		Link(oldname, newname string) error
	}:
		return l.Link
	}
	return nil
}

// clearStagingLock removes the lock file that a run killed right after it
// created dir may have left beside it.
func clearStagingLock(fsys afero.Fs, dir string, res *Result) {
	parent := filepath.Dir(dir)
	name := filepath.Join(parent, "."+short(filepath.Base(dir))+lockSuffix)
	if !exists(fsys, name) {
		return
	}
	l, stale, err := acquireLock(fsys, name, dir, false)
	if err != nil {
		return
	}
	notes, err := recoverStale(fsys, parent, dir, name, "."+short(filepath.Base(dir))+stagingMark, stale)
	if err != nil {
		l.drop()
		return
	}
	res.Notes = append(res.Notes, notes...)
	l.release()
}

// takeLock takes the lock of dir, and undoes what a stopped run left.
func takeLock(fsys afero.Fs, lockPath, dir string, res *Result) (*lock, error) {
	l, stale, err := acquireLock(fsys, lockPath, dir, false)
	if err != nil {
		return nil, err
	}
	if stale != nil {
		notes, err := recoverStale(fsys, dir, dir, lockPath, "", stale)
		if err != nil {
			l.drop()
			return nil, err
		}
		res.Notes = append(res.Notes, notes...)
		if err := l.reset(); err != nil {
			l.drop()
			return nil, err
		}
	}
	return l, nil
}

// inPlace is a run that changes files in a folder that exists.
type inPlace struct {
	ctx    context.Context
	fs     afero.Fs
	dir    string
	lock   *lock
	suffix string
	done   []entry // the changes made so far, in order
	res    *Result
	held   bool // a Session holds the lock, and releases it
}

func (w *inPlace) run(p generator.Plan) error {
	// Whatever can be found wrong before anything changes is.
	for _, f := range p.Files {
		if err := w.check(f.Path, f.Keep); err != nil {
			return w.fail(err)
		}
	}
	for _, name := range p.Remove {
		if err := w.check(name, false); err != nil {
			return w.fail(err)
		}
	}
	for _, f := range p.Files {
		if err := w.write(f); err != nil {
			return w.fail(err)
		}
	}
	for _, name := range p.Remove {
		if err := w.remove(name); err != nil {
			return w.fail(err)
		}
	}
	if err := w.interrupted(); err != nil {
		return w.fail(err)
	}
	if err := w.lock.log(entry{op: opCommit}); err != nil {
		return w.fail(err)
	}
	// The changes are final from here on; what fails now is only noted.
	w.res.Notes = append(w.res.Notes, finish(w.fs, w.dir, w.done)...)
	w.removeEmptied()
	w.end()
	return nil
}

// end ends a run whose changes are final or undone: it releases the lock,
// or, when a Session holds it, starts its journal anew.
func (w *inPlace) end() {
	if w.held {
		if err := w.lock.reset(); err != nil {
			// The journal ends in commit or in changes undone: the next
			// run finds nothing left to undo.
			w.res.Notes = append(w.res.Notes, reason(err))
		}
		return
	}
	if note := w.lock.release(); note != "" {
		w.res.Notes = append(w.res.Notes, note)
	}
}

func (w *inPlace) interrupted() error {
	if w.ctx.Err() != nil {
		return context.Cause(w.ctx)
	}
	return nil
}

// fail undoes every change made so far.
func (w *inPlace) fail(cause error) error {
	w.res.Written, w.res.Kept, w.res.Removed = nil, nil, nil
	if errs := undo(w.fs, w.dir, w.done); len(errs) > 0 {
		w.lock.drop()
		return &UndoError{Err: cause, Failures: errs, Dir: w.dir}
	}
	w.end()
	return &UndoneError{Err: cause}
}

// check finds what would stop the run at name, without changing anything.
func (w *inPlace) check(name string, keep bool) error {
	missing, err := w.checkFolders(name)
	if err != nil || missing {
		return err
	}
	target := join(w.dir, name)
	if keep {
		return w.checkKept(target)
	}
	_, err = replaceable(w.fs, target)
	return err
}

// replaceable reports whether a file stands at target that a run may
// replace or remove, and refuses anything else there: a folder, a link, a
// special file, or a file with other hard links.
func replaceable(fsys afero.Fs, target string) (bool, error) {
	k, info, err := inspect(fsys, target)
	switch {
	case err != nil:
		return false, err
	case k == folder:
		return false, folderInTheWay(target)
	case k == regularFile:
		if n := linkCount(info); n > 1 {
			return false, hardLinkError(target, n)
		}
		return true, nil
	}
	return false, nil
}

// checkKept accepts whatever file stands where the plan keeps one, be it a
// link or a named pipe: it is left alone, never opened or followed.
func (w *inPlace) checkKept(target string) error {
	info, err := lstat(w.fs, target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fileError("use", target, err, false)
	case info.IsDir():
		return folderInTheWay(target)
	}
	return nil
}

// checkFolders checks the folders of name from the top, and reports
// whether one of them is missing.
func (w *inPlace) checkFolders(name string) (missing bool, err error) {
	dirs := strings.Split(name, "/")
	for i := range len(dirs) - 1 {
		folderPath := join(w.dir, strings.Join(dirs[:i+1], "/"))
		k, _, err := inspect(w.fs, folderPath)
		switch {
		case err != nil:
			return false, err
		case k == absent:
			return true, nil
		case k == regularFile:
			return false, fileInTheWay(join(w.dir, name), folderPath)
		}
	}
	return false, nil
}

func (w *inPlace) write(f generator.File) error {
	if err := w.interrupted(); err != nil {
		return err
	}
	if err := w.makeFolders(f.Path); err != nil {
		return err
	}
	target := join(w.dir, f.Path)
	if f.Keep && exists(w.fs, target) {
		if err := w.checkKept(target); err != nil {
			return err
		}
		w.res.Kept = append(w.res.Kept, f.Path)
		return nil
	}
	exists, err := replaceable(w.fs, target)
	switch {
	case err != nil:
		return err
	case exists:
		return w.change(entry{op: opReplace, path: f.Path, temp: w.name(f.Path, tempMark), backup: w.name(f.Path, backupMark)}, f)
	}
	return w.change(entry{op: opCreate, path: f.Path, temp: w.name(f.Path, tempMark)}, f)
}

// change writes f to a temporary file, moves the file it replaces to its
// backup, and renames the temporary file into place.
func (w *inPlace) change(e entry, f generator.File) error {
	if err := w.lock.log(e); err != nil {
		return err
	}
	w.done = append(w.done, e)
	i := len(w.done) - 1
	target := join(w.dir, e.path)
	if err := writeNew(w.fs, sibling(w.dir, e.path, e.temp), f.Data, f.Mode, true); err != nil {
		return fileError("write", target, err, false)
	}
	if err := w.interrupted(); err != nil {
		return err
	}
	if e.op == opReplace {
		if err := w.fs.Rename(target, sibling(w.dir, e.path, e.backup)); err != nil {
			return fileError("replace", target, err, false)
		}
	}
	if err := place(w.fs, sibling(w.dir, e.path, e.temp), target); err != nil {
		return fileError("write", target, err, false)
	}
	if made, err := lstat(w.fs, target); err == nil {
		w.done[i].made = made
	}
	w.res.Written = append(w.res.Written, e.path)
	return nil
}

// makeFolders creates the missing folders of name.
func (w *inPlace) makeFolders(name string) error {
	dirs := strings.Split(name, "/")
	for i := range len(dirs) - 1 {
		rel := strings.Join(dirs[:i+1], "/")
		folderPath := join(w.dir, rel)
		k, _, err := inspect(w.fs, folderPath)
		switch {
		case err != nil:
			return err
		case k == folder:
			continue
		case k == regularFile:
			return fileInTheWay(join(w.dir, name), folderPath)
		}
		e := entry{op: opMkdir, path: rel}
		if err := w.lock.log(e); err != nil {
			return err
		}
		w.done = append(w.done, e)
		if err := mkdir(w.fs, folderPath); err != nil {
			return fileError("create folder", folderPath, err, false)
		}
	}
	return nil
}

func (w *inPlace) remove(name string) error {
	if err := w.interrupted(); err != nil {
		return err
	}
	missing, err := w.checkFolders(name)
	if err != nil || missing {
		return err
	}
	target := join(w.dir, name)
	if exists, err := replaceable(w.fs, target); err != nil || !exists {
		return err
	}
	e := entry{op: opRemove, path: name, backup: w.name(name, backupMark)}
	if err := w.lock.log(e); err != nil {
		return err
	}
	w.done = append(w.done, e)
	if err := w.fs.Rename(target, sibling(w.dir, name, e.backup)); err != nil {
		return fileError("remove", target, err, false)
	}
	w.res.Removed = append(w.res.Removed, name)
	return nil
}

// removeEmptied removes the folders that the run's removals left empty,
// deepest first.
func (w *inPlace) removeEmptied() {
	for _, name := range w.res.Removed {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			folderPath := join(w.dir, d)
			names, err := readNames(w.fs, folderPath, 1)
			if err != nil || len(names) > 0 {
				break
			}
			if info, err := lstat(w.fs, folderPath); err != nil || !info.IsDir() || w.fs.Remove(folderPath) != nil {
				break
			}
		}
	}
}

// name is the temporary or backup file of name in its folder.
func (w *inPlace) name(name, mark string) string {
	return "." + short(path.Base(name)) + mark + w.suffix
}

func folderInTheWay(target string) error {
	return fmt.Errorf("cannot write %s: a folder of that name is in the way; move it away, then run again", target)
}

func fileInTheWay(target, file string) error {
	return fmt.Errorf("cannot write %s: %s is a file where the project needs a folder; move it away, then run again", target, file)
}
