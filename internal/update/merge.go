package update

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/djscaffold/scaffold/internal/userfile"
)

// Git runs git with args in dir and returns what it printed on stdout, also
// when it fails. A git that exits non-zero gives an error wrapping its
// *exec.ExitError; a nil Git means git is not installed.
type Git func(ctx context.Context, dir string, args ...string) ([]byte, error)

// ErrNoGit means a step needs git and git was not found.
var ErrNoGit = errors.New("git was not found")

// Labels name the sides of a merge in its conflict markers.
type Labels struct {
	Ours   string // the project on disk, such as "myapi (yours)"
	Base   string // what scaffold generated before
	Theirs string // the new render, such as "django-drf 1.1.0 (scaffold update)"
}

// Merger merges three versions of a file: what the user changed from base
// to ours, and what the templates changed from base to theirs.
type Merger interface {
	Merge(ctx context.Context, ours, base, theirs []byte, l Labels) (Result, error)
}

// Result is a merged file.
type Result struct {
	Data      []byte
	Conflicts int // conflict blocks written into Data
}

// GitMerger merges with git merge-file, the merge machinery git itself uses,
// so that conflicts look exactly like those of a git merge.
type GitMerger struct {
	Git Git
	// TempDir holds the three versions while git reads them; "" is the
	// system's temporary folder.
	TempDir string
}

// merge-file exits with the number of conflicts, capped at 127, and with a
// higher code (255 for its -1) when it cannot merge at all.
const maxConflictExit = 127

// Merge runs git merge-file on copies of the three versions in a private
// folder outside any repository. The conflict style is fixed on the command
// line, so that the user's git configuration never changes the result.
func (m GitMerger) Merge(ctx context.Context, ours, base, theirs []byte, l Labels) (Result, error) {
	if m.Git == nil {
		return Result{}, ErrNoGit
	}
	if userfile.Binary(ours) || userfile.Binary(base) || userfile.Binary(theirs) {
		return Result{}, ErrBinary
	}
	dir, err := os.MkdirTemp(m.TempDir, "scaffold-merge-")
	if err != nil {
		return Result{}, fmt.Errorf("create a folder for merging: %w", err)
	}
	defer os.RemoveAll(dir)
	names := [3]string{"ours", "base", "theirs"}
	for i, data := range [3][]byte{ours, base, theirs} {
		if err := os.WriteFile(filepath.Join(dir, names[i]), data, 0o600); err != nil {
			return Result{}, fmt.Errorf("write a file to merge: %w", err)
		}
	}
	// The diff3 style shows the base of each conflict, so that the user
	// sees what the templates changed; refine then shrinks each block to
	// the lines that both sides changed.
	out, err := m.Git(ctx, dir, "-c", "merge.conflictStyle=diff3", "merge-file", "--diff3", "--stdout", "--marker-size=7",
		"-L", l.Ours, "-L", l.Base, "-L", l.Theirs, names[0], names[1], names[2])
	if err == nil {
		return Result{Data: out}, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return Result{}, ctxErr
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() <= maxConflictExit {
		out = refine(out, l)
		return Result{Data: out, Conflicts: countConflicts(out)}, nil
	}
	return Result{}, fmt.Errorf("git merge-file: %w", err)
}

// ErrBinary means a file that is not text (userfile.Binary) changed on both
// sides: there is no line to put conflict markers around.
var ErrBinary = errors.New("binary file")
