package update

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// testRepo makes a git repository with files, committed.
func testRepo(t *testing.T, git Git, files map[string]string) string {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	for _, kv := range []string{"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"} {
		t.Setenv(kv, "Test")
	}
	for _, kv := range []string{"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(kv, "test@example.com")
	}
	dir := t.TempDir()
	writeFiles(t, dir, files)
	mustGit(t, git, dir, "init", "-q")
	mustGit(t, git, dir, "add", "-A")
	mustGit(t, git, dir, "commit", "-q", "-m", "first")
	return dir
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func mustGit(t *testing.T, git Git, dir string, args ...string) string {
	t.Helper()
	out, err := git(context.Background(), dir, args...)
	if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func TestUncommitted(t *testing.T) {
	git := systemGit(t)
	repo := testRepo(t, git, map[string]string{"app/a.py": "a\n", "app/.gitignore": ".env\n", "other/o": "o\n"})
	dir := filepath.Join(repo, "app")
	paths, isRepo, err := Uncommitted(context.Background(), git, afero.NewOsFs(), dir)
	if err != nil || !isRepo || len(paths) != 0 {
		t.Fatalf("clean project: %v %v %v", paths, isRepo, err)
	}
	writeFiles(t, repo, map[string]string{"app/a.py": "changed\n", "app/new file.py": "n\n", "app/.env": "SECRET=1\n", "other/o": "changed\n"})
	paths, _, err = Uncommitted(context.Background(), git, afero.NewOsFs(), dir)
	if err != nil {
		t.Fatal(err)
	}
	// Ignored files and files outside the project do not count.
	if want := []string{"app/a.py", "app/new file.py"}; !slices.Equal(paths, want) {
		t.Errorf("Uncommitted = %q, want %q", paths, want)
	}
}

func TestUncommittedOutsideARepository(t *testing.T) {
	git := systemGit(t)
	t.Setenv("GIT_CEILING_DIRECTORIES", os.TempDir())
	dir := t.TempDir()
	paths, isRepo, err := Uncommitted(context.Background(), git, afero.NewOsFs(), dir)
	if err != nil || isRepo || paths != nil {
		t.Errorf("got %v %v %v, want no repository", paths, isRepo, err)
	}
}

func TestUncommittedWithoutGit(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := fsys.MkdirAll("/work/repo/.git", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fsys.MkdirAll("/work/repo/app", 0o755); err != nil {
		t.Fatal(err)
	}
	_, _, err := Uncommitted(context.Background(), nil, fsys, "/work/repo/app")
	if !errors.Is(err, ErrNoGit) || !strings.Contains(err.Error(), "--allow-dirty") {
		t.Errorf("err = %v, want ErrNoGit that mentions --allow-dirty", err)
	}
	if _, isRepo, err := Uncommitted(context.Background(), nil, fsys, "/work/elsewhere"); err != nil || isRepo {
		t.Errorf("no .git anywhere: %v %v", isRepo, err)
	}
}

func TestPackCommitAndPackAt(t *testing.T) {
	git := systemGit(t)
	repo := testRepo(t, git, map[string]string{
		"packs/acme/pack.yaml":            "name: acme\nversion: 1.0.0\n",
		"packs/acme/files/OWNERS.tmpl":    "team\n",
		"packs/acme/files/ops/pager.yaml": "on call\n",
		"README":                          "not the pack\n",
	})
	dir := filepath.Join(repo, "packs", "acme")
	commit, clean, err := PackCommit(context.Background(), git, dir)
	if err != nil || !clean || len(commit) != 40 {
		t.Fatalf("PackCommit = %q %v %v", commit, clean, err)
	}
	// A commit elsewhere in the repository is no change to the pack.
	writeFiles(t, repo, map[string]string{"README": "changed\n"})
	mustGit(t, git, repo, "commit", "-q", "-am", "readme")
	if again, _, _ := PackCommit(context.Background(), git, dir); again != commit {
		t.Errorf("PackCommit moved to %s with a commit outside the pack", again)
	}
	// Later work on the pack changes nothing in what PackAt reads.
	writeFiles(t, repo, map[string]string{"packs/acme/files/OWNERS.tmpl": "other team\n", "packs/acme/files/new.txt": "n\n"})
	if _, clean, _ := PackCommit(context.Background(), git, dir); clean {
		t.Error("PackCommit says a pack with uncommitted changes is clean")
	}
	fsys, root, err := PackAt(context.Background(), git, dir, commit)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	_ = afero.Walk(fsys, root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := afero.ReadFile(fsys, p)
			got = append(got, strings.TrimPrefix(p, root+"/")+": "+string(data))
		}
		return err
	})
	want := []string{"files/OWNERS.tmpl: team\n", "files/ops/pager.yaml: on call\n", "pack.yaml: name: acme\nversion: 1.0.0\n"}
	if !slices.Equal(got, want) {
		t.Errorf("PackAt read %q, want %q", got, want)
	}

	_, _, err = PackAt(context.Background(), git, dir, strings.Repeat("0", 40))
	if !errors.Is(err, ErrNoCommit) {
		t.Errorf("unknown commit: err = %v, want ErrNoCommit", err)
	}
}

func TestPackCommitOutsideARepository(t *testing.T) {
	git := systemGit(t)
	t.Setenv("GIT_CEILING_DIRECTORIES", os.TempDir())
	commit, clean, err := PackCommit(context.Background(), git, t.TempDir())
	if commit != "" || clean || err != nil {
		t.Errorf("got %q %v %v, want no commit", commit, clean, err)
	}
}
