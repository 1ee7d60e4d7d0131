package writer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
)

// runPlan is a plan whose every file says which run wrote it.
func runPlan(run int) generator.Plan {
	p := samplePlan()
	for i := range p.Files {
		p.Files[i].Data = fmt.Appendf(nil, "run %d: %s\n", run, p.Files[i].Path)
	}
	return p
}

// writers runs n writes at once and returns their errors.
func writers(n int, write func(run int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = write(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// whoWrote reads which runs wrote the files of a project.
func whoWrote(t *testing.T, dir string) map[string]bool {
	t.Helper()
	runs := map[string]bool{}
	for _, f := range samplePlan().Files {
		if f.Keep {
			continue // the first run's copy stays
		}
		data, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		run, _, _ := strings.Cut(string(data), ":")
		runs[run] = true
	}
	return runs
}

// Runs that race to create the same project: one wins, the others fail
// clearly, and the project is the winner's alone.
func TestConcurrentNewProjectsDoNotMix(t *testing.T) {
	t.Parallel()
	for round := range 20 {
		root := t.TempDir()
		dir := filepath.Join(root, "p")
		errs := writers(6, func(run int) error {
			_, err := Apply(context.Background(), afero.NewOsFs(), dir, runPlan(run), Options{})
			return err
		})
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case errors.Is(err, ErrBusy), errors.Is(err, ErrTargetTaken), errors.Is(err, ErrTargetNotEmpty):
			default:
				t.Errorf("round %d: %v", round, err)
			}
		}
		if wins != 1 {
			t.Errorf("round %d: %d runs succeeded: %v", round, wins, errs)
		}
		if runs := whoWrote(t, dir); len(runs) != 1 {
			t.Errorf("round %d: the project mixes %v", round, runs)
		}
		if got := strings.Join(readDir(t, root), ","); got != "p" {
			t.Errorf("round %d: left %s", round, got)
		}
	}
}

// Runs that race to write into the same folder, empty or not, take turns
// or are refused; the files are never a mix of two runs.
func TestConcurrentRunsIntoAFolderDoNotMix(t *testing.T) {
	t.Parallel()
	for _, existing := range []bool{false, true} {
		for round := range 20 {
			root := t.TempDir()
			dir := filepath.Join(root, "p")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			errs := writers(6, func(run int) error {
				_, err := Apply(context.Background(), afero.NewOsFs(), dir, runPlan(run), Options{Existing: existing})
				return err
			})
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrBusy), !existing && errors.Is(err, ErrTargetNotEmpty):
				default:
					t.Errorf("round %d: %v", round, err)
				}
			}
			if wins == 0 || !existing && wins != 1 {
				t.Errorf("existing %v, round %d: %d runs succeeded: %v", existing, round, wins, errs)
			}
			if runs := whoWrote(t, dir); len(runs) != 1 {
				t.Errorf("round %d: the project mixes %v", round, runs)
			}
			for _, name := range readDir(t, dir) {
				if strings.Contains(name, "scaffold") && name != ".scaffold.yaml" {
					t.Errorf("round %d: left %s", round, name)
				}
			}
		}
	}
}

// Files and folders get their modes whatever the umask.
func TestModesIgnoreTheUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	for _, existing := range []bool{false, true} {
		root := t.TempDir()
		dir := filepath.Join(root, "p")
		if existing {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Apply(context.Background(), afero.NewOsFs(), dir, samplePlan(), Options{Existing: existing}); err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]os.FileMode{
			".": os.ModeDir | 0o755, "app": os.ModeDir | 0o755, "app/deep": os.ModeDir | 0o755,
			"README.md": 0o644, "start.sh": 0o755, ".env": 0o644, "app/deep/models.py": 0o644,
		} {
			info, err := os.Lstat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode() != want {
				t.Errorf("existing %v: %s has mode %v; want %v", existing, name, info.Mode(), want)
			}
		}
	}
}
