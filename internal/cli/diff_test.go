package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// goldenProject generates the project golden/ from the pack acme.
func goldenProject(t *testing.T) afero.Fs {
	t.Helper()
	fsys := acmeFs(t)
	r := run(t, harness{fs: fsys}, "new", "golden", "--yes", "--template", "acme", "--set", "team=payments", "--set", "pager=true")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	return fsys
}

func TestDiffSame(t *testing.T) {
	fsys := goldenProject(t)
	// None of these are differences: user code, secrets, the scaffold
	// version alone, and the format key that earlier scaffolds left out.
	writeFile(t, fsys, "golden/mine.py", "print('mine')\n")
	writeFile(t, fsys, "golden/.env", "DJANGO_SECRET_KEY=other\n")
	cfg := readFile(t, fsys, "golden/.scaffold.yaml")
	if !strings.Contains(cfg, "\nformat: 1\nscaffold_version: dev\n") {
		t.Fatalf("the answers file does not say its format first:\n%s", cfg)
	}
	cfg = strings.Replace(cfg, "format: 1\nscaffold_version: dev", "scaffold_version: v0.9.0", 1)
	writeFile(t, fsys, "golden/.scaffold.yaml", cfg)

	r := run(t, harness{fs: fsys}, "diff", "golden")
	if r.code != ExitOK || r.stderr != "" || !strings.HasPrefix(r.stdout, "golden matches what its templates generate (") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 0", r.code, r.stdout, r.stderr)
	}
	// The secret files are not compared, so they are not counted.
	files := tree(t, fsys, "golden")
	want := fmt.Sprintf("(%d files compared)\n", len(files)-3)
	if !strings.HasSuffix(r.stdout, want) {
		t.Errorf("stdout %q; want %q, for every file but .env, .env.db and mine.py", r.stdout, want)
	}
}
