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

// diskFs is a real folder, for what an in-memory file system lacks: links,
// named pipes and devices. It returns the folder too.
func diskFs(t *testing.T) (afero.Fs, string) {
	t.Helper()
	root := t.TempDir()
	return afero.NewBasePathFs(afero.NewOsFs(), root), root
}

const secret = "aws_secret_access_key = AKIA-not-for-you"

// outsideSecret is a file outside the folder scaffold works in.
func outsideSecret(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(p, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestForceNeverWritesThroughALink(t *testing.T) {
	fsys, root := diskFs(t)
	if r := run(t, fsys, "new", "myapi", "--yes"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	outside := outsideSecret(t)
	settings := filepath.Join(root, "myapi", "config", "settings.py")
	if err := os.Remove(settings); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, settings); err != nil {
		t.Fatal(err)
	}
	r := run(t, fsys, "new", "myapi", "--yes", "--force")
	want := "scaffold: myapi/config/settings.py is a symbolic link; scaffold never writes through links: replace it with what it points to, or move it away, then run again; every file is as it was\n"
	if r.code != ExitFailure || r.stderr != want {
		t.Errorf("exit %d, stderr %q\nwant %q", r.code, r.stderr, want)
	}
	if data, _ := os.ReadFile(outside); string(data) != secret+"\n" {
		t.Errorf("the file outside changed: %q", data)
	}
	if target, err := os.Readlink(settings); err != nil || target != outside {
		t.Errorf("the link changed: %q, %v", target, err)
	}
}

func TestPackLinkIsRefusedAndNeverRead(t *testing.T) {
	outside := outsideSecret(t)
	for name, link := range map[string]string{
		"a file":         "acme/files/NOTES.md",
		"files/ itself":  "acme/files",
		"pack.yaml":      "acme/pack.yaml",
		"a nested file":  "acme/files/docs/deep/NOTES.md",
		"a folder on it": "acme/files/docs",
	} {
		t.Run(name, func(t *testing.T) {
			fsys, root := diskFs(t)
			if err := fsys.MkdirAll("acme/files", 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, fsys, "acme/pack.yaml", "name: acme\nversion: 1.0.0\n")
			writeFile(t, fsys, "acme/files/README.md", "# acme\n")
			p := filepath.Join(root, filepath.FromSlash(link))
			if err := os.RemoveAll(p); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			target := outside
			if name == "files/ itself" || name == "a folder on it" {
				target = filepath.Dir(outside)
			}
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"new", "shop", "--yes", "--template", "acme"},
				{"new", "shop", "--yes", "--template", "acme", "--dry-run"},
			} {
				r := run(t, fsys, args...)
				if r.code != ExitUsage || !strings.HasPrefix(r.stderr, "scaffold: "+link+": is a symbolic link") {
					t.Errorf("%q: exit %d, stderr %q; want a usage error naming %s", args, r.code, r.stderr, link)
				}
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("%q printed what the link points to", args)
				}
				if exists(fsys, "shop") {
					t.Errorf("%q wrote shop", args)
				}
			}
		})
	}
}

func TestDiffNeverShowsWhatALinkPointsTo(t *testing.T) {
	fsys, root := diskFs(t)
	if r := run(t, fsys, "new", "myapi", "--yes"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	outside := outsideSecret(t)
	readme := filepath.Join(root, "myapi", "README.md")
	if err := os.Remove(readme); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, readme); err != nil {
		t.Fatal(err)
	}
	r := run(t, fsys, "diff", "myapi")
	if r.code != ExitFailure || !strings.Contains(r.stdout, "changed: README.md (a symbolic link on disk, a file when generated)\n") {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, secret) {
		t.Error("diff printed what the link points to")
	}

	answers := filepath.Join(root, "myapi", ".scaffold.yaml")
	if err := os.Remove(answers); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, answers); err != nil {
		t.Fatal(err)
	}
	r = run(t, fsys, "diff", "myapi")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "myapi/.scaffold.yaml is a symbolic link") || strings.Contains(r.stderr, secret) {
		t.Errorf("exit %d, stderr %q; want a usage error about the link", r.code, r.stderr)
	}
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
		r := runEnv(context.Background(), env, "new", "--config", name, "--no-input")
		if r.code != ExitUsage || r.stderr != want {
			t.Errorf("%s: exit %d, stderr %q\nwant %q", name, r.code, r.stderr, want)
		}
	}
}

func TestBadTemplatePathInTheAnswersFileIsAUsageError(t *testing.T) {
	fsys := newFs(t)
	writeFile(t, fsys, "a.yaml", "template:\n  name: acme\n  version: 1.0.0\n  path: /dev/null/acme\nanswers:\n  name: shop\n")
	r := run(t, fsys, "new", "--config", "a.yaml", "--no-input")
	want := `scaffold: a.yaml line 4: template.path "/dev/null/acme": file does not exist; correct it, or name the pack with --pack` + "\n"
	if r.code != ExitUsage || r.stderr != want {
		t.Errorf("exit %d, stderr %q\nwant %q", r.code, r.stderr, want)
	}
}

func TestPathsArePrintedEscaped(t *testing.T) {
	fsys := acmeFs(t)
	writeFile(t, fsys, "acme/files/evil\x1b]0;pwned\x07.txt", "x\n")
	r := run(t, fsys, "new", "shop", "--yes", "--template", "acme", "--set", "team=a", "--set", "pager=false", "--dry-run")
	if r.code != ExitOK || strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, `"shop/evil\x1b]0;pwned\a.txt"`) {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
	if r := run(t, fsys, "new", "shop", "--yes", "--template", "acme", "--set", "team=a", "--set", "pager=false"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	if err := fsys.Remove("shop/evil\x1b]0;pwned\x07.txt"); err != nil {
		t.Fatal(err)
	}
	r = run(t, fsys, "diff", "shop")
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
			if r := run(t, fsys, args...); r.code != ExitOK {
				t.Fatal(r.stderr)
			}
			writeFile(t, fsys, "myapi/README.md", "mine\n")
			args = append(args, "--force")
			want = "scaffold: interrupted; every file is as it was\n"
		}
		before := tree(t, fsys, ".")
		ctx, cancel := context.WithCancelCause(context.Background())
		cancelled := &cancelFs{Fs: fsys, cancel: func() { cancel(&InterruptedError{Signal: os.Interrupt, Err: context.Canceled}) }}
		r := runEnv(ctx, testEnv(cancelled), args...)
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
			if r := run(t, fsys, "new", "myapi", "--yes"); r.code != ExitOK {
				t.Fatal(r.stderr)
			}
		}
		args := []string{"new", "myapi", "--yes"}
		if tc.force {
			args = append(args, "--force")
		}
		r := run(t, &failOnWrite{Fs: fsys, err: tc.err}, args...)
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
