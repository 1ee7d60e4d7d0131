package cli

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
)

// loadPack returns the templates a run uses: the pack in dir when it is
// set, else the pack the answers file records, else the builtin templates.
func loadPack(fsys afero.Fs, dir string, cfg *config.File) (*pack.Pack, error) {
	if dir == "" && cfg != nil && cfg.Template.Path != "" {
		return loadRecordedPack(fsys, cfg)
	}
	if dir == "" {
		return pack.Builtin(), nil
	}
	return pack.Load(fsys, dir)
}

// recordedPack resolves the template.path of an answers file. A relative
// path is relative to the folder that holds the answers file, which is the
// project folder, so a project and its pack can move together.
func recordedPack(cfg *config.File) string {
	p := filepath.FromSlash(cfg.Template.Path)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(cfg.Source), p)
}

// packTemplate returns what to render for a project in projectDir. It
// records a pack given by a relative path relative to the project folder,
// the way recordedPack reads it back.
func packTemplate(p *pack.Pack, projectDir string) (generator.Template, error) {
	t := p.Template()
	if t.Path == "" || filepath.IsAbs(t.Path) {
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

// extraAnswers are the answers to a pack's own questions, and which of
// them the user gave.
type extraAnswers struct {
	pack   *pack.Pack
	values map[string]any
	given  map[string]bool
}

// gatherExtra merges the answers file's extra: section < --set. Every key
// must be a question the pack asks, and every value must fit its question.
func gatherExtra(p *pack.Pack, cfg *config.File, sets []string) (extraAnswers, error) {
	ea := extraAnswers{pack: p, values: map[string]any{}, given: map[string]bool{}}
	if cfg != nil {
		for _, key := range slices.Sorted(maps.Keys(cfg.Extra)) {
			where := "extra." + key
			q, ok := p.Question(key)
			if !ok {
				return ea, &config.Error{File: cfg.Source, Line: cfg.Line(where),
					Msg: fmt.Sprintf("%s: %s; remove it, or use the pack that asks it with --template", where, noQuestion(p, key))}
			}
			v, err := q.Check(cfg.Extra[key])
			if err != nil {
				return ea, &config.Error{File: cfg.Source, Line: cfg.Line(where), Msg: fmt.Sprintf("%s: %v", where, err)}
			}
			ea.values[key], ea.given[key] = v, true
		}
	}
	for _, set := range sets {
		key, value, ok := strings.Cut(set, "=")
		if !ok || key == "" {
			return ea, usagef("--set %q: write it as KEY=VALUE, such as --set team=payments", set)
		}
		q, ok := p.Question(key)
		if !ok {
			return ea, usagef("--set %s: %s", key, noQuestion(p, key))
		}
		v, err := q.Parse(value)
		if err != nil {
			return ea, usagef("--set %s: %w", key, err)
		}
		ea.values[key], ea.given[key] = v, true
	}
	return ea, nil
}

// noQuestion says that a pack does not ask key, and lists what it asks.
func noQuestion(p *pack.Pack, key string) string {
	names := "none"
	if len(p.Questions) > 0 {
		list := make([]string, len(p.Questions))
		for i, q := range p.Questions {
			list[i] = q.Name
		}
		names = strings.Join(list, ", ")
	}
	return fmt.Sprintf("no question %q in %s (questions: %s)", key, p.Describe(), names)
}

// takeDefaults answers the questions nobody answered with their defaults.
// A question without a default has to be answered.
func (ea extraAnswers) takeDefaults() error {
	for _, q := range ea.pack.Questions {
		if ea.given[q.Name] {
			continue
		}
		if q.Default == nil {
			return usagef("%s asks %q, which has no default; answer it with --set %s=VALUE", ea.pack.Describe(), q.Name, q.Name)
		}
		ea.values[q.Name] = q.Default
	}
	return nil
}
