package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/templates"
)

// realEnv runs scaffold on this machine's disk, with its git, in a
// temporary folder that no repository holds.
func realEnv(t *testing.T) (*Env, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: template packs are updated from their git history")
	}
	root := t.TempDir()
	home := filepath.Join(root, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CEILING_DIRECTORIES", root)
	for _, v := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		t.Setenv(v, "Test")
	}
	for _, v := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(v, "test@example.com")
	}
	env := testEnv(afero.NewOsFs())
	env.LookPath, env.Exec = exec.LookPath, SystemExec
	return env, root
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := SystemExec(context.Background(), dir, "git", args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func writeReal(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func editReal(t *testing.T, name, old, new string) {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil || !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q (%v)", name, old, err)
	}
	writeReal(t, name, strings.Replace(string(data), old, new, 1))
}

const owners = "# Owners of {{.Name}}\nteam: platform\nreview: two people\nescalate: on-call\n"

// writePack writes a pack with an OWNERS file and one question.
func writePack(t *testing.T, dir, version string) {
	t.Helper()
	writeReal(t, filepath.Join(dir, "pack.yaml"), "name: acme\nversion: "+version+"\nquestions:\n  - name: team\n    default: platform\n")
	writeReal(t, filepath.Join(dir, "files/OWNERS.tmpl"), owners)
}

// A pack kept in git: the project records the pack's commit, and the
// update rebuilds the old render from the pack's history, offline, so that
// the user's change and the pack's merge without a conflict.
func TestUpdatePackFromItsHistory(t *testing.T) {
	env, root := realEnv(t)
	packDir := filepath.Join(root, "acme")
	writePack(t, packDir, "1.0.0")
	gitIn(t, packDir, "init", "-q")
	gitIn(t, packDir, "add", "-A")
	gitIn(t, packDir, "commit", "-qm", "pack 1.0.0")
	first := gitIn(t, packDir, "rev-parse", "HEAD")

	project := filepath.Join(root, "myapi")
	newProject(t, env, "myapi", "-o", root, "--template", packDir)
	cfg := readFile(t, env.Fs, filepath.Join(project, ".scaffold.yaml"))
	for _, want := range []string{"  commit: " + first + "\n", "  builtin: " + templates.Version + "\n"} {
		if !strings.Contains(cfg, want) {
			t.Errorf(".scaffold.yaml lacks %q:\n%s", want, cfg)
		}
	}
	gitIn(t, project, "add", "-A")
	gitIn(t, project, "commit", "-qm", "generated")

	editReal(t, filepath.Join(project, "OWNERS"), "team: platform", "team: payments")
	gitIn(t, project, "commit", "-qam", "our team")
	editReal(t, filepath.Join(packDir, "files/OWNERS.tmpl"), "escalate: on-call", "escalate: the on-call engineer")
	editReal(t, filepath.Join(packDir, "pack.yaml"), "version: 1.0.0", "version: 1.1.0")
	gitIn(t, packDir, "commit", "-qam", "pack 1.1.0")
	second := gitIn(t, packDir, "rev-parse", "HEAD")

	r := updateIn(t, env, project)
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if got, want := readFile(t, env.Fs, filepath.Join(project, "OWNERS")), "# Owners of myapi\nteam: payments\nreview: two people\nescalate: the on-call engineer\n"; got != want {
		t.Errorf("OWNERS:\n%s\nwant:\n%s", got, want)
	}
	if !strings.Contains(r.stdout, "Updating "+project+" from acme 1.0.0 to acme 1.1.0:\n") || !strings.Contains(r.stdout, "  merged    OWNERS\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	cfg = readFile(t, env.Fs, filepath.Join(project, ".scaffold.yaml"))
	if !strings.Contains(cfg, "  version: 1.1.0\n") || !strings.Contains(cfg, "  commit: "+second+"\n") {
		t.Errorf(".scaffold.yaml does not record the new pack:\n%s", cfg)
	}
	gitIn(t, project, "commit", "-qam", "update")
	if r := updateIn(t, env, project); r.code != ExitOK || !strings.Contains(r.stdout, "is up to date with acme 1.1.0") {
		t.Errorf("second update: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// A pack outside git: nothing can rebuild the old render, so every
// difference in a file the user changed is marked, and the update says why.
func TestUpdatePackWithoutHistory(t *testing.T) {
	env, root := realEnv(t)
	packDir := filepath.Join(root, "acme")
	writePack(t, packDir, "1.0.0")
	project := filepath.Join(root, "myapi")
	newProject(t, env, "myapi", "-o", root, "--template", packDir, "--git=false")
	if cfg := readFile(t, env.Fs, filepath.Join(project, ".scaffold.yaml")); strings.Contains(cfg, "commit:") {
		t.Errorf("a pack outside git has no commit to record:\n%s", cfg)
	}
	editReal(t, filepath.Join(project, "OWNERS"), "team: platform", "team: payments")
	editReal(t, filepath.Join(packDir, "files/OWNERS.tmpl"), "escalate: on-call", "escalate: the on-call engineer")
	editReal(t, filepath.Join(project, "Dockerfile"), "# syntax=docker/dockerfile:1\n", "# syntax=docker/dockerfile:1\n# ours\n")

	r := updateIn(t, env, project)
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want 1 for conflicts\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"! template pack acme 1.0.0 was not committed to git when this project was generated, so scaffold cannot rebuild what it generated then; every file you changed gets conflict markers wherever it differs from the new render\n",
		"  conflict  OWNERS: its base is unknown, so every difference is marked (2 conflicts to resolve)\n",
		"! template pack " + packDir + " is not in a git repository, so the next update cannot rebuild what this one wrote; keep the pack in git\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// The hashes tell that the user did not change the Dockerfile but for a
	// line, and nothing else in the project: no other file is marked.
	if strings.Count(r.stdout, "  conflict  ") != 2 {
		t.Errorf("want conflicts in OWNERS and the Dockerfile alone:\n%s", r.stdout)
	}
}
