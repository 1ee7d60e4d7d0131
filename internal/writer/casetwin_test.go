package writer

import (
	"testing"

	"github.com/spf13/afero"
)

func TestCaseTwin(t *testing.T) {
	fsys := afero.NewMemMapFs()
	for _, dir := range []string{"p/MyAPI", "p/books"} {
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ dir, name, want string }{
		{"p", "myapi", "MyAPI"},
		{"p", "MYAPI", "MyAPI"},
		{"p", "MyAPI", ""},
		{"p", "Books", "books"},
		{"p", "other", ""},
		{"missing", "myapi", ""},
	} {
		if got, err := CaseTwin(fsys, tc.dir, tc.name); err != nil || got != tc.want {
			t.Errorf("CaseTwin(%q, %q) = %q, %v; want %q", tc.dir, tc.name, got, err, tc.want)
		}
	}
}
