package writer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// Options say how Apply may treat what is on disk already.
type Options struct {
	// Existing lets Apply write into a project folder that already holds
	// files, as `new --force`, `update` and `add resource` do. Without it,
	// such a folder is refused with ErrTargetNotEmpty.
	Existing bool
	// Prepare, when set, runs in the folder that becomes a new project,
	// such as to run git init there, while the plan's files are written into
	// it: it must not touch their paths. The project appears once both are
	// done. Until then, an error of either, or an interrupt, still undoes
	// everything; when a file cannot be written, Prepare's ctx is cancelled
	// and the run waits for it to return. It does not run when the project
	// folder existed before (Result.Prepared says whether it ran).
	Prepare func(ctx context.Context, dir string) error
}

// Result says what Apply did. Paths are slash-separated and relative
// to Dir.
type Result struct {
	Dir     string
	Written []string // files created or replaced
	Kept    []string // files that existed and that the plan keeps (File.Keep)
	Removed []string // files of Plan.Remove that existed and are gone
	// Notes are things the user should know although the run succeeded,
	// such as a backup that could not be deleted, one line each.
	Notes []string
	// Prepared is set when Options.Prepare ran.
	Prepared bool
}

// Write applies a plan without a way to interrupt it; force is
// Options.Existing.
func Write(fsys afero.Fs, dir string, p generator.Plan, force bool) (Result, error) {
	return Apply(context.Background(), fsys, dir, p, Options{Existing: force})
}

// Apply puts a plan on fsys under the project folder dir, all or
// nothing, and stops at its next step once ctx is cancelled. `new`,
// `update` and `add resource` all write through it; update, for instance:
//
//	res, err := writer.Apply(ctx, fsys, dir, generator.Plan{
//		Files:  files,              // each replaces what is on disk, unless Keep
//		Remove: []string{"old.py"}, // files the project no longer has
//	}, writer.Options{Existing: true})
//
// A project folder that does not exist yet is written whole into a staging
// folder beside it, ".NAME.scaffold-new", which is then renamed to dir at
// once: dir never holds part of a project. A lock file beside it,
// ".NAME.scaffold-lock", lets one such run at a time go on; a second one
// fails with a *BusyError, or finds dir there (ErrTargetNotEmpty without
// Existing, or ErrTargetTaken when dir appeared during the run).
//
// Into a folder that exists, empty or not, each file is written to a
// temporary file in its own folder, ".NAME.scaffold-tmp-*", flushed to disk
// and renamed over its path. A file that is replaced or removed is first
// renamed to a backup beside it, ".NAME.scaffold-backup-*", which stays on
// disk until every change is made, so that undoing a change needs no free
// space. A lock file, dir/.scaffold-lock, lets one run at a time write there
// (*BusyError for the others), and holds a journal of the changes, written
// before each one, so that the next run into dir undoes those of a run that
// was killed, or finishes them if they were final; Result.Notes then
// says so.
//
// Either way, when anything fails or ctx is cancelled, every change is
// undone, only by renaming backups back and removing what the run created,
// and Apply returns an *UndoneError that wraps the cause (such as
// context.Canceled, or a *FileError whose hint says what to do). When some
// change cannot be undone, it returns an *UndoError that names the backups
// still on disk and leaves the journal for the next run. Undoing never
// removes or writes anything that the run did not create.
//
// Apply never writes through a link: before it changes anything, it
// refuses, with an *UnsafeFileError, a project folder that is a symbolic
// link, and a folder or file inside it that it would write, replace or
// remove and that is a symbolic link, a file with more than one hard link,
// or anything but a regular file or folder. Folders above dir are the
// caller's choice and may be links. Folders get mode 0755 and files their
// File.Mode, whatever the umask. fsys should implement afero.Lstater;
// without it, links cannot be told from what they point to.
//
// File.Keep leaves whatever stands at its path alone, never opened or
// followed; any other file of the plan replaces the one on disk, so a plan
// that must change .env leaves Keep unset. Plan.Remove lists files to
// remove; a path that does not exist is skipped, and folders that the
// removals leave empty are removed once the run has succeeded. A plan path
// outside the project, or named like the lock, temporary or backup files,
// is refused with ErrUnsafePath; a path that is also a folder of another,
// with ErrPathClash.
func Apply(ctx context.Context, fsys afero.Fs, dir string, p generator.Plan, o Options) (Result, error) {
	res := Result{Dir: dir}
	if err := checkPlan(p); err != nil {
		return res, err
	}
	if ctx.Err() != nil {
		return res, context.Cause(ctx)
	}
	dir = filepath.Clean(dir)
	info, err := lstat(fsys, dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return res, stage(ctx, fsys, dir, p, o, &res)
	case err != nil:
		return res, fileError("use", dir, err, true)
	case info.Mode()&fs.ModeSymlink != 0:
		return res, folderLinkError(dir)
	case !info.IsDir():
		return res, notAFolderError(dir)
	}
	return res, writeInto(ctx, fsys, dir, p, o, &res)
}

// CheckTarget reports the error Apply would give for dir at once, so that
// a folder in use can be refused before anything is rendered or asked.
func CheckTarget(fsys afero.Fs, dir string, force bool) error {
	info, err := lstat(fsys, dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fileError("use", dir, err, true)
	case info.Mode()&fs.ModeSymlink != 0:
		return folderLinkError(dir)
	case !info.IsDir():
		return notAFolderError(dir)
	case force:
		return nil
	}
	full, err := holdsFiles(fsys, dir)
	if err != nil {
		return fileError("read folder", dir, err, true)
	}
	if full && !exists(fsys, filepath.Join(dir, lockName)) {
		return notEmptyError(dir)
	}
	return nil
}

func notEmptyError(dir string) error {
	return fmt.Errorf("%w: %s; choose another name, or use --force to overwrite the generated files in it", ErrTargetNotEmpty, dir)
}

func notAFolderError(dir string) error {
	return fmt.Errorf("%s exists and is not a folder; choose another name or output folder", dir)
}

func folderLinkError(dir string) error {
	return &UnsafeFileError{Path: dir, Reason: "is a symbolic link",
		Fix: "scaffold writes only into real folders: pass the folder it points to instead"}
}

// checkPlan refuses a plan that no run could apply in full, before
// anything is touched.
func checkPlan(p generator.Plan) error {
	isFile := make(map[string]bool, len(p.Files))
	check := func(name string) error {
		base := path.Base(name)
		switch {
		case name == "." || !fs.ValidPath(name) || strings.Contains(name, `\`):
			return fmt.Errorf("%w: %q is not a path inside the project", generator.ErrUnsafePath, name)
		case base == lockName || strings.Contains(base, tempMark) || strings.Contains(base, backupMark):
			return fmt.Errorf("%w: %s: scaffold keeps files of that name for itself while it writes; rename it", generator.ErrUnsafePath, name)
		case isFile[name]:
			return fmt.Errorf("%w: %s is in the plan twice", generator.ErrPathClash, name)
		}
		isFile[name] = true
		return nil
	}
	for _, f := range p.Files {
		if err := check(f.Path); err != nil {
			return err
		}
	}
	for _, name := range p.Remove {
		if err := check(name); err != nil {
			return err
		}
	}
	for name := range isFile {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			if isFile[d] {
				return fmt.Errorf("%w: %s is a file, and a folder of %s", generator.ErrPathClash, d, name)
			}
		}
	}
	return nil
}

// runSuffix tells one run's temporary and backup files from another's.
func runSuffix() string { return fmt.Sprintf("%08x", rand.Uint32()) }

// short cuts a file name that scaffold adds marks to, so that the result
// stays within the 255 bytes most file systems allow.
func short(name string) string {
	const most = 200
	if len(name) <= most {
		return name
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut]
}

// writeNew writes a file that must not exist yet, with its mode set
// whatever the umask. sync flushes it to disk before it is used to replace
// a file, so that a power cut cannot leave an empty file instead of either
// version. A file it could not write in full is removed.
func writeNew(fsys afero.Fs, name string, data []byte, mode fs.FileMode, sync bool) error {
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fsys.Chmod(name, mode.Perm())
	}
	if err != nil {
		_ = fsys.Remove(name)
	}
	return err
}

// mkdir creates a folder with mode 0755 whatever the umask.
func mkdir(fsys afero.Fs, name string) error {
	if err := fsys.Mkdir(name, 0o755); err != nil {
		return err
	}
	return fsys.Chmod(name, 0o755)
}

func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) { return userfile.Lstat(fsys, name) }

func exists(fsys afero.Fs, name string) bool {
	_, err := lstat(fsys, name)
	return err == nil
}

// holdsFiles reports whether dir holds anything but a lock file.
func holdsFiles(fsys afero.Fs, dir string) (bool, error) {
	names, err := readNames(fsys, dir, 2)
	if err != nil {
		return false, err
	}
	for _, n := range names {
		if n != lockName {
			return true, nil
		}
	}
	return false, nil
}

// kind is what stands at a path.
type kind int

const (
	absent kind = iota
	regularFile
	folder
)

// inspect says what stands at name, without following a link, and refuses
// what scaffold never touches.
func inspect(fsys afero.Fs, name string) (kind, fs.FileInfo, error) {
	info, err := lstat(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return absent, nil, nil
	case err != nil:
		return absent, nil, fileError("use", name, err, false)
	case info.Mode()&fs.ModeSymlink != 0:
		return absent, info, &UnsafeFileError{Path: name, Reason: "is a symbolic link",
			Fix: "scaffold never writes through links: replace it with what it points to, or move it away, then run again"}
	case info.IsDir():
		return folder, info, nil
	case !info.Mode().IsRegular():
		return absent, info, &UnsafeFileError{Path: name, Reason: "is " + userfile.TypeName(info.Mode()) + ", not a regular file",
			Fix: "move it away, then run again"}
	}
	return regularFile, info, nil
}

func hardLinkError(name string, n uint64) error {
	return &UnsafeFileError{Path: name, Reason: fmt.Sprintf("has %d hard links", n),
		Fix: "scaffold would split them, replacing only this one: make it a file of its own (cp it to a new name, then mv that back), then run again"}
}
