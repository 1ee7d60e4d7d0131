package golden

import (
	"fmt"
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// recorder is a T that keeps what Check reports.
type recorder struct{ fatal, errors []string }

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = append(r.fatal, fmt.Sprintf(format, args...))
}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "golden", "p.txtar")
	var r recorder
	Check(&r, path, []byte("-- a --\none\n"), false, "go test -update")
	if len(r.fatal) != 1 || !strings.Contains(r.fatal[0], "run go test -update to create it") {
		t.Errorf("a missing golden file: %q", r.fatal)
	}

	r = recorder{}
	Check(&r, path, []byte("-- a --\none\n"), true, "go test -update")
	if data, err := os.ReadFile(path); err != nil || string(data) != "-- a --\none\n" || len(r.fatal)+len(r.errors) > 0 {
		t.Fatalf("update wrote %q, %v; reported %q %q", data, err, r.fatal, r.errors)
	}
	Check(&r, path, []byte("-- a --\none\n"), false, "go test -update")
	if len(r.fatal)+len(r.errors) > 0 {
		t.Errorf("the same archive differs: %q %q", r.fatal, r.errors)
	}
	Check(&r, path, []byte("-- a --\ntwo\n"), false, "go test -update")
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "-one") || !strings.Contains(r.errors[0], "+two") {
		t.Errorf("a changed archive: %q", r.errors)
	}
}

// TestNoTestingOutsideTests keeps the testing package out of the binaries
// and packages that import golden.
func TestNoTestingOutsideTests(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "testing") {
		t.Error("golden imports testing outside its tests; take a T instead")
	}
}
