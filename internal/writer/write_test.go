package writer

import (
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
)

func samplePlan() generator.Plan {
	return generator.Plan{Files: []generator.File{
		{Path: ".env", Mode: 0o644, Data: []byte("SECRET=new\n"), Keep: true},
		{Path: "README.md", Mode: 0o644, Data: []byte("# readme\n")},
		{Path: "app/__init__.py", Mode: 0o644},
		{Path: "app/deep/models.py", Mode: 0o644, Data: []byte("x = 1\n")},
		{Path: "start.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
	}}
}

// snapshot lists every path and content under root, to prove a failed
// write left nothing behind.
func snapshot(t *testing.T, fsys afero.Fs, root string) []string {
	t.Helper()
	var out []string
	err := afero.Walk(fsys, root, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		entry := p + " " + info.Mode().String()
		if !info.IsDir() {
			data, err := afero.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			entry += " " + string(data)
		}
		out = append(out, entry)
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestWriteNewProject(t *testing.T) {
	fsys := afero.NewMemMapFs()
	res, err := Write(fsys, "/out/myapi", samplePlan(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Written) != 5 || len(res.Kept) != 0 {
		t.Errorf("result = %+v", res)
	}
	info, err := fsys.Stat("/out/myapi/start.sh")
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("start.sh: %v %v", info, err)
	}
	if data, _ := afero.ReadFile(fsys, "/out/myapi/app/deep/models.py"); string(data) != "x = 1\n" {
		t.Errorf("models.py = %q", data)
	}
}

func TestWriteIntoEmptyFolder(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := fsys.MkdirAll("/out/myapi", 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(fsys, "/out/myapi", samplePlan(), false); err != nil {
		t.Fatal(err)
	}
}

func TestWriteRefusesNonEmptyFolder(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := afero.WriteFile(fsys, "/out/myapi/notes.txt", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, fsys, "/")
	_, err := Write(fsys, "/out/myapi", samplePlan(), false)
	if !errors.Is(err, ErrTargetNotEmpty) || !strings.Contains(err.Error(), "/out/myapi") {
		t.Fatalf("Write = %v, want ErrTargetNotEmpty naming the folder", err)
	}
	if after := snapshot(t, fsys, "/"); strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("the folder changed:\n%v\n%v", before, after)
	}
}

func TestWriteRefusesFileInTheWay(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := afero.WriteFile(fsys, "/out/myapi", []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(fsys, "/out/myapi", samplePlan(), true); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("Write = %v, want a not-a-folder error", err)
	}
}

func TestWriteForceOverwritesGeneratedFilesOnly(t *testing.T) {
	fsys := afero.NewMemMapFs()
	files := map[string]string{
		"/p/README.md": "old readme", "/p/.env": "SECRET=mine\n", "/p/mine.py": "keep me", "/p/start.sh": "old",
	}
	for name, data := range files {
		if err := afero.WriteFile(fsys, name, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res, err := Write(fsys, "/p", samplePlan(), true)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string { b, _ := afero.ReadFile(fsys, name); return string(b) }
	if read("/p/README.md") != "# readme\n" {
		t.Error("README.md was not overwritten")
	}
	if read("/p/.env") != "SECRET=mine\n" {
		t.Error(".env was overwritten; its secrets must be kept")
	}
	if read("/p/mine.py") != "keep me" {
		t.Error("a file scaffold does not generate was touched")
	}
	if info, _ := fsys.Stat("/p/start.sh"); info.Mode().Perm() != 0o755 {
		t.Errorf("start.sh mode %v, want 0755", info.Mode())
	}
	if strings.Join(res.Kept, ",") != ".env" {
		t.Errorf("kept = %v", res.Kept)
	}
}

// failingFs fails the nth file write, like a disk that fills up part-way.
type failingFs struct {
	afero.Fs
	n      int
	writes int
}

var errDiskFull = syscall.ENOSPC

func (f *failingFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		f.writes++
		if f.writes == f.n {
			return nil, &os.PathError{Op: "open", Path: name, Err: errDiskFull}
		}
	}
	return f.Fs.OpenFile(name, flag, perm)
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	for n := 1; n <= len(samplePlan().Files); n++ {
		mem := afero.NewMemMapFs()
		if err := mem.MkdirAll("/out", 0o755); err != nil {
			t.Fatal(err)
		}
		fsys := &failingFs{Fs: mem, n: n}
		_, err := Write(fsys, "/out/myapi/nested", samplePlan(), false)
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("write %d: Write = %v, want ENOSPC", n, err)
		}
		if got := snapshot(t, mem, "/"); strings.Join(got, "|") != "/ drwxr-xr-x|/out drwxr-xr-x" {
			t.Errorf("write %d failed but left %v", n, got)
		}
	}
}

func TestWriteFailureRestoresOverwrittenFiles(t *testing.T) {
	mem := afero.NewMemMapFs()
	if err := afero.WriteFile(mem, "/p/README.md", []byte("old readme"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(mem, "/p/mine.txt", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, mem, "/")
	// README.md is the second write, start.sh the last: the failure comes after an overwrite.
	fsys := &failingFs{Fs: mem, n: len(samplePlan().Files)}
	if _, err := Write(fsys, "/p", samplePlan(), true); !errors.Is(err, errDiskFull) {
		t.Fatalf("Write = %v, want ENOSPC", err)
	}
	if after := snapshot(t, mem, "/"); strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Errorf("a failed forced write changed the folder:\nbefore %v\nafter  %v", before, after)
	}
}

func TestWriteOnDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "myapi")
	if _, err := Write(afero.NewOsFs(), dir, samplePlan(), false); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "start.sh"))
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Fatalf("start.sh: %v, %v", info, err)
	}
}

func TestWriteErrorsAreOneLineWithoutGoJargon(t *testing.T) {
	tmp := t.TempDir()
	afile := filepath.Join(tmp, "afile")
	if err := os.WriteFile(afile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	mem := afero.NewMemMapFs()
	tests := []struct {
		name   string
		fsys   afero.Fs
		dir    string
		want   string
		target error
	}{
		{"under a file", afero.NewOsFs(), filepath.Join(afile, "p1"),
			"cannot use " + filepath.Join(afile, "p1") + ": not a directory; choose another output folder", syscall.ENOTDIR},
		{"read-only", afero.NewReadOnlyFs(mem), "/ro/deep",
			"cannot create folder /ro: operation not permitted; choose another output folder, or get write access to /; nothing was written", fs.ErrPermission},
		{"disk full", &failingFs{Fs: mem, n: 2}, "/full",
			"cannot write /full/.env: no space left on device; free some disk space, then run again; nothing was written", errDiskFull},
	}
	for _, tt := range tests {
		_, err := Write(tt.fsys, tt.dir, samplePlan(), false)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Write = %v\nwant %s", tt.name, err, tt.want)
		}
		if !errors.Is(err, tt.target) {
			t.Errorf("%s: errors.Is(%v, %v) = false", tt.name, err, tt.target)
		}
		if _, ok := errors.AsType[*userfile.FileError](err); !ok {
			t.Errorf("%s: %v is not a *userfile.FileError", tt.name, err)
		}
	}
}

// A new project never exists in part under its name: it is written in a
// staging folder beside it, which is renamed at the end.
func TestNewProjectAppearsAtOnce(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "p")
	seen, renamed := 0, false
	ffs := &faultFs{Fs: afero.NewOsFs(), onChange: func(_ int, op, name string) {
		if _, err := os.Lstat(dir); err == nil && !renamed {
			t.Errorf("%s exists while the run still does %s %s", dir, op, name)
		}
		renamed = renamed || op == "rename"
		if strings.HasPrefix(name, filepath.Join(root, ".p"+stagingMark)) {
			seen++
		}
	}}
	var prepared string
	res, err := Apply(context.Background(), ffs, dir, samplePlan(), Options{Prepare: func(_ context.Context, d string) error {
		prepared = d
		if _, err := os.Lstat(dir); err == nil {
			t.Errorf("%s exists while Prepare runs", dir)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if seen == 0 {
		t.Error("nothing was written in the staging folder")
	}
	if prepared != filepath.Join(root, ".p"+stagingMark) || !res.Prepared {
		t.Errorf("Prepare ran in %q (Prepared %v); want the staging folder", prepared, res.Prepared)
	}
	if got := strings.Join(readDir(t, root), ","); got != "p" {
		t.Errorf("the parent holds %s", got)
	}
}

func TestPrepareErrorOrInterruptUndoesTheNewProject(t *testing.T) {
	boom := errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	for name, tc := range map[string]struct {
		ctx     context.Context
		prepare func(context.Context, string) error
		want    error
	}{
		"error":     {context.Background(), func(context.Context, string) error { return boom }, boom},
		"interrupt": {ctx, func(context.Context, string) error { cancel(); return nil }, context.Canceled},
	} {
		root := t.TempDir()
		res, err := Apply(tc.ctx, afero.NewOsFs(), filepath.Join(root, "p"), samplePlan(), Options{Prepare: tc.prepare})
		if !errors.Is(err, tc.want) || !strings.HasSuffix(err.Error(), "; nothing was written") {
			t.Errorf("%s: Apply = %v", name, err)
		}
		if len(res.Written) > 0 || res.Prepared {
			t.Errorf("%s: result %+v after a failure", name, res)
		}
		if got := readDir(t, root); len(got) > 0 {
			t.Errorf("%s: left %v", name, got)
		}
	}
}

func TestPrepareDoesNotRunInAnExistingFolder(t *testing.T) {
	dir := t.TempDir()
	res, err := Apply(context.Background(), afero.NewOsFs(), dir, samplePlan(), Options{Prepare: func(context.Context, string) error {
		t.Error("Prepare ran")
		return nil
	}})
	if err != nil || res.Prepared {
		t.Fatalf("Apply = %+v, %v", res, err)
	}
}

// A staging folder that a stopped run left without its lock file is named,
// never removed, since nothing tells that scaffold made it.
func TestStagingFolderWithoutItsLockIsReported(t *testing.T) {
	root := t.TempDir()
	staging := filepath.Join(root, ".p"+stagingMark)
	writeTree(t, staging, map[string]string{"half.py": "x"}, nil)
	before := diskTree(t, root)
	_, err := Apply(context.Background(), afero.NewOsFs(), filepath.Join(root, "p"), samplePlan(), Options{})
	want := "cannot create " + staging + ": file exists; a scaffold run that was stopped left it: delete it, then run again; nothing was written"
	if err == nil || err.Error() != want {
		t.Errorf("Apply = %v\nwant %s", err, want)
	}
	if after := diskTree(t, root); after != before {
		t.Errorf("the tree changed:\n%s", after)
	}
}

// On a file system without file locks, such as the in-memory one, a lock
// file tells a stopped run by its process being gone from this machine.
func TestStaleLockWithoutFileLocks(t *testing.T) {
	host, _ := os.Hostname()
	journal := func(pid int) string {
		return journalHeader{pid: pid, host: host}.line() +
			entry{op: opReplace, path: "README.md", temp: ".README.md" + tempMark + "0000000a", backup: ".README.md" + backupMark + "0000000a"}.line() +
			entry{op: opCreate, path: "new.txt", temp: ".new.txt" + tempMark + "0000000a"}.line()
	}
	setup := func(pid int) afero.Fs {
		mem := afero.NewMemMapFs()
		if err := mem.MkdirAll("/p", 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string]string{
			// Stopped with README.md moved to its backup, before the new
			// one took its place: a file system without file identities
			// cannot show which file at a path a run put there.
			"/p/.README.md" + backupMark + "0000000a": "old readme",
			"/p/" + lockName:                      journal(pid),
			"/p/mine.txt":                         "mine",
			"/p/.new.txt" + tempMark + "0000000a": "new",
		} {
			if err := afero.WriteFile(mem, name, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return mem
	}
	// A process that is gone: the run is undone, then this one runs.
	mem := setup(1 << 30)
	res, err := Apply(context.Background(), mem, "/p", generator.Plan{Files: []generator.File{{Path: "other.txt", Mode: 0o644, Data: []byte("x")}}}, Options{Existing: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], "undid the changes of a scaffold run into /p") {
		t.Errorf("notes %q", res.Notes)
	}
	if got := strings.Join(snapshot(t, mem, "/p"), "|"); got != "/p drwxr-xr-x|/p/README.md -rw-r--r-- old readme|/p/mine.txt -rw-r--r-- mine|/p/other.txt -rw-r--r-- x" {
		t.Errorf("after undoing: %s", got)
	}
	// This very process: another run of it is going.
	mem = setup(os.Getpid())
	_, err = Apply(context.Background(), mem, "/p", samplePlan(), Options{Existing: true})
	if !errors.Is(err, ErrBusy) {
		t.Errorf("Apply = %v; want ErrBusy", err)
	}
	// Garbage: scaffold cannot tell, and says what to do.
	mem = setup(1 << 30)
	if err := afero.WriteFile(mem, "/p/"+lockName, []byte("rm -rf /\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Apply(context.Background(), mem, "/p", samplePlan(), Options{Existing: true})
	if be, ok := errors.AsType[*BusyError](err); !ok || !be.Unsure {
		t.Errorf("Apply = %v; want an unsure *BusyError", err)
	}
}

// MemMapFs removes a folder with files in it, where a real file system
// refuses: undoing never removes a folder that holds something.
func TestUndoKeepsAFolderThatGotFiles(t *testing.T) {
	mem := afero.NewMemMapFs()
	if err := mem.MkdirAll("/p/new", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(mem, "/p/new/theirs.txt", []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	errs := undo(mem, "/p", []entry{{op: opMkdir, path: "new"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "another program put files in it") {
		t.Errorf("undo = %v", errs)
	}
	if _, err := mem.Stat("/p/new/theirs.txt"); err != nil {
		t.Error(err)
	}
}

func TestPlansThatCannotBeWrittenAreRefused(t *testing.T) {
	for name, p := range map[string]generator.Plan{
		"absolute":    {Files: []generator.File{{Path: "/etc/passwd"}}},
		"climbs":      {Files: []generator.File{{Path: "a/../../x"}}},
		"lock file":   {Files: []generator.File{{Path: "a/.scaffold-lock"}}},
		"backup":      {Remove: []string{".x" + backupMark + "1"}},
		"twice":       {Files: []generator.File{{Path: "a"}}, Remove: []string{"a"}},
		"file+folder": {Files: []generator.File{{Path: "a"}, {Path: "a/b"}}},
	} {
		fsys := afero.NewMemMapFs()
		if _, err := Apply(context.Background(), fsys, "/p", p, Options{}); err == nil {
			t.Errorf("%s: no error", name)
		}
		if exists(fsys, "/p") {
			t.Errorf("%s: wrote /p", name)
		}
	}
}

// BenchmarkWrite writes the default project to disk: the part of a run that
// makes folders and files.
func BenchmarkWrite(b *testing.B) {
	plan, err := generator.Render(generator.DefaultOptions(), generator.Builtin(), rand.NewChaCha8([32]byte{1}))
	if err != nil {
		b.Fatal(err)
	}
	fsys := afero.NewOsFs()
	root := b.TempDir()
	n := 0
	for b.Loop() {
		n++
		if _, err := Write(fsys, filepath.Join(root, strconv.Itoa(n)), plan, false); err != nil {
			b.Fatal(err)
		}
	}
}

// Prepare runs while the files are written: the writer's last file waits
// here until Prepare has started.
func TestPrepareRunsWhileTheFilesAreWritten(t *testing.T) {
	root := t.TempDir()
	started := make(chan struct{})
	waited := false
	ffs := &faultFs{Fs: afero.NewOsFs(), onChange: func(_ int, _, name string) {
		if waited || !strings.HasSuffix(name, "models.py") {
			return
		}
		waited = true
		select {
		case <-started:
		case <-time.After(10 * time.Second):
			t.Error("Prepare did not start while the files were written")
		}
	}}
	res, err := Apply(context.Background(), ffs, filepath.Join(root, "p"), samplePlan(), Options{Prepare: func(context.Context, string) error {
		close(started)
		return nil
	}})
	if err != nil || !res.Prepared || !waited {
		t.Fatalf("Apply = %+v, %v; waited for Prepare: %v", res, err, waited)
	}
}

// A file that cannot be written stops Prepare, and the run waits for it
// before it undoes everything.
func TestWriteFailureStopsPrepare(t *testing.T) {
	root := t.TempDir()
	boom := errors.New("boom")
	var stopped atomic.Bool
	ffs := &faultFs{Fs: afero.NewOsFs(), failAt: 6, err: boom}
	_, err := Apply(context.Background(), ffs, filepath.Join(root, "p"), samplePlan(), Options{Prepare: func(ctx context.Context, d string) error {
		<-ctx.Done()
		// Late work in the folder, as a program that was stopped may do.
		_ = os.WriteFile(filepath.Join(d, ".late"), nil, 0o644)
		stopped.Store(true)
		return ctx.Err()
	}})
	if !errors.Is(err, boom) || !stopped.Load() {
		t.Fatalf("Apply = %v, Prepare stopped: %v; want boom, after Prepare stopped", err, stopped.Load())
	}
	if got := readDir(t, root); len(got) > 0 {
		t.Errorf("left %v", got)
	}
}
