// Package pack reads template packs: folders that change, add or remove
// files of the builtin templates and ask their own questions.
package pack

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/afero"
	"gopkg.in/yaml.v3"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
	"github.com/djscaffold/scaffold/templates"
)

// FileName describes a pack; FilesDir mirrors the output tree.
const (
	FileName = "pack.yaml"
	FilesDir = "files"
)

// Pack is a template pack, or the builtin templates, which ask nothing
// of their own.
type Pack struct {
	Name    string
	Version string
	// Questions are the pack's own questions; the answer to each is
	// .Extra.<Key>.
	Questions []generator.Question
	Remove    []string // output paths of builtin files to leave out
	// Dir is the pack's folder as it was given; empty for the builtin templates.
	Dir string
	// Files is the pack's files/ folder; nil when the pack has none.
	Files fs.FS
	// Manifest says which of the pack's files a project gets; nil when
	// pack.yaml has no conditions: and no per_resource:.
	Manifest *generator.Manifest

	spec  generator.ManifestSpec
	lines map[string]int // of pack.yaml's keys, for messages
}

// Builtin returns the templates embedded in scaffold, as a pack without questions.
func Builtin() *Pack {
	return &Pack{Name: templates.Name, Version: templates.Version}
}

// Tree returns the template tree to render for the pack: the builtin
// files, then the pack's files over them.
func (p *Pack) Tree() generator.Tree { return p.TreeOver(generator.Builtin()) }

// TreeOver is Tree over another release of the builtin templates, such as
// the one a project was generated with.
func (p *Pack) TreeOver(builtin generator.Tree) generator.Tree {
	t := builtin
	if p.Dir == "" {
		return t
	}
	t.Sources = slices.Clone(t.Sources)
	if p.Files != nil {
		label := filepath.ToSlash(filepath.Join(p.Dir, FilesDir))
		t.Sources = append(t.Sources, generator.Source{Label: label, FS: p.Files, Manifest: p.Manifest})
	}
	t.Remove = p.Remove
	return t
}

// Templates is what an answers file records of the pack's Tree: its name
// and version, and for a pack the version of the builtin templates under
// it. The pack's folder, template.path, depends on where the project is:
// TemplatesFor records it.
func (p *Pack) Templates() config.Template {
	if p.Dir == "" {
		return config.Template{Name: p.Name, Version: p.Version}
	}
	return config.Template{Name: p.Name, Version: p.Version, Builtin: templates.Version}
}

// TemplatesFor is Templates for a project in projectDir, with the pack's
// folder as template.path means it: relative to the project folder, the
// way config.File.PackDir reads it back, unless the pack was given by an
// absolute path. The project's own answers file, recorded, keeps the path
// as it is written when it names this pack.
func (p *Pack) TemplatesFor(projectDir string, recorded *config.File) (config.Template, error) {
	t := p.Templates()
	switch {
	case p.Dir == "":
		return t, nil
	case recorded != nil && recorded.Template.Path != "" &&
		sameFolder(recorded.PackDir(), p.Dir) && sameFolder(filepath.Dir(recorded.Source), projectDir):
		t.Path = recorded.Template.Path
		return t, nil
	case filepath.IsAbs(p.Dir):
		t.Path = p.Dir
		return t, nil
	}
	// Rel needs both paths to start from the same folder: from ../out/pk,
	// a relative acme is out of its reach.
	from, err := filepath.Abs(projectDir)
	if err != nil {
		return t, fmt.Errorf("find project folder %s: %w", projectDir, err)
	}
	to, err := filepath.Abs(p.Dir)
	if err != nil {
		return t, fmt.Errorf("find template pack %s: %w", p.Dir, err)
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

// Unasked says that the pack does not ask key, and lists what it asks.
func (p *Pack) Unasked(key string) string {
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

// Question returns the question with the given key.
func (p *Pack) Question(key string) (generator.Question, bool) {
	i := slices.IndexFunc(p.Questions, func(q generator.Question) bool { return q.Key == key })
	if i < 0 {
		return generator.Question{}, false
	}
	return p.Questions[i], true
}

// Describe names the pack in messages.
func (p *Pack) Describe() string {
	if p.Dir == "" {
		return "the builtin templates"
	}
	return fmt.Sprintf("template pack %s %s", p.Name, p.Version)
}

// Load reads the pack in dir on fsys. Every problem with pack.yaml is a
// *config.Error naming the file and, where it can, the line.
func Load(fsys afero.Fs, dir string) (*Pack, error) {
	if info, err := fsys.Stat(dir); err == nil && !info.IsDir() {
		return nil, &config.Error{File: dir, Msg: "is a file; a template pack is the folder that holds pack.yaml and files/"}
	}
	file := filepath.Join(dir, FileName)
	if info, err := fsys.Stat(file); err == nil && info.IsDir() {
		return nil, &config.Error{File: file, Msg: "is a folder; it must be the file that names the pack and lists its questions"}
	}
	data, err := userfile.ReadNoLink(fsys, file, userfile.MaxYAML)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &config.Error{File: file, Msg: "not found; a template pack is a folder holding pack.yaml and files/, so check the path"}
	}
	if ue, ok := errors.AsType[*userfile.Error](err); ok {
		return nil, &config.Error{File: file, Msg: strings.TrimPrefix(ue.Error(), file+" ") + "; it must be the pack's own file"}
	}
	if err != nil {
		return nil, &userfile.FileError{Action: "read template pack file", Path: file, Err: err}
	}
	p, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	p.Dir = dir
	files := filepath.Join(dir, FilesDir)
	info, err := userfile.Lstat(fsys, files)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return p, p.loadManifest(file)
	case err != nil:
		return nil, &userfile.FileError{Action: "read template pack folder", Path: files, Err: err}
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, checkEntry(files, info)
	case !info.IsDir():
		return nil, &config.Error{File: files, Msg: "is a file; a pack's files/ must be a folder that mirrors the project"}
	}
	if err := checkTree(fsys, files); err != nil {
		return nil, err
	}
	p.Files = filesFS{fs: fsys, root: files}
	return p, p.loadManifest(file)
}

// loadManifest checks the pack's conditions: and per_resource: against its
// files/ folder.
func (p *Pack) loadManifest(file string) error {
	if p.spec.IsZero() {
		return nil
	}
	m, err := generator.NewManifest(file, p.spec, p.Files)
	if me, ok := errors.AsType[*generator.ManifestError](err); ok {
		return &config.Error{File: file, Line: p.lines[me.Key], Msg: me.Key + ": " + me.Msg}
	}
	if err != nil {
		return &userfile.FileError{Action: "read template pack folder", Path: filepath.Join(p.Dir, FilesDir), Err: err}
	}
	p.Manifest = m
	return nil
}

// rawPack is pack.yaml as written.
type rawPack struct {
	Name                   string        `yaml:"name"`
	Version                string        `yaml:"version"`
	Questions              []rawQuestion `yaml:"questions"`
	Remove                 []string      `yaml:"remove"`
	generator.ManifestSpec `yaml:",inline"`
}

type rawQuestion struct {
	Name    string    `yaml:"name"`
	Prompt  string    `yaml:"prompt"`
	Help    string    `yaml:"help"`
	Type    string    `yaml:"type"`
	Choices []string  `yaml:"choices"`
	Default yaml.Node `yaml:"default"`
}

// identifier is compiled on first use, by a pack that asks questions.
var identifier = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`) })

// parse reads pack.yaml; file names it in messages.
func parse(file string, data []byte) (*Pack, error) {
	var raw rawPack
	lines, err := config.Decode(file, "pack.yaml", data, &raw)
	if err != nil {
		return nil, err
	}
	fail := func(key, format string, args ...any) error {
		return &config.Error{File: file, Line: lines[key], Msg: fmt.Sprintf(format, args...)}
	}
	if lines == nil {
		return nil, fail("", "the file is empty; a pack needs at least a name: and a version:")
	}
	if strings.TrimSpace(raw.Name) == "" {
		return nil, fail("name", "name: is missing; give the pack a name, such as acme-django")
	}
	if strings.TrimSpace(raw.Version) == "" {
		return nil, fail("version", "version: is missing; give the pack a version, such as 1.0.0")
	}
	p := &Pack{Name: raw.Name, Version: raw.Version, spec: raw.ManifestSpec, lines: lines}
	for i, rq := range raw.Questions {
		at := fmt.Sprintf("questions.%d", i)
		lineOf := func(key string) int {
			if l := lines[at+"."+key]; l > 0 {
				return l
			}
			return lines[at]
		}
		q, err := parseQuestion(rq, func(key, format string, args ...any) error {
			return &config.Error{File: file, Line: lineOf(key), Msg: fmt.Sprintf(format, args...)}
		})
		if err != nil {
			return nil, err
		}
		if _, dup := p.Question(q.Key); dup {
			return nil, &config.Error{File: file, Line: lineOf("name"),
				Msg: fmt.Sprintf("question %q is asked twice; give each question its own name", q.Key)}
		}
		p.Questions = append(p.Questions, q)
	}
	for i, r := range raw.Remove {
		key := fmt.Sprintf("remove.%d", i)
		if !safePath(r) {
			return nil, fail(key, "remove: %q is not a path inside the project; write it as the project shows it, such as .gitlab-ci.yml", r)
		}
		if !builtinOutput(r) {
			return nil, fail(key, "remove: %q is not a file that the builtin templates generate; write its path as the project shows it, such as .gitlab-ci.yml", r)
		}
		p.Remove = append(p.Remove, r)
	}
	return p, nil
}

func parseQuestion(rq rawQuestion, fail func(key, format string, args ...any) error) (generator.Question, error) {
	q := generator.Question{Key: rq.Name, Title: rq.Name, Prompt: rq.Prompt, Help: rq.Help,
		Kind: generator.Kind(rq.Type), Values: rq.Choices}
	if q.Key == "" {
		return q, fail("name", "a question has no name:; templates read its answer as .Extra.<name>")
	}
	if !identifier().MatchString(q.Key) {
		return q, fail("name", "question name %q is not an identifier; use letters, digits and underscores, starting with a letter, so that templates can read .Extra.%s", q.Key, q.Key)
	}
	if q.Prompt == "" {
		q.Prompt = q.Key
	}
	if q.Kind == "" {
		q.Kind = generator.KindString
	}
	switch q.Kind {
	case generator.KindString, generator.KindBool:
		if len(q.Values) > 0 {
			return q, fail("choices", "%s: choices: only apply to type: choice", q.Key)
		}
	case generator.KindChoice:
		if len(q.Values) == 0 {
			return q, fail("choices", "%s: type: choice needs a list of choices:", q.Key)
		}
		for i, c := range q.Values {
			if slices.Contains(q.Values[:i], c) {
				return q, fail("choices", "%s: choice %q is listed twice", q.Key, c)
			}
		}
	default:
		return q, fail("type", "%s: type %q is not one of string, bool, choice", q.Key, q.Kind)
	}
	q = generator.ExtraQuestion(q)
	if rq.Default.Kind == 0 {
		return q, nil
	}
	if rq.Default.Kind != yaml.ScalarNode {
		return q, fail("default", "%s: default: must be a single value", q.Key)
	}
	if rq.Default.Tag == "!!null" {
		return q, nil
	}
	def, err := q.Parse(rq.Default.Value)
	if oe, ok := errors.AsType[*generator.OptionError](err); ok {
		return q, fail("default", "%s: default: %q: %s", q.Key, rq.Default.Value, oe.Reason)
	}
	q.Default = def
	return q, nil
}

// builtinOutput reports whether some answers make the builtin templates
// generate the file name.
func builtinOutput(name string) bool {
	return generator.Builtin().Sources[0].Generates(name)
}

// safePath reports whether name is a clean path inside the project.
func safePath(name string) bool {
	return name != "" && fs.ValidPath(name) && name != "." && !strings.Contains(name, `\`)
}
