package writer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/userfile"
)

// Names of the files a run keeps beside the ones it changes. They are
// hidden, and say whose they are.
const (
	tempMark    = ".scaffold-tmp-"
	backupMark  = ".scaffold-backup-"
	stagingMark = ".scaffold-new"
)

// undo reverses changes, last first, using only renames and removals, so
// that it needs no free space. It is safe to repeat: a change that was
// never made, or is undone already, is skipped. It never removes or
// replaces a file that the run did not put there, and returns what it
// could not undo.
func undo(fsys afero.Fs, root string, entries []entry) []error {
	var errs []error
	for _, e := range slices.Backward(entries) {
		var err error
		switch e.op {
		case opStage:
			err = removeStaging(fsys, filepath.Join(root, e.path))
		case opMkdir:
			err = removeEmptyFolder(fsys, join(root, e.path))
		// The temporary file goes last: while it is there, it proves
		// which file at the path is the run's own, for the next run to
		// finish the undoing.
		case opCreate:
			if err = removePlaced(fsys, root, e); err == nil {
				err = removeTemp(fsys, root, e)
			}
		case opReplace:
			if err = restore(fsys, root, e); err == nil {
				err = removeTemp(fsys, root, e)
			}
		case opRemove:
			err = restore(fsys, root, e)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// finish deletes the backups and temporary files of a run whose changes
// are final, and returns a note for each one it could not delete.
func finish(fsys afero.Fs, root string, entries []entry) []string {
	var notes []string
	for _, e := range entries {
		for _, name := range []string{e.backup, e.temp} {
			if name == "" {
				continue
			}
			p := sibling(root, e.path, name)
			if err := removeRegular(fsys, p); err != nil {
				notes = append(notes, fmt.Sprintf("could not delete %s (%s); delete it yourself", p, reason(err)))
			}
		}
	}
	return notes
}

// restore puts the backup of e back at its path, over the file the run put
// there, never over another.
func restore(fsys afero.Fs, root string, e entry) error {
	target := join(root, e.path)
	backup := sibling(root, e.path, e.backup)
	info, err := lstat(fsys, backup)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // the path was never moved away
	case err != nil:
		return &restoreError{path: target, backup: backup, err: err}
	case !info.Mode().IsRegular():
		return &restoreError{path: target, backup: backup, err: errors.New("the backup is not a regular file")}
	}
	now, err := lstat(fsys, target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return &restoreError{path: target, backup: backup, err: err}
	case e.op == opRemove || !placed(fsys, root, e, now):
		return &restoreError{path: target, backup: backup, err: errors.New("another program changed it meanwhile")}
	}
	if err := fsys.Rename(backup, target); err != nil {
		return &restoreError{path: target, backup: backup, err: err}
	}
	return nil
}

// placed reports whether now, the file at e's path, is the one the run put
// there: the file it saw itself put there, or, for an entry read back from
// the journal of a stopped run, the same file as e's temporary file, which
// a run links to the path and keeps until its changes are final (place).
// A journal is anyone's to write, so nothing it says alone makes a file
// the run's own.
func placed(fsys afero.Fs, root string, e entry, now fs.FileInfo) bool {
	switch {
	case !now.Mode().IsRegular():
		return false
	case e.made != nil:
		return sameFile(now, e.made)
	case e.temp == "":
		return false
	}
	temp, err := lstat(fsys, sibling(root, e.path, e.temp))
	return err == nil && temp.Mode().IsRegular() && provablySame(now, temp)
}

// provablySame reports whether two infos are of the same file, which only
// a file system that tells files apart can show.
func provablySame(a, b fs.FileInfo) bool {
	devA, inoA, okA := fileID(a)
	devB, inoB, okB := fileID(b)
	if okA && okB {
		return devA == devB && inoA == inoB
	}
	// Windows tells files apart through the os package only.
	return os.SameFile(a, b)
}

// removePlaced removes the file a run created at e's path, when it is the
// one the run put there; any other file there stays.
func removePlaced(fsys afero.Fs, root string, e entry) error {
	name := join(root, e.path)
	info, err := lstat(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return &userfile.FileError{Action: "remove", Path: name, Err: err}
	case !placed(fsys, root, e, info):
		if e.made == nil {
			return nil // the run never put a file there: this one is not its own
		}
		return &userfile.FileError{Action: "remove", Path: name, Err: errors.New("another program changed it meanwhile, so it stays")}
	}
	if err := fsys.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &userfile.FileError{Action: "remove", Path: name, Err: err}
	}
	return nil
}

func removeTemp(fsys afero.Fs, root string, e entry) error {
	if e.temp == "" {
		return nil
	}
	name := sibling(root, e.path, e.temp)
	if err := removeRegular(fsys, name); err != nil {
		return &userfile.FileError{Action: "remove", Path: name, Err: err}
	}
	return nil
}

// removeRegular removes name if it is a regular file.
func removeRegular(fsys afero.Fs, name string) error {
	return removeIf(fsys, name, fs.FileMode.IsRegular, "it is no longer a regular file", func() error { return fsys.Remove(name) })
}

// removeEmptyFolder removes a folder the run created, unless it holds
// something now. In-memory file systems remove full folders too, so
// emptiness is checked first.
func removeEmptyFolder(fsys afero.Fs, name string) error {
	err := removeIf(fsys, name, fs.FileMode.IsDir, "it is no longer a folder, so it stays", func() error {
		names, err := readNames(fsys, name, 1)
		switch {
		case err != nil:
			return err
		case len(names) > 0:
			return errors.New("another program put files in it, so it stays")
		}
		return fsys.Remove(name)
	})
	if err != nil {
		return &userfile.FileError{Action: "remove folder", Path: name, Err: err}
	}
	return nil
}

// removeStaging removes the folder where a new project was being written.
func removeStaging(fsys afero.Fs, name string) error {
	if !strings.HasSuffix(name, stagingMark) {
		return &userfile.FileError{Action: "remove", Path: name, Err: errBadJournal}
	}
	if err := removeIf(fsys, name, fs.FileMode.IsDir, "it is not a folder, so it stays", func() error { return fsys.RemoveAll(name) }); err != nil {
		return &userfile.FileError{Action: "remove", Path: name, Err: err}
	}
	return nil
}

// removeIf removes name with remove when it is still of the kind the run
// made (is says which; not says why it stays otherwise), and does nothing
// when it is gone already.
func removeIf(fsys afero.Fs, name string, is func(fs.FileMode) bool, not string, remove func() error) error {
	info, err := lstat(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !is(info.Mode()):
		return errors.New(not)
	}
	if err := remove(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// recoverStale undoes what a stopped run left in root, as its journal
// tells, or finishes it if its changes were final. It returns notes that
// say what it did. staging is the only entry a journal beside a new
// project may hold, the name of its staging folder; "" for the journal of
// a project folder. A journal that names anything a run of scaffold would
// not, or a path through a link, is refused with a *JournalError before
// anything is touched.
func recoverStale(fsys afero.Fs, root, dir, lockPath, staging string, entries []entry) ([]string, error) {
	if err := checkJournal(fsys, root, staging, entries); err != nil {
		return nil, &JournalError{Lock: lockPath, Dir: dir, Reason: err.Error()}
	}
	var changes []entry
	committed, done := false, false
	for _, e := range entries {
		switch e.op {
		case opCommit:
			committed = true
		case opDone:
			done = true
		default:
			changes = append(changes, e)
		}
	}
	switch {
	case done || len(changes) == 0:
		return nil, nil
	case committed:
		return finish(fsys, root, changes), nil
	}
	if errs := undo(fsys, root, changes); len(errs) > 0 {
		return nil, &UndoError{Err: fmt.Errorf("a scaffold run into %s was stopped before it finished", dir), Failures: errs, Dir: dir}
	}
	if len(changes) == 1 && changes[0].op == opStage {
		return []string{fmt.Sprintf("removed %s, which a scaffold run that was stopped left unfinished", filepath.Join(root, changes[0].path))}, nil
	}
	return []string{fmt.Sprintf("undid the changes of a scaffold run into %s that was stopped before it finished: %s", dir, restored(changes))}, nil
}

// restored names the files whose changes were undone, for the user.
func restored(changes []entry) string {
	var paths []string
	for _, e := range changes {
		if e.op != opMkdir {
			paths = append(paths, e.path)
		}
	}
	if len(paths) == 0 {
		return "it had changed no file"
	}
	return listed(paths) + " are as they were"
}

// listed names up to 5 paths, and how many more there are.
func listed(paths []string) string {
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if len(paths) <= 5 {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:5], ", "), len(paths)-5)
}

// checkJournal makes sure that undoing entries in root touches nothing a
// run of scaffold would not: a journal beside a new project holds its
// staging folder only, and every other path is inside root, with no link
// on its way, at it, or at its temporary or backup file.
func checkJournal(fsys afero.Fs, root, staging string, entries []entry) error {
	for _, e := range entries {
		switch {
		case e.op == opCommit || e.op == opDone:
			continue
		case e.op == opStage && staging != "" && e.path == staging:
			continue
		case e.op == opStage:
			return fmt.Errorf("it names %s as a new project's staging folder", strconv.Quote(e.path))
		case staging != "":
			return fmt.Errorf("it names %s beside a new project", strconv.Quote(e.path))
		}
		segments := strings.Split(e.path, "/")
		for i := range segments {
			at := join(root, strings.Join(segments[:i+1], "/"))
			info, err := lstat(fsys, at)
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				break // nothing there to undo
			}
			if err != nil {
				return fmt.Errorf("cannot check %s (%s)", at, reason(err))
			}
			if info.Mode()&fs.ModeSymlink != 0 {
				return fmt.Errorf("%s passes through %s, which is a symbolic link", strconv.Quote(e.path), at)
			}
			if !info.IsDir() {
				break
			}
		}
		for _, name := range []string{e.temp, e.backup} {
			if name == "" {
				continue
			}
			at := sibling(root, e.path, name)
			if info, err := lstat(fsys, at); err == nil && info.Mode()&fs.ModeSymlink != 0 {
				return fmt.Errorf("%s is a symbolic link", at)
			}
		}
	}
	return nil
}

// join is the path on disk of a slash-separated path under root.
func join(root, rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }

// sibling is the path on disk of name in the folder of rel.
func sibling(root, rel, name string) string { return join(root, path.Join(path.Dir(rel), name)) }

// readNames lists up to n names in a folder; n <= 0 lists them all.
func readNames(fsys afero.Fs, dir string, n int) ([]string, error) {
	f, err := fsys.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names, err := f.Readdirnames(n)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return names, err
}
