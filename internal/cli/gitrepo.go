package cli

import (
	"os"
	"path/filepath"
)

// OutsideGitRepositories reports whether no git repository can hold the
// folder dir: neither it nor any folder above it has a .git, and GIT_DIR
// does not name a repository elsewhere. git would find none there either,
// so scaffold new need not ask it. Where it cannot tell, it says false.
func OutsideGitRepositories(dir string) bool {
	if os.Getenv("GIT_DIR") != "" {
		return false
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); !os.IsNotExist(err) {
			// A .git of any kind, or one that cannot be looked at.
			return false
		}
		if filepath.Dir(d) == d {
			return true
		}
	}
}
