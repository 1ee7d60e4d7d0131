package cli

import (
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/templates"
)

func TestTemplatesExport(t *testing.T) {
	fsys := afero.NewMemMapFs()
	r := run(t, harness{fs: fsys}, "templates", "export", "acme")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(readFile(t, fsys, "acme/pack.yaml"), "name: django-drf\n") {
		t.Error("acme/pack.yaml does not name the builtin templates")
	}

	r = run(t, harness{fs: fsys}, "templates", "export", "acme")
	if r.code != ExitFailure || r.stderr != "scaffold: acme is not empty; choose an empty folder, or use --force to overwrite the exported files in it\n" {
		t.Errorf("export into a non-empty folder: exit %d, stderr %q", r.code, r.stderr)
	}
	writeFile(t, fsys, "acme/pack.yaml", "edited")
	writeFile(t, fsys, "acme/NOTES", "mine")
	if r := run(t, harness{fs: fsys}, "templates", "export", "acme", "--force"); r.code != ExitOK {
		t.Fatalf("export --force: exit %d: %s", r.code, r.stderr)
	}
	if readFile(t, fsys, "acme/pack.yaml") == "edited" || readFile(t, fsys, "acme/NOTES") != "mine" {
		t.Error("export --force must overwrite exported files and keep the others")
	}

	if r := run(t, harness{fs: fsys}, "templates", "export"); r.code != ExitUsage {
		t.Errorf("export without DIR: exit %d, want 2", r.code)
	}
}

// TestTemplatesExportRoundTrip: a project from the exported pack equals the
// builtin one byte for byte, .env too, since both runs draw the same secrets;
// only the template fields of .scaffold.yaml tell them apart.
func TestTemplatesExportRoundTrip(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if r := run(t, harness{fs: fsys}, "templates", "export", "pack"); r.code != ExitOK {
		t.Fatalf("export: exit %d: %s", r.code, r.stderr)
	}
	args := []string{"new", "shop", "--yes", "--database", "mysql", "--ci", "gitlab", "--celery"}
	if r := run(t, harness{fs: fsys}, append(args, "-o", "builtin")...); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r := run(t, harness{fs: fsys}, append(args, "-o", "viapack", "--template", "pack")...); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	builtin := tree(t, fsys, "builtin/shop")
	viaPack := tree(t, fsys, "viapack/shop")
	if len(builtin) != len(viaPack) {
		t.Errorf("the builtin templates wrote %d files, the exported pack %d", len(builtin), len(viaPack))
	}
	for name, data := range builtin {
		if name == ".scaffold.yaml" {
			version := "  version: " + templates.Version + "\n"
			data = strings.Replace(data, version, version+"  path: ../../pack\n  builtin: "+templates.Version+"\n", 1)
		}
		if viaPack[name] != data {
			t.Errorf("%s differs:\n%s\nthen:\n%s", name, data, viaPack[name])
		}
	}
}
