package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/djscaffold/scaffold/internal/userfile"
)

// ManifestFile is where a template tree keeps its manifest, at its root. It
// is read, never rendered. Trees that do without one, such as template packs
// (whose manifest is in pack.yaml) and older builtin trees, keep every name
// as it is.
const ManifestFile = "manifest.yaml"

// ManifestSpec is a manifest as written: a tree's manifest.yaml, or the same
// keys in a template pack's pack.yaml.
type ManifestSpec struct {
	// Conditions maps an output path as the tree names it (a .tmpl file
	// without its suffix, or a folder ending in "/") to a template
	// expression; the file, or every file in the folder, is generated only
	// when the expression is true. Files not listed are always generated.
	Conditions map[string]string `yaml:"conditions,omitempty"`
	// PerResource is a folder generated once per API resource, into a
	// folder named after the resource, with .App describing it.
	PerResource string `yaml:"per_resource,omitempty"`
	// PerStep is a file of the per-resource folder generated once for each
	// migration after a resource's initial one, which `scaffold add field`
	// adds: it takes the migration's name, in its own folder and with its
	// own extension, and .Step describes the migration. A resource without
	// such migrations gets none.
	PerStep string `yaml:"per_step,omitempty"`
	// IfExists maps an output path to its policy: what a run does with
	// the file when the project has it already, in the spirit of
	// kubebuilder's IfExistsAction. The one policy is PolicyKeep; a file
	// not listed is the templates', which a run replaces.
	IfExists map[string]string `yaml:"if_exists,omitempty"`
}

// PolicyKeep makes a file the user's once it is written, as the secrets
// files are: a run never replaces it (File.Keep), files: does not record
// it, scaffold diff does not compare it, scaffold update only appends the
// KEY=VALUE lines the templates add to it, and it is readable by its
// owner only.
const PolicyKeep = "keep"

// legacyKept are the files that a tree whose first layer declares no
// policy keeps, as every tree did before policies were declared: the
// secrets files, .env for the app and .env.db for the database container.
var legacyKept = []string{".env", ".env.db"}

// IsZero reports whether the spec says nothing, as for a pack without one.
func (s ManifestSpec) IsZero() bool {
	return len(s.Conditions) == 0 && s.PerResource == "" && s.PerStep == "" && len(s.IfExists) == 0
}

// Manifest says which files of a template tree a project gets, and which
// folder is generated once per resource.
type Manifest struct {
	spec        ManifestSpec
	file        string                        // where it is written, for messages
	own         string                        // its path inside the tree, when it lives there
	conditions  map[string]*template.Template // by key
	perResource string                        // a folder, ending in "/"; "" for none
	perStep     string                        // a file of perResource; "" for none
}

// Spec returns the manifest as written.
func (m *Manifest) Spec() ManifestSpec { return m.spec }

// ManifestError is a manifest entry that cannot be used. Key is the entry
// as written, such as "conditions.config/celery.py" or "per_resource", so
// that callers can point at its line.
type ManifestError struct {
	File string
	Key  string
	Msg  string
}

func (e *ManifestError) Error() string { return fmt.Sprintf("%s: %s: %s", e.File, e.Key, e.Msg) }

// NewManifest checks spec against tree, the files it describes: every key
// must name a file or folder of the tree, and every condition must parse.
// file names the manifest in messages.
func NewManifest(file string, spec ManifestSpec, tree fs.FS) (*Manifest, error) {
	m := &Manifest{spec: spec, file: file, conditions: map[string]*template.Template{}}
	files, dirs, err := treePaths(tree)
	if err != nil {
		return nil, err
	}
	var conditions templateSet
	for _, key := range slices.Sorted(maps.Keys(spec.Conditions)) {
		where := "conditions." + key
		fail := func(format string, args ...any) error {
			return &ManifestError{File: file, Key: where, Msg: fmt.Sprintf(format, args...)}
		}
		name, isDir := strings.CutSuffix(key, "/")
		switch {
		case !cleanPath(name):
			return nil, fail("%q is not a path inside the tree; write it as the project shows it, such as config/celery.py or .github/", key)
		case isDir && !dirs[name]:
			return nil, fail("there is no folder %s; add it, or remove this entry", key)
		case !isDir && dirs[name]:
			return nil, fail("%s is a folder; end it with a slash: %s/", key, key)
		case !isDir && !files[name]:
			return nil, fail("there is no file %s or %s%s; add it, or remove this entry", key, key, TemplateSuffix)
		}
		expr := strings.TrimSpace(spec.Conditions[key])
		if expr == "" {
			return nil, fail("the condition is empty; write a template expression, such as .Celery or eq .CI \"github\"")
		}
		label := file + " (" + where + ")"
		t, err := conditions.parse(label, "{{if "+expr+"}}1{{end}}")
		if err != nil {
			return nil, fail("%q is not a template expression: %s", expr, strings.TrimPrefix(err.Error(), "template: "+label+":1: "))
		}
		m.conditions[key] = t
	}
	for _, key := range slices.Sorted(maps.Keys(spec.IfExists)) {
		switch {
		case !cleanPath(key):
			return nil, &ManifestError{File: file, Key: "if_exists." + key, Msg: fmt.Sprintf("%q is not a path inside the project; write it as the project shows it, such as .env", key)}
		case spec.IfExists[key] != PolicyKeep:
			return nil, &ManifestError{File: file, Key: "if_exists." + key, Msg: fmt.Sprintf("unknown policy %q; the one policy is %s", spec.IfExists[key], PolicyKeep)}
		}
	}
	if spec.PerResource != "" {
		name := strings.TrimSuffix(spec.PerResource, "/")
		if !cleanPath(name) || !dirs[name] {
			return nil, &ManifestError{File: file, Key: "per_resource", Msg: fmt.Sprintf("there is no folder %s; name the folder to generate once per resource, such as resource/", spec.PerResource)}
		}
		m.perResource = name + "/"
	}
	if spec.PerStep != "" {
		if !cleanPath(spec.PerStep) || !files[spec.PerStep] || m.perResource == "" || !strings.HasPrefix(spec.PerStep, m.perResource) {
			return nil, &ManifestError{File: file, Key: "per_step", Msg: fmt.Sprintf("there is no file %s in the per_resource folder; name the file to generate once per later migration, such as resource/migrations/step.py", spec.PerStep)}
		}
		m.perStep = spec.PerStep
	}
	return m, nil
}

// treePaths lists a tree's files, as output paths, and its folders.
func treePaths(tree fs.FS) (files, dirs map[string]bool, err error) {
	files, dirs = map[string]bool{}, map[string]bool{}
	if tree == nil {
		return files, dirs, nil
	}
	err = fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case name == ".":
		case d.IsDir():
			dirs[name] = true
		default:
			files[strings.TrimSuffix(name, TemplateSuffix)] = true
		}
		return nil
	})
	return files, dirs, err
}

// includes reports whether the conditions of name's folders and of name
// itself all hold; name is a tree path without its .tmpl suffix.
func (m *Manifest) includes(name string, data Data) (bool, error) {
	keys := []string{}
	for i, r := range name {
		if r == '/' {
			keys = append(keys, name[:i+1])
		}
	}
	for _, key := range append(keys, name) {
		t, ok := m.conditions[key]
		if !ok {
			continue
		}
		if err := checkFields(t, "{{if "+m.spec.Conditions[key]+"}}1{{end}}", data); err != nil {
			return false, err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return false, &TreeError{File: t.Name(), Err: err}
		}
		if buf.Len() == 0 {
			return false, nil
		}
	}
	return true, nil
}

// stepPath returns, for the per-step file name (a tree path without its
// .tmpl suffix), its path with the step's name in place of its own, and
// true; for any other file, false.
func (m *Manifest) stepPath(name, step string) (string, bool) {
	if m == nil || m.perStep == "" || name != m.perStep {
		return "", false
	}
	return path.Join(path.Dir(name), step+path.Ext(name)), true
}

// resourcePath splits a tree path in the per-resource folder into the
// folder's parent and the path inside it; ok is false for other paths.
func (m *Manifest) resourcePath(name string) (parent, rest string, ok bool) {
	if m == nil || m.perResource == "" {
		return "", "", false
	}
	rest, ok = strings.CutPrefix(name, m.perResource)
	return path.Dir(strings.TrimSuffix(m.perResource, "/")), rest, ok
}

// FolderSource returns the folder of templates fsys as a Source, a layer
// of a Tree. Its manifest is read from the folder's manifest.yaml when
// there is one; a folder without one renders its names as they are,
// templated segments included.
func FolderSource(label string, fsys fs.FS) (Source, error) {
	src := Source{Label: label, FS: fsys}
	data, err := fs.ReadFile(fsys, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return src, nil
	}
	file := path.Join(label, ManifestFile)
	if err != nil {
		return src, &userfile.FileError{Action: "read", Path: file, Err: err}
	}
	var spec ManifestSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		return src, fmt.Errorf("%s: %w", file, err)
	}
	m, err := NewManifest(file, spec, fsys)
	if err != nil {
		return src, err
	}
	m.own = ManifestFile
	src.Manifest = m
	return src, nil
}

// Generates reports whether some answers make the source generate the
// output path name. A templated path segment stands for any name.
func (s Source) Generates(name string) bool {
	want := strings.Split(name, "/")
	found := false
	_ = fs.WalkDir(s.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found || s.Manifest != nil && p == s.Manifest.own {
			return err
		}
		out := strings.TrimSuffix(p, TemplateSuffix)
		if parent, rest, ok := s.Manifest.resourcePath(out); ok {
			out = path.Join(parent, "{{.App.Name}}", rest)
		}
		segments := strings.Split(out, "/")
		found = slices.EqualFunc(segments, want, func(seg, w string) bool {
			return seg == w || strings.Contains(seg, "{{")
		})
		return nil
	})
	return found
}

// cleanPath reports whether name is a clean, relative, slash-separated path.
func cleanPath(name string) bool {
	return name != "" && name != "." && fs.ValidPath(name) && !strings.Contains(name, `\`)
}
