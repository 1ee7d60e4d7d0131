package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/templates"
)

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

// Every archived release is listed once, newest first, with its date.
func TestTemplatesListShowsEveryRelease(t *testing.T) {
	r := run(t, harness{}, "templates", "list")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	last := -1
	for _, v := range slices.Backward(releases.Versions()) {
		date, err := releases.Date(v)
		if err != nil {
			t.Fatal(err)
		}
		line := "  " + v + "  released " + date + "\n"
		if v == templates.Version {
			line = "*" + line[1:]
		}
		at := strings.Index(r.stdout, line)
		if at < 0 || at < last {
			t.Errorf("release %s is not listed in order as %q:\n%s", v, line, r.stdout)
		}
		last = at
	}
}
