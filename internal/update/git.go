package update

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
)

// Uncommitted lists what git status reports under dir: changed, staged and
// untracked files, but not ignored ones such as .env. repo is false when
// dir is in no git repository. Without git, a .git folder in dir or above
// it is an error, since nothing can tell whether the project is clean.
func Uncommitted(ctx context.Context, git Git, fsys afero.Fs, dir string) (paths []string, repo bool, err error) {
	if git == nil {
		if top, found := findGitDir(fsys, dir); found {
			return nil, true, fmt.Errorf("%s is in the git repository %s, and scaffold checks it for uncommitted changes with git, but %w; install git, or pass --allow-dirty", dir, top, ErrNoGit)
		}
		return nil, false, nil
	}
	if _, err := git(ctx, dir, "rev-parse", "--show-toplevel"); err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, nil
	}
	out, err := git(ctx, dir, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
	if err != nil {
		if ctx.Err() != nil {
			return nil, true, ctx.Err()
		}
		return nil, true, fmt.Errorf("check %s for uncommitted changes: %w", dir, err)
	}
	// Each entry is "XY path", NUL-terminated; a rename is followed by its
	// old path, which is one more entry of its own.
	entries := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i < len(entries); i++ {
		e := entries[i]
		if len(e) < 4 {
			continue
		}
		if path.Base(e[3:]) == lockFile && e[:2] == "??" {
			continue // the lock of the run that asks
		}
		paths = append(paths, e[3:])
		if e[0] == 'R' || e[0] == 'C' {
			i++
		}
	}
	return paths, true, nil
}

// lockFile is the lock that a run writing the project holds while it
// plans (internal/writer), untracked as long as it lives.
const lockFile = ".scaffold-lock"

// findGitDir looks for .git in dir and the folders above it.
func findGitDir(fsys afero.Fs, dir string) (string, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := fsys.Stat(filepath.Join(d, ".git")); err == nil {
			return d, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// PackCommit returns the last commit that changed dir, a template pack's
// folder, in the git repository that holds it, and whether the pack's files
// are all committed: only then does the commit hold what is rendered. A
// commit elsewhere in the repository is no change to the pack, so that a
// project's answers file changes only when its pack does. commit is ""
// when dir is in no repository, or has no commit yet.
func PackCommit(ctx context.Context, git Git, dir string) (commit string, clean bool, err error) {
	if git == nil {
		return "", false, nil
	}
	out, err := git(ctx, dir, "log", "-1", "--format=%H", "--", ".")
	if err != nil {
		// Not a repository, or one without a commit yet.
		return "", false, ctx.Err()
	}
	commit = strings.TrimSpace(string(out))
	if commit == "" {
		return "", false, nil
	}
	status, err := git(ctx, dir, "status", "--porcelain=v1", "--untracked-files=all", "--", ".")
	if err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		return "", false, fmt.Errorf("check template pack %s for uncommitted changes: %w", dir, err)
	}
	return commit, len(bytes.TrimSpace(status)) == 0, nil
}

// ErrNoCommit means a pack's repository does not have the recorded commit,
// such as after a rewrite of its history or in a shallow clone.
var ErrNoCommit = errors.New("commit not found")

// PackAt reads the template pack in dir as it was at commit, from the git
// repository that holds dir, into memory, without the network or a change
// to the repository. The pack's folder is root on the returned file system.
func PackAt(ctx context.Context, git Git, dir, commit string) (fsys afero.Fs, root string, err error) {
	if git == nil {
		return nil, "", ErrNoGit
	}
	where, err := git(ctx, dir, "rev-parse", "--show-toplevel", "--show-prefix")
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "", fmt.Errorf("template pack %s is not in a git repository any more: %w", dir, err)
	}
	top, prefix, _ := strings.Cut(strings.TrimSuffix(string(where), "\n"), "\n")
	if _, err := git(ctx, dir, "cat-file", "-e", commit+"^{commit}"); err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "", fmt.Errorf("%w: %s in the repository of %s", ErrNoCommit, commit, dir)
	}
	// commit:path names the pack's own folder, whatever the current folder;
	// the archive's paths are then relative to it.
	// git archive runs at the top, as from a folder it would keep to that folder.
	tree := commit + ":" + strings.TrimSuffix(prefix, "/")
	out, err := git(ctx, top, "archive", "--format=tar", tree)
	if err != nil {
		if ctx.Err() != nil {
			return nil, "", ctx.Err()
		}
		return nil, "", fmt.Errorf("read template pack %s at %s: %w", dir, commit, err)
	}
	root = "/pack"
	fsys = afero.NewMemMapFs()
	if err := untar(fsys, root, bytes.NewReader(out)); err != nil {
		return nil, "", fmt.Errorf("read template pack %s at %s: %w", dir, commit, err)
	}
	return fsys, root, nil
}

// untar writes the folders and regular files of a tar archive under root;
// links are left out, as scaffold never follows one.
func untar(fsys afero.Fs, root string, r io.Reader) error {
	if err := fsys.MkdirAll(root, 0o755); err != nil {
		return err
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := strings.TrimSuffix(h.Name, "/")
		if !fs.ValidPath(name) || name == "." {
			continue
		}
		target := path.Join(root, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := fsys.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := fsys.MkdirAll(path.Dir(target), 0o755); err != nil {
				return err
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := afero.WriteFile(fsys, target, data, fs.FileMode(h.Mode).Perm()); err != nil {
				return err
			}
		}
	}
}
