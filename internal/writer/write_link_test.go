package writer

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// trap is something a run must not write through or replace, put at a
// path of the project. outside is a folder beside the project whose files
// must stay untouched.
type trap struct {
	name string
	// make puts the trap at p; it returns false when the trap does not
	// apply to what p is (a file or a folder of the plan).
	make func(t *testing.T, p, outside string, isFolder bool) bool
	want string // how the error describes the trap
}

var traps = []trap{
	{"absolute symlink", func(t *testing.T, p, outside string, isFolder bool) bool {
		target := filepath.Join(outside, "file")
		if isFolder {
			target = filepath.Join(outside, "folder")
		}
		replaceWith(t, p, func() error { return os.Symlink(target, p) })
		return true
	}, "is a symbolic link"},
	{"relative symlink", func(t *testing.T, p, outside string, isFolder bool) bool {
		target := filepath.Join(outside, "file")
		if isFolder {
			target = filepath.Join(outside, "folder")
		}
		rel, err := filepath.Rel(filepath.Dir(p), target)
		if err != nil {
			t.Fatal(err)
		}
		replaceWith(t, p, func() error { return os.Symlink(rel, p) })
		return true
	}, "is a symbolic link"},
	{"dangling symlink", func(t *testing.T, p, outside string, _ bool) bool {
		replaceWith(t, p, func() error { return os.Symlink(filepath.Join(outside, "nothing"), p) })
		return true
	}, "is a symbolic link"},
	{"symlink to itself", func(t *testing.T, p, _ string, _ bool) bool {
		replaceWith(t, p, func() error { return os.Symlink(filepath.Base(p), p) })
		return true
	}, "is a symbolic link"},
	{"hard link to a file outside", func(t *testing.T, p, outside string, isFolder bool) bool {
		if isFolder {
			return false
		}
		replaceWith(t, p, func() error { return os.Link(filepath.Join(outside, "file"), p) })
		return true
	}, "has 2 hard links"},
	{"named pipe", func(t *testing.T, p, _ string, _ bool) bool {
		replaceWith(t, p, func() error { return syscall.Mkfifo(p, 0o644) })
		return true
	}, "is a named pipe, not a regular file"},
	{"socket", func(t *testing.T, p, _ string, _ bool) bool {
		if len(p) > 100 {
			return false
		}
		replaceWith(t, p, func() error {
			l, err := net.Listen("unix", p)
			if err != nil {
				return err
			}
			// Closing a listener removes its socket file; this one stays.
			l.(*net.UnixListener).SetUnlinkOnClose(false)
			return l.Close()
		})
		return true
	}, "is a socket, not a regular file"},
}

// replaceWith removes whatever is at p and makes something else there.
func replaceWith(t *testing.T, p string, make func() error) {
	t.Helper()
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := make(); err != nil {
		t.Fatal(err)
	}
}

// Every path a --force run touches, at every depth, is checked: a link or
// special file there stops the run before it changes anything, with one
// line that names it, and nothing outside the project is touched.
func TestForceRefusesLinksAndSpecialFilesAtEveryDepth(t *testing.T) {
	t.Parallel()
	slots := map[string]bool{} // project path -> is a folder
	for _, f := range forcePlan().Files {
		slots[f.Path] = false
		for _, d := range folders(f.Path) {
			slots[d] = true
		}
	}
	for _, name := range forcePlan().Remove {
		slots[name] = false
	}
	delete(slots, "never-there.py") // covered as a file that is not there
	for _, tr := range traps {
		for slot, isFolder := range slots {
			t.Run(tr.name+"/"+slot, func(t *testing.T) {
				root, dir := forceProject(t)
				outside := filepath.Join(root, "outside")
				writeTree(t, outside, map[string]string{"file": "outside file\n", "folder/": ""}, nil)
				p := join(dir, slot)
				if !tr.make(t, p, outside, isFolder) {
					t.Skip("does not apply")
				}
				before := diskTree(t, root)
				res, err := Apply(context.Background(), afero.NewOsFs(), dir, forcePlan(), Options{Existing: true})
				if slot == ".env" {
					// What stands where the plan keeps a file is left alone, never opened or followed.
					if err != nil || strings.Join(res.Kept, ",") != ".env" {
						t.Fatalf("Apply = %v, kept %q; want .env kept", err, res.Kept)
					}
					if line := entryLine(before, "p/.env"); line != entryLine(diskTree(t, root), "p/.env") {
						t.Errorf(".env changed from %s", line)
					}
					if want, got := entryLine(before, "outside/file"), entryLine(diskTree(t, root), "outside/file"); got != want {
						t.Errorf("outside/file changed from %s to %s", want, got)
					}
					return
				}
				if !errors.Is(err, ErrUnsafeFile) {
					t.Fatalf("Apply = %v; want ErrUnsafeFile", err)
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, p+" "+tr.want+"; ") || strings.Contains(msg, "\n") {
					t.Errorf("message %q; want one line that starts with %q", msg, p+" "+tr.want)
				}
				if after := diskTree(t, root); after != before {
					t.Errorf("the tree changed:\nbefore\n%s\nafter\n%s", before, after)
				}
			})
		}
	}
}

func TestNewProjectRefusesALinkedProjectFolder(t *testing.T) {
	for _, force := range []bool{false, true} {
		root := t.TempDir()
		real := filepath.Join(root, "real")
		if err := os.Mkdir(real, 0o755); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, "p")
		if err := os.Symlink(real, dir); err != nil {
			t.Fatal(err)
		}
		before := diskTree(t, root)
		err := CheckTarget(afero.NewOsFs(), dir, force)
		_, werr := Apply(context.Background(), afero.NewOsFs(), dir, samplePlan(), Options{Existing: force})
		for _, err := range []error{err, werr} {
			if !errors.Is(err, ErrUnsafeFile) || !strings.HasPrefix(err.Error(), dir+" is a symbolic link; scaffold writes only into real folders") {
				t.Errorf("force %v: %v; want a refused link", force, err)
			}
		}
		if after := diskTree(t, root); after != before {
			t.Errorf("the tree changed:\n%s", after)
		}
	}
}

// A named pipe where the run reads or writes would block it forever; it
// is refused at once instead.
func TestNamedPipeInTheProjectDoesNotBlock(t *testing.T) {
	root, dir := forceProject(t)
	if err := os.Remove(filepath.Join(dir, "README.md")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "README.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := diskTree(t, root)
	done := make(chan error, 1)
	go func() {
		_, err := Apply(context.Background(), afero.NewOsFs(), dir, forcePlan(), Options{Existing: true})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrUnsafeFile) {
			t.Errorf("Apply = %v; want ErrUnsafeFile", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Apply blocked on a named pipe")
	}
	if after := diskTree(t, root); after != before {
		t.Errorf("the tree changed:\n%s", after)
	}
}

// Links above the project folder are the user's choice of where it goes,
// such as /tmp on macOS, and are followed.
func TestLinksAboveTheProjectAreFollowed(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(context.Background(), afero.NewOsFs(), filepath.Join(root, "link", "p"), samplePlan(), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(real, "p", "README.md")); err != nil {
		t.Error(err)
	}
}

// entryLine is the line of a diskTree about one path.
func entryLine(tree, name string) string {
	for line := range strings.SplitSeq(tree, "\n") {
		if strings.HasPrefix(line, name+" ") {
			return line
		}
	}
	return ""
}
