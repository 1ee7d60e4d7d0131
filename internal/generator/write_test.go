package generator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
)

func samplePlan() Plan {
	return Plan{Files: []File{
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
			"cannot create folder /ro: operation not permitted; choose another output folder", fs.ErrPermission},
		{"disk full", &failingFs{Fs: mem, n: 1}, "/full",
			"cannot write /full/.env: no space left on device; choose another output folder", errDiskFull},
	}
	for _, tt := range tests {
		_, err := Write(tt.fsys, tt.dir, samplePlan(), false)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Write = %v\nwant %s", tt.name, err, tt.want)
		}
		if !errors.Is(err, tt.target) {
			t.Errorf("%s: errors.Is(%v, %v) = false", tt.name, err, tt.target)
		}
		if _, ok := errors.AsType[*FileError](err); !ok {
			t.Errorf("%s: %v is not a *FileError", tt.name, err)
		}
	}
}

// BenchmarkWrite writes the default project to disk: the part of a run that
// makes folders and files.
func BenchmarkWrite(b *testing.B) {
	plan, err := Render(testOptions(), Builtin(), fixedRand())
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
