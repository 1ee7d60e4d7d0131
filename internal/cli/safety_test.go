package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

// diskFs is a real folder, for what an in-memory file system lacks: named
// pipes and devices. It returns the folder too.
func diskFs(t *testing.T) (afero.Fs, string) {
	t.Helper()
	root := t.TempDir()
	return afero.NewBasePathFs(afero.NewOsFs(), root), root
}

func TestAnswersFileThatIsNotAFileIsRefusedAtOnce(t *testing.T) {
	fsys, root := diskFs(t)
	if err := syscall.Mkfifo(filepath.Join(root, "answers.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fsys, "big.yaml", "answers:\n  name: x\n"+strings.Repeat("# padding\n", 120_000))
	for name, want := range map[string]string{
		"answers.yaml": "scaffold: answers file answers.yaml is a named pipe, not a regular file; pass the .scaffold.yaml file itself\n",
		"/dev/zero":    "scaffold: answers file /dev/zero is a device, not a regular file; pass the .scaffold.yaml file itself\n",
		"big.yaml":     "scaffold: answers file big.yaml is larger than 1 MiB, the most scaffold reads from it; pass the .scaffold.yaml file itself\n",
	} {
		env := testEnv(fsys)
		if name == "/dev/zero" {
			env.Fs = afero.NewOsFs()
		}
		r := run(t, harness{env: env}, "new", "--config", name, "--no-input")
		if r.code != ExitUsage || r.stderr != want {
			t.Errorf("%s: exit %d, stderr %q\nwant %q", name, r.code, r.stderr, want)
		}
	}
}

func TestPathsArePrintedEscaped(t *testing.T) {
	fsys := acmeFs(t)
	writeFile(t, fsys, "acme/files/evil\x1b]0;pwned\x07.txt", "x\n")
	r := run(t, harness{fs: fsys}, "new", "shop", "--yes", "--template", "acme", "--set", "team=a", "--set", "pager=false", "--dry-run")
	if r.code != ExitOK || strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, `"shop/evil\x1b]0;pwned\a.txt"`) {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	if r := run(t, harness{fs: fsys}, "new", "shop", "--yes", "--template", "acme", "--set", "team=a", "--set", "pager=false"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	if err := fsys.Remove("shop/evil\x1b]0;pwned\x07.txt"); err != nil {
		t.Fatal(err)
	}
	r = run(t, harness{fs: fsys}, "diff", "shop")
	if strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, `missing on disk: "evil\x1b]0;pwned\a.txt"`) {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

// cancelFs cancels a run at its first write inside the project.
type cancelFs struct {
	afero.Fs
	once   sync.Once
	cancel func()
}

func (c *cancelFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&os.O_CREATE != 0 && strings.Contains(name, "myapi") && !strings.Contains(name, "lock") {
		c.once.Do(c.cancel)
	}
	return c.Fs.OpenFile(name, flag, perm)
}

func (c *cancelFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	return c.Fs.(afero.Lstater).LstatIfPossible(name)
}

func TestInterruptWhileWritingUndoesIt(t *testing.T) {
	for _, force := range []bool{false, true} {
		fsys := newFs(t)
		args := []string{"new", "myapi", "--yes"}
		want := "scaffold: interrupted; nothing was written\n"
		if force {
			if r := run(t, harness{fs: fsys}, args...); r.code != ExitOK {
				t.Fatal(r.stderr)
			}
			writeFile(t, fsys, "myapi/README.md", "mine\n")
			args = append(args, "--force", "--discard-changes")
			want = "scaffold: interrupted; every file is as it was\n"
		}
		before := tree(t, fsys, ".")
		ctx, cancel := context.WithCancelCause(context.Background())
		cancelled := &cancelFs{Fs: fsys, cancel: func() { cancel(&interruptedError{Signal: os.Interrupt, Err: context.Canceled}) }}
		r := run(t, harness{ctx: ctx, fs: cancelled}, args...)
		if r.code != ExitInterrupted || r.stderr != want {
			t.Errorf("force %v: exit %d, stderr %q; want %q", force, r.code, r.stderr, want)
		}
		if after := tree(t, fsys, "."); !equalTrees(before, after) {
			t.Errorf("force %v: the tree changed", force)
		}
	}
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// failingStdout is an output whose reader went away.
type failingStdout struct{}

func (failingStdout) Write([]byte) (int, error) { return 0, syscall.EPIPE }

func TestClosedStdoutStillWritesTheProject(t *testing.T) {
	fsys := newFs(t)
	env := testEnv(fsys)
	var stderr bytes.Buffer
	e := *env
	e.Args, e.Stdout, e.Stderr = []string{"new", "myapi", "--yes"}, failingStdout{}, &stderr
	code := Run(context.Background(), e)
	if code != ExitFailure || stderr.String() != "scaffold: could not print to standard output (broken pipe), so some of the report is missing; the run itself finished\n" {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
	if !exists(fsys, "myapi/.scaffold.yaml") {
		t.Error("the project was not written")
	}
}

// Full disks and permissions are told with their own fixes; choosing
// another folder is only offered where it helps.
func TestWriteFailuresNameTheirFix(t *testing.T) {
	for _, tc := range []struct {
		err   error
		force bool
		want  string
	}{
		{syscall.ENOSPC, false, "cannot write myapi/.dockerignore: no space left on device; free some disk space, then run again; nothing was written"},
		{syscall.ENOSPC, true, "cannot write myapi/.dockerignore: no space left on device; free some disk space, then run again; every file is as it was"},
		{syscall.EACCES, true, "cannot write myapi/.dockerignore: permission denied; get write access to myapi, then run again; every file is as it was"},
		{syscall.EROFS, false, "cannot write myapi/.dockerignore: read-only file system; choose another output folder; nothing was written"},
	} {
		fsys := newFs(t)
		if tc.force {
			if r := run(t, harness{fs: fsys}, "new", "myapi", "--yes"); r.code != ExitOK {
				t.Fatal(r.stderr)
			}
		}
		args := []string{"new", "myapi", "--yes"}
		if tc.force {
			args = append(args, "--force")
		}
		r := run(t, harness{fs: &failOnWrite{Fs: fsys, err: tc.err}}, args...)
		if r.code != ExitFailure || r.stderr != "scaffold: "+tc.want+"\n" {
			t.Errorf("%v, force %v: exit %d, stderr %q\nwant %q", tc.err, tc.force, r.code, r.stderr, tc.want)
		}
	}
}

// failOnWrite fails creating any file but a lock file.
type failOnWrite struct {
	afero.Fs
	err error
}

func (f *failOnWrite) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&os.O_CREATE != 0 && !strings.Contains(name, "lock") {
		return nil, &os.PathError{Op: "open", Path: name, Err: f.err}
	}
	return f.Fs.OpenFile(name, flag, perm)
}

func (f *failOnWrite) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	return f.Fs.(afero.Lstater).LstatIfPossible(name)
}

// TestNamesArePrintedEscaped keeps control characters from a project
// folder's name and from the answers file's template.name off the
// terminal: an OSC sequence there would retitle it, or worse.
func TestNamesArePrintedEscaped(t *testing.T) {
	const osc = "\x1b]0;x\x07"
	env, _ := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi", "--git=false")
	dir := "my" + osc + "api"
	if err := env.Fs.Rename("myapi", dir); err != nil {
		t.Fatal(err)
	}
	r := run(t, harness{env: env}, "add", "resource", "books", "title:str", "--project", dir)
	if r.code != ExitOK || strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") || !strings.Contains(r.stdout, `"my\x1b]0;x\aapi"`) {
		t.Errorf("add resource: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	name := dir + "/.scaffold.yaml"
	data, err := afero.ReadFile(env.Fs, name)
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(data), "  name: django-drf\n", `  name: "django-drf\e]0;x\a"`+"\n", 1)
	if renamed == string(data) {
		t.Fatalf("%s has no template name to change:\n%s", name, data)
	}
	writeFile(t, env.Fs, name, renamed)
	for _, args := range [][]string{{"--dry-run", "--celery"}, {"--check", "--celery"}, {"--celery"}, {}} {
		r := updateIn(t, env, append([]string{dir}, args...)...)
		if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") || !strings.Contains(r.stdout+r.stderr, `\x1b]0;x\a`) {
			t.Errorf("update %v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}
