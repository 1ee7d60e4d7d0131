package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/afero"
)

// ErrTargetNotEmpty means the project folder already holds files and the
// caller did not ask to write into it.
var ErrTargetNotEmpty = errors.New("project folder is not empty")

// WriteResult says what Write did.
type WriteResult struct {
	Dir     string
	Written []string // project-relative paths
	Kept    []string // files that already existed and were left as they were
}

// Write puts a plan on fsys under dir. Unless force is set, dir must not
// exist or be empty. Write is all or nothing: if any write fails, it removes
// what it created and restores what it overwrote before returning the error.
func Write(fsys afero.Fs, dir string, p Plan, force bool) (WriteResult, error) {
	res := WriteResult{Dir: dir}
	if err := CheckTarget(fsys, dir, force); err != nil {
		return res, err
	}
	tx := &transaction{fs: fsys}
	for _, f := range p.Files {
		target := filepath.Join(dir, filepath.FromSlash(f.Path))
		kept, err := tx.writeFile(target, f)
		if err != nil {
			if rbErr := tx.rollback(); rbErr != nil {
				err = fmt.Errorf("%w; and some of what this run wrote remains: %w", err, rbErr)
			}
			return WriteResult{Dir: dir}, err
		}
		if kept {
			res.Kept = append(res.Kept, f.Path)
		} else {
			res.Written = append(res.Written, f.Path)
		}
	}
	return res, nil
}

// CheckTarget reports the error Write would give for dir, so that a folder
// already in use can be refused before anything is rendered or asked.
func CheckTarget(fsys afero.Fs, dir string, force bool) error {
	info, err := fsys.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return writeError("use", dir, err)
	case !info.IsDir():
		return fmt.Errorf("%s exists and is not a folder; choose another name or output folder", dir)
	case force:
		return nil
	}
	empty, err := afero.IsEmpty(fsys, dir)
	if err != nil {
		return writeError("read folder", dir, err)
	}
	if !empty {
		return fmt.Errorf("%w: %s; choose another name, or use --force to overwrite the generated files in it", ErrTargetNotEmpty, dir)
	}
	return nil
}

// writeError is a file operation of Write that failed.
func writeError(action, name string, err error) error {
	return &FileError{Action: action, Path: name, Hint: "choose another output folder", Err: err}
}

// transaction remembers every change so that a failed write can be undone.
type transaction struct {
	fs          afero.Fs
	createdDirs []string
	created     []string
	overwritten []backup
}

type backup struct {
	path string
	mode fs.FileMode
	data []byte
}

func (tx *transaction) writeFile(target string, f File) (kept bool, err error) {
	if err := tx.mkdirAll(filepath.Dir(target)); err != nil {
		return false, err
	}
	info, err := tx.fs.Stat(target)
	switch {
	case err == nil && info.IsDir():
		return false, fmt.Errorf("cannot write %s: a folder of that name is in the way; move it and try again", target)
	case err == nil && f.Keep:
		return true, nil
	case err == nil:
		old, err := afero.ReadFile(tx.fs, target)
		if err != nil {
			return false, writeError("read", target, err)
		}
		tx.overwritten = append(tx.overwritten, backup{path: target, mode: info.Mode().Perm(), data: old})
	case errors.Is(err, fs.ErrNotExist):
		tx.created = append(tx.created, target)
	default:
		return false, writeError("use", target, err)
	}
	if err := writeAll(tx.fs, target, f.Data, f.Mode); err != nil {
		return false, writeError("write", target, err)
	}
	return false, nil
}

func writeAll(fsys afero.Fs, name string, data []byte, mode fs.FileMode) error {
	file, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, werr := file.Write(data)
	cerr := file.Close()
	if werr != nil {
		return werr
	}
	if cerr != nil {
		return cerr
	}
	// OpenFile's mode is masked by the umask and ignored for existing files.
	return fsys.Chmod(name, mode)
}

// mkdirAll creates dir and its missing parents one by one, remembering each.
func (tx *transaction) mkdirAll(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		info, err := tx.fs.Stat(d)
		if err == nil {
			if !info.IsDir() {
				return fmt.Errorf("cannot create folder %s: %s is a file; move it and try again", dir, d)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return writeError("use", d, err)
		}
		missing = append(missing, d)
		if parent := filepath.Dir(d); parent == d {
			break
		}
	}
	slices.Reverse(missing)
	for _, d := range missing {
		if err := tx.fs.Mkdir(d, 0o755); err != nil {
			return writeError("create folder", d, err)
		}
		tx.createdDirs = append(tx.createdDirs, d)
		// Mkdir's mode is masked by the umask: under 077 the folders would be
		// 0700, which the image's unprivileged user cannot read.
		if err := tx.fs.Chmod(d, 0o755); err != nil {
			return writeError("create folder", d, err)
		}
	}
	return nil
}

func (tx *transaction) rollback() error {
	var errs []error
	for _, name := range slices.Backward(tx.created) {
		if err := tx.fs.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, &FileError{Action: "remove", Path: name, Err: err})
		}
	}
	for _, b := range tx.overwritten {
		if err := writeAll(tx.fs, b.path, b.data, b.mode); err != nil {
			errs = append(errs, &FileError{Action: "restore", Path: b.path, Err: err})
		}
	}
	for _, d := range slices.Backward(tx.createdDirs) {
		if err := tx.fs.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, &FileError{Action: "remove folder", Path: d, Err: err})
		}
	}
	return errors.Join(errs...)
}
