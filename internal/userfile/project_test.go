package userfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// The reader never goes through a link, neither at the file nor in a
// folder on its way, and reads no more than its limit.
func TestProjectReadsNoLinkAndNoMore(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(outside, "secret.py"), "outside\n")
	write(filepath.Join(dir, "app", "models.py"), "inside\n")
	write(filepath.Join(dir, "file"), "a file\n")
	if err := os.Symlink(outside, filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.py"), filepath.Join(dir, "app", "link.py")); err != nil {
		t.Fatal(err)
	}
	p := Project{Fs: afero.NewOsFs(), Dir: dir}
	if data, err := p.Read("app/models.py", 100); err != nil || string(data) != "inside\n" {
		t.Errorf("Read(app/models.py) = %q, %v", data, err)
	}
	for _, missing := range []string{"linked/secret.py", "file/below", "nothing/here"} {
		if _, err := p.Read(missing, 100); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Read(%s) = %v, want fs.ErrNotExist", missing, err)
		}
	}
	if _, err := p.Read("app/link.py", 100); !errors.Is(err, ErrLink) {
		t.Errorf("Read(app/link.py) = %v, want ErrLink", err)
	}
	if _, err := p.Read("app/models.py", 3); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read with a small limit = %v, want ErrTooLarge", err)
	}
}

func TestBinary(t *testing.T) {
	for text, want := range map[string]bool{"": false, "plain\n": false, "caf\xe9\n": false, "a\x00b": true} {
		if got := Binary([]byte(text)); got != want {
			t.Errorf("Binary(%q) = %v, want %v", text, got, want)
		}
	}
	late := make([]byte, 9000)
	late[8500] = 0
	for i := range 8500 {
		late[i] = 'x'
	}
	if Binary(late) {
		t.Error("a NUL byte after the first 8000 bytes made the file binary")
	}
}
