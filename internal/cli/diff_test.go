package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// goldenProject generates the project golden/ from the pack acme.
func goldenProject(t *testing.T) afero.Fs {
	t.Helper()
	fsys := acmeFs(t)
	r := run(t, fsys, "new", "golden", "--yes", "--template", "acme", "--set", "team=payments", "--set", "pager=true")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	return fsys
}

func TestDiffSame(t *testing.T) {
	fsys := goldenProject(t)
	// None of these are differences: user code, secrets, and the scaffold version alone.
	writeFile(t, fsys, "golden/mine.py", "print('mine')\n")
	writeFile(t, fsys, "golden/.env", "DJANGO_SECRET_KEY=other\n")
	cfg := readFile(t, fsys, "golden/.scaffold.yaml")
	writeFile(t, fsys, "golden/.scaffold.yaml", strings.Replace(cfg, "scaffold_version: dev", "scaffold_version: v0.9.0", 1))

	r := run(t, fsys, "diff", "golden")
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

func TestDiffDiffers(t *testing.T) {
	fsys := goldenProject(t)
	writeFile(t, fsys, "golden/OWNERS", "team: payments\ntier: gold\n")
	if err := fsys.Remove("golden/ops/pager.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.Chmod("golden/bin/check.sh", 0o644); err != nil {
		t.Fatal(err)
	}

	r := run(t, fsys, "diff", "golden")
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	want := `changed: OWNERS
--- a/OWNERS
+++ b/OWNERS
@@ -1,2 +1,2 @@
 team: payments
-tier: gold
+tier: silver
changed: bin/check.sh
mode 0644 on disk, 0755 when generated
missing on disk: ops/pager.yaml
--- /dev/null
+++ b/ops/pager.yaml
@@ -0,0 +1 @@
+service: golden
`
	if r.stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want)
	}
	wantErr := "scaffold: golden differs from what its templates generate: 2 changed, 1 missing on disk; " +
		"to take the templates' version, run: scaffold new --config golden/.scaffold.yaml --no-input --force\n"
	if r.stderr != wantErr {
		t.Errorf("stderr %q, want %q", r.stderr, wantErr)
	}
}

func TestDiffNewerPack(t *testing.T) {
	fsys := goldenProject(t)
	writeFile(t, fsys, "acme-next/pack.yaml", strings.Replace(acmePack, "1.2.0", "1.3.0", 1))
	writeFile(t, fsys, "acme-next/files/OWNERS.tmpl", "team: {{ .Extra.team }}\n")

	r := run(t, fsys, "diff", "golden", "--template", "acme-next")
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{
		"changed: .scaffold.yaml\n", "-  version: 1.2.0\n-  path: ../acme\n+  version: 1.3.0\n+  path: ../acme-next\n",
		"changed: OWNERS\n", "-tier: silver\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.HasSuffix(r.stderr, "--no-input --force --pack acme-next\n") {
		t.Errorf("stderr %q does not suggest regenerating with the other pack", r.stderr)
	}
}

func TestDiffFromInsideTheProject(t *testing.T) {
	// The recorded pack path is relative to the project folder, so diff
	// finds the pack whatever the working folder is.
	t.Chdir(t.TempDir())
	fsys := afero.NewOsFs()
	if err := fsys.MkdirAll("acme/files", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fsys, "acme/pack.yaml", acmePack)
	writeFile(t, fsys, "acme/files/OWNERS.tmpl", "team: {{ .Extra.team }}\n")
	if r := run(t, fsys, "new", "golden", "--yes", "--template", "acme", "--set", "pager=false"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	t.Chdir("golden")
	if r := run(t, fsys, "diff"); r.code != ExitOK || !strings.HasPrefix(r.stdout, ". matches") {
		t.Errorf("diff in the project: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	writeFile(t, fsys, "OWNERS", "team: nobody\n")
	if r := run(t, fsys, "diff"); r.code != ExitFailure || !strings.HasSuffix(r.stderr, "run: scaffold new --config .scaffold.yaml --no-input --force -o ..\n") {
		t.Errorf("diff in the project: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestDiffSamePackByAnotherPath(t *testing.T) {
	t.Chdir(t.TempDir())
	fsys := afero.NewOsFs()
	if err := fsys.MkdirAll("acme/files", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fsys, "acme/pack.yaml", acmePack)
	if r := run(t, fsys, "new", "golden", "--yes", "--template", "acme", "--set", "pager=false"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	abs, err := filepath.Abs("acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{abs, "./acme/", "golden/../acme"} {
		if r := run(t, fsys, "diff", "golden", "--template", dir); r.code != ExitOK {
			t.Errorf("--template %s: exit %d, stdout:\n%s", dir, r.code, r.stdout)
		}
	}
}

func TestDiffUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no project", []string{"diff", "nowhere"}, "scaffold: project folder nowhere does not exist; pass the folder of a project scaffold generated\n"},
		{"no answers file", []string{"diff", "acme"}, "scaffold: acme has no .scaffold.yaml, so scaffold cannot tell how it was generated; pass the folder of a project scaffold generated\n"},
		{"a file", []string{"diff", "acme/pack.yaml"}, "scaffold: acme/pack.yaml is not a folder; pass the folder of a project scaffold generated\n"},
		{"two folders", []string{"diff", "a", "b"}, "scaffold: accepts at most 1 arg(s), received 2; see scaffold diff --help\n"},
		{"bad flag", []string{"diff", "--nope"}, "scaffold: unknown flag: --nope; see scaffold diff --help\n"},
		{"missing pack", []string{"diff", "golden", "--template", "gone"}, "scaffold: gone/pack.yaml: not found; a template pack is a folder holding pack.yaml and files/, so check the path\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, goldenProject(t), tt.args...)
			if r.code != ExitUsage || r.stderr != tt.want {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, tt.want)
			}
		})
	}

	t.Run("bad answers file", func(t *testing.T) {
		fsys := goldenProject(t)
		writeFile(t, fsys, "golden/.scaffold.yaml", "answers:\n  name: golden\n  database: oracle\n")
		r := run(t, fsys, "diff", "golden")
		if r.code != ExitUsage || !strings.HasPrefix(r.stderr, "scaffold: golden/.scaffold.yaml line 3: invalid database \"oracle\"") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}
