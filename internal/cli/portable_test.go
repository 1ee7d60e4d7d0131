package cli

import (
	"strings"
	"testing"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/releases"
)

// Names that Windows reserves, or that differ only by case from a folder
// already there, are refused on every platform: a project is cloned
// everywhere. Each is a usage error of one line that writes nothing.
func TestNamesThatDoNotTravelAreRefused(t *testing.T) {
	oneLine := func(t *testing.T, r result, want string) {
		t.Helper()
		if r.code != ExitUsage || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("exit %d, stderr %q; want a one-line usage error with %q", r.code, r.stderr, want)
		}
	}
	for _, name := range []string{"con", "AUX", "Nul", "com1", "LPT9"} {
		fsys := newFs(t)
		oneLine(t, run(t, harness{fs: fsys}, "new", name, "--yes", "--git=false"), "reserved device name on Windows")
		if exists(fsys, name) {
			t.Errorf("new %s wrote its folder", name)
		}
	}
	fsys := newFs(t)
	if err := fsys.MkdirAll("MyAPI", 0o755); err != nil {
		t.Fatal(err)
	}
	oneLine(t, run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false"), "differs only by case from MyAPI")
	if exists(fsys, "myapi") {
		t.Error("new myapi wrote its folder beside MyAPI")
	}

	fsys = newFs(t)
	if r := run(t, harness{fs: fsys}, "new", "myapi", "--yes", "--git=false"); r.code != ExitOK {
		t.Fatalf("new: exit %d: %s", r.code, r.stderr)
	}
	for _, name := range []string{"con", "aux", "nul", "prn", "com3", "lpt1"} {
		oneLine(t, addResource(t, fsys, name), "reserved device name on Windows")
	}
	if err := fsys.MkdirAll("myapi/Books", 0o755); err != nil {
		t.Fatal(err)
	}
	oneLine(t, addResource(t, fsys, "books"), "differs only by case from myapi/Books")
	if exists(fsys, "myapi/books") {
		t.Error("add resource books wrote beside Books")
	}
}

// update --check fails for a project whose recorded template version is
// older than this binary's templates, which is what the generated projects'
// scheduled update check relies on.
func TestUpdateCheckFailsOnAnOlderTemplateRelease(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	o := generator.DefaultOptions()
	o.Name = "myapi"
	firstReleaseProject(t, env, "myapi", o)
	r := updateIn(t, env, "myapi", "--check")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "lags") || !strings.Contains(r.stderr, "run scaffold update") {
		t.Errorf("--check on a %s project: exit %d, stderr %q", releases.Versions()[0], r.code, r.stderr)
	}
	if r := updateIn(t, env, "myapi"); r.code != ExitOK {
		t.Fatalf("update: exit %d: %s", r.code, r.stderr)
	}
	if r := updateIn(t, env, "myapi", "--check"); r.code != ExitOK {
		t.Errorf("--check after the update: exit %d: %s", r.code, r.stderr)
	}
}
