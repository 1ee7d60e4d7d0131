// Package diff compares a rendered project with a project on disk and
// prints the differences as a unified diff.
package diff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
)

// Kind says how a generated file differs from the one on disk.
type Kind int

const (
	// Changed files exist on disk with other content or another mode.
	Changed Kind = iota + 1
	// Missing files would be added by generating the project again.
	Missing
)

// Change is one generated file that differs from its copy on disk.
type Change struct {
	Path      string
	Kind      Kind
	Disk      []byte // nil when Missing
	Generated []byte
	// DiskMode and Mode are the permission bits; only the executable bit is compared.
	DiskMode, Mode fs.FileMode
	// Other names what stands on disk where the file would go when it is
	// not a regular file, such as "a folder" or "a symbolic link"; it is
	// never read, so that a link cannot show what it points to.
	Other string
}

// Compare lists the generated files whose copy under dir differs. Files on
// disk that the plan does not generate are the user's and not compared, and
// neither are the files the user owns once generated, such as .env.
func Compare(fsys afero.Fs, dir string, plan generator.Plan) ([]Change, error) {
	var changes []Change
	proj := userfile.Project{Fs: fsys, Dir: dir}
	for _, f := range plan.Files {
		if !compared(f) {
			continue
		}
		name := proj.Path(f.Path)
		c := Change{Path: f.Path, Kind: Changed, Generated: f.Data, Mode: f.Mode.Perm()}
		info, err := proj.Stat(f.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			c.Kind = Missing
			changes = append(changes, c)
			continue
		case err != nil:
			return nil, &userfile.FileError{Action: "read", Path: name, Err: err}
		case !info.Mode().IsRegular():
			c.Other = userfile.TypeName(info.Mode())
			changes = append(changes, c)
			continue
		}
		c.DiskMode = info.Mode().Perm()
		if info.Size() > int64(len(f.Data))+maxShown {
			// Too large to show, and surely not the generated file.
			c.Other = "a file of " + userfile.Size(info.Size())
			changes = append(changes, c)
			continue
		}
		if c.Disk, err = proj.Read(f.Path, int64(len(f.Data))+maxShown); err != nil {
			return nil, &userfile.FileError{Action: "read", Path: name, Err: err}
		}
		if !bytes.Equal(c.Disk, c.Generated) || executable(c.DiskMode) != executable(c.Mode) {
			changes = append(changes, c)
		}
	}
	return changes, nil
}

// maxShown is how much larger than the generated file a file on disk may be
// for its differences to be shown.
const maxShown = 16 << 20

// Compared counts the files of plan that Compare compares.
func Compared(plan generator.Plan) int {
	n := 0
	for _, f := range plan.Files {
		if compared(f) {
			n++
		}
	}
	return n
}

// compared is false for the files the user owns once generated.
func compared(f generator.File) bool { return !f.Keep }

// executable tells a script by its mode. Windows keeps no executable bit, so
// there no file is one, and a mode never differs.
func executable(m fs.FileMode) bool { return runtime.GOOS != "windows" && m&0o111 != 0 }

// Write prints each change as a summary line and a unified diff from the
// file on disk (a/) to the generated one (b/).
func Write(w io.Writer, changes []Change) error {
	for _, c := range changes {
		if err := writeChange(w, c); err != nil {
			return err
		}
	}
	return nil
}

func writeChange(w io.Writer, c Change) error {
	// Headers name paths as git does, quoted when they hold unusual characters.
	from, to := escape.Path("a/"+c.Path), escape.Path("b/"+c.Path)
	switch {
	case c.Other != "":
		_, err := fmt.Fprintf(w, "changed: %s (%s on disk, a file when generated)\n", escape.Path(c.Path), c.Other)
		return err
	case c.Kind == Missing:
		from = "/dev/null"
		if _, err := fmt.Fprintf(w, "missing on disk: %s\n", escape.Path(c.Path)); err != nil {
			return err
		}
	default:
		if _, err := fmt.Fprintf(w, "changed: %s\n", escape.Path(c.Path)); err != nil {
			return err
		}
		if executable(c.DiskMode) != executable(c.Mode) {
			if _, err := fmt.Fprintf(w, "mode %04o on disk, %04o when generated\n", c.DiskMode, c.Mode); err != nil {
				return err
			}
		}
	}
	if bytes.Equal(c.Disk, c.Generated) && c.Kind == Changed {
		return nil
	}
	if userfile.Binary(c.Disk) || userfile.Binary(c.Generated) {
		_, err := fmt.Fprintf(w, "Binary files %s and %s differ\n", from, to)
		return err
	}
	return difflib.WriteUnifiedDiff(w, difflib.UnifiedDiff{
		A:        lines(c.Disk),
		B:        lines(c.Generated),
		FromFile: from,
		ToFile:   to,
		Context:  3,
	})
}

// lines splits text into lines that keep their "\n", marking a last line
// without one as diff does, so that a lost final newline shows.
func lines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, string(b)+"\n\\ No newline at end of file\n")
			break
		}
		out = append(out, string(b[:i+1]))
		b = b[i+1:]
	}
	return out
}
