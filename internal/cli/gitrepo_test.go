package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

func TestOutsideGitRepositories(t *testing.T) {
	t.Setenv("GIT_DIR", "")
	root := t.TempDir()
	if !OutsideGitRepositories(root) {
		t.Skipf("a folder above %s holds a .git", root)
	}
	project := filepath.Join(root, "code", "myapi") // not made yet
	if !OutsideGitRepositories(project) {
		t.Errorf("%s: no .git above it, yet it may be in a repository", project)
	}
	for name, mark := range map[string]func(string) error{
		"a repository": func(p string) error { return os.MkdirAll(filepath.Join(p, "objects"), 0o755) },
		// Worktrees and submodules have a .git file.
		"a worktree": func(p string) error { return os.WriteFile(p, []byte("gitdir: /elsewhere\n"), 0o644) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "code")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := mark(filepath.Join(dir, ".git")); err != nil {
				t.Fatal(err)
			}
			if OutsideGitRepositories(filepath.Join(dir, "myapi")) || OutsideGitRepositories(dir) {
				t.Errorf("a .git in %s is not seen", dir)
			}
		})
	}
	t.Setenv("GIT_DIR", filepath.Join(root, "repo.git"))
	if OutsideGitRepositories(project) {
		t.Error("GIT_DIR names a repository, yet git is not asked")
	}
}

func TestGitIsNotAskedOutsideRepositories(t *testing.T) {
	m := healthyMachine()
	env := testEnv(afero.NewMemMapFs())
	env.LookPath, env.Exec, env.FindDockerPlugin = m.lookPath, m.exec, m.findPlugin
	var asked []string
	env.OutsideGitRepositories = func(dir string) bool {
		asked = append(asked, dir)
		return true
	}
	r := run(t, harness{env: env}, "new", "myapi", "--yes")
	if r.code != ExitOK || !m.ran(".myapi.scaffold-new$ git init --quiet") || m.ran(".$ git rev-parse --show-prefix") {
		t.Errorf("exit %d, calls %q, stderr %s; want git init without asking git first", r.code, m.calls, r.stderr)
	}
	if len(asked) != 1 || asked[0] != "myapi" {
		t.Errorf("asked about %q; want the project folder", asked)
	}
}
