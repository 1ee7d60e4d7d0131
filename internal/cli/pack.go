package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
)

// loadPack returns the templates a run uses: the pack in dir when it is
// set, else the pack the answers file records, else the builtin templates.
func loadPack(fsys afero.Fs, dir string, recorded *config.File) (*pack.Pack, error) {
	if dir == "" && recorded != nil && recorded.Template.Path != "" {
		dir = recordedPack(recorded)
	}
	if dir == "" {
		return pack.Builtin(), nil
	}
	return pack.Load(fsys, dir)
}

// recordedPack resolves the template.path of an answers file. A relative
// path is relative to the folder that holds the answers file, which is the
// project folder, so a project and its pack can move together.
func recordedPack(f *config.File) string {
	p := filepath.FromSlash(f.Template.Path)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.Source), p)
}

// packTree returns the template tree to render for a project in
// projectDir. It records a pack given by a relative path relative to the
// project folder, the way recordedPack reads it back; the project's own
// answers file keeps its path as written when it names the same pack.
func packTree(p *pack.Pack, projectDir string, recorded *config.File) (generator.Tree, error) {
	t := p.Tree()
	if t.Path == "" {
		return t, nil
	}
	if recorded != nil && recorded.Template.Path != "" &&
		sameFolder(recordedPack(recorded), t.Path) && sameFolder(filepath.Dir(recorded.Source), projectDir) {
		t.Path = recorded.Template.Path
		return t, nil
	}
	if filepath.IsAbs(t.Path) {
		return t, nil
	}
	// Rel needs both paths to start from the same folder: from ../out/pk,
	// a relative acme is out of its reach.
	from, err := filepath.Abs(projectDir)
	if err != nil {
		return t, fmt.Errorf("find project folder %s: %w", projectDir, err)
	}
	to, err := filepath.Abs(t.Path)
	if err != nil {
		return t, fmt.Errorf("find template pack %s: %w", t.Path, err)
	}
	rel, err := filepath.Rel(from, to)
	if err != nil {
		return t, fmt.Errorf("record template pack %s: %w", to, err)
	}
	t.Path = filepath.ToSlash(rel)
	return t, nil
}

// sameFolder reports whether two paths name the same folder.
func sameFolder(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}

// noQuestion says that a pack does not ask key, and lists what it asks.
func noQuestion(p *pack.Pack, key string) string {
	names := "none"
	if len(p.Questions) > 0 {
		list := make([]string, len(p.Questions))
		for i, q := range p.Questions {
			list[i] = q.Key
		}
		names = strings.Join(list, ", ")
	}
	return fmt.Sprintf("no question %q in %s (questions: %s)", key, p.Describe(), names)
}
