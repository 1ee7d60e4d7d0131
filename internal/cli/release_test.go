package cli

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"golang.org/x/tools/txtar"

	"github.com/djscaffold/scaffold/internal/prompt"
	"github.com/djscaffold/scaffold/internal/releases"
)

// scaffold new --template-version writes, for every archived release, the
// project that release wrote: its golden project, file for file, but for
// the secrets and the answers file, which record the run.
func TestNewAtEveryReleaseWritesWhatItWrote(t *testing.T) {
	for _, v := range releases.Versions() {
		t.Run(v, func(t *testing.T) {
			want, err := txtar.ParseFile("../../testdata/releases/" + v + "/default.txtar")
			if os.IsNotExist(err) {
				t.Skipf("release %s has no golden project yet", v)
			}
			if err != nil {
				t.Fatal(err)
			}
			fsys := afero.NewMemMapFs()
			r := run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false", "--template-version", v)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := tree(t, fsys, "myapi")
			if !strings.Contains(got[".scaffold.yaml"], "\n  version: "+v+"\n") {
				t.Errorf("the answers file does not record version %s:\n%s", v, got[".scaffold.yaml"])
			}
			secret := map[string]bool{".env": true, ".env.db": true, ".scaffold.yaml": true}
			for _, f := range want.Files {
				if secret[f.Name] {
					delete(got, f.Name)
					continue
				}
				data, ok := got[f.Name]
				if !ok {
					t.Errorf("%s is missing", f.Name)
					continue
				}
				if _, content, _ := strings.Cut(data, " "); content != string(f.Data) {
					t.Errorf("%s differs from what release %s wrote", f.Name, v)
				}
				delete(got, f.Name)
			}
			for name := range got {
				if !secret[name] {
					t.Errorf("%s was not written by release %s", name, v)
				}
			}
		})
	}
}

// In a terminal, new --force asks before it overwrites a file the user
// changed; no, the default, writes nothing.
func TestNewForceAsksBeforeOverwritingChanges(t *testing.T) {
	for _, yes := range []bool{false, true} {
		fsys := afero.NewMemMapFs()
		if r := run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false"); r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		mine := strings.Replace(readFile(t, fsys, "myapi/config/settings.py"), `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1)
		writeFile(t, fsys, "myapi/config/settings.py", mine)
		asked := prompt.NewFake(map[string]any{"overwrite": yes})
		r := run(t, harness{fs: fsys, asked: asked}, "new", "--config", "myapi/.scaffold.yaml", "--git=false", "--force")
		if !slices.Contains(asked.Names(), "overwrite") {
			t.Errorf("yes %v: asked %q; want the overwrite question", yes, asked.Names())
		}
		got := readFile(t, fsys, "myapi/config/settings.py")
		switch {
		case yes && (r.code != ExitOK || got == mine):
			t.Errorf("yes: exit %d (%s); the file was not overwritten", r.code, r.stderr)
		case !yes && (r.code == ExitOK || got != mine):
			t.Errorf("no: exit %d; the file changed: %v", r.code, got != mine)
		}
	}
}
