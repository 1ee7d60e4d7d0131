package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/djscaffold/scaffold/internal/userfile"
	"github.com/djscaffold/scaffold/templates"
)

// TemplateSuffix marks a file whose content is rendered; other files are copied.
const TemplateSuffix = ".tmpl"

// Tree is the template tree a run renders: sources rendered in order, a
// later source's file replacing an earlier one with the same output path.
// It holds only what renders; what the answers file records of the
// templates that made a project is config.Template.
type Tree struct {
	Sources []Source
	Remove  []string // output paths to leave out
}

// kept lists the output paths whose policy is PolicyKeep in any layer's
// manifest. A tree whose first layer declares no policy, such as a
// release from before policies were declared, keeps the secrets files.
func (t Tree) kept() map[string]bool {
	kept := map[string]bool{}
	for i, src := range t.Sources {
		var policies map[string]string
		if src.Manifest != nil {
			policies = src.Manifest.spec.IfExists
		}
		if i == 0 && len(policies) == 0 {
			for _, name := range legacyKept {
				kept[name] = true
			}
		}
		for name, policy := range policies {
			kept[name] = policy == PolicyKeep
		}
	}
	return kept
}

// Source is one layer of a template tree, such as the builtin templates or
// a pack's files. Label prefixes its paths in error messages so users can
// find the file.
type Source struct {
	Label string
	FS    fs.FS
	// Manifest says which files a project gets; without one, every file is
	// generated under its own name, templated segments included.
	Manifest *Manifest
}

// Builtin returns the templates embedded in the binary.
func Builtin() Tree {
	src, err := FolderSource("templates/project", templates.Project())
	if err != nil {
		panic(err) // unreachable: tests check the embedded manifest
	}
	return Tree{Sources: []Source{src}}
}

// File is one file of a rendered project.
type File struct {
	Path string // slash-separated, relative to the project folder
	Mode fs.FileMode
	Data []byte
	// Keep says an existing copy on disk wins over this one: a render sets
	// it on the files whose policy is PolicyKeep, such as the secrets
	// files, which the user owns once they are written.
	Keep bool
}

// Plan is a whole rendered project, in memory, sorted by path.
type Plan struct {
	Files []File
	// Remove lists files to remove from an existing project, slash-separated.
	Remove []string
	// Secrets are the secrets that a render put in the secrets files.
	Secrets Secrets
}

// Add puts f in the plan, in place of a file with the same path. It
// refuses a file whose path is a folder of another file, or the reverse.
func (p *Plan) Add(f File) error {
	for _, other := range p.Files {
		if other.Path != f.Path && (strings.HasPrefix(other.Path, f.Path+"/") || strings.HasPrefix(f.Path, other.Path+"/")) {
			return fmt.Errorf("cannot add %s: %w with %s; rename the template that writes %s", f.Path, ErrPathClash, other.Path, other.Path)
		}
	}
	i, found := slices.BinarySearchFunc(p.Files, f.Path, func(f File, n string) int { return strings.Compare(f.Path, n) })
	if found {
		p.Files[i] = f
	} else {
		p.Files = slices.Insert(p.Files, i, f)
	}
	return nil
}

// Lookup returns the file with the given path.
func (p Plan) Lookup(name string) (File, bool) {
	i, ok := slices.BinarySearchFunc(p.Files, name, func(f File, n string) int { return strings.Compare(f.Path, n) })
	if !ok {
		return File{}, false
	}
	return p.Files[i], true
}

// TreeError is a mistake in a file of the tree, its author's to fix: a
// template that does not parse or execute, a manifest condition that
// fails, or a rendered path that is unsafe or clashes with another.
type TreeError struct {
	File string // label and path, e.g. templates/project/Dockerfile.tmpl
	Err  error
}

func (e *TreeError) Error() string { return e.Err.Error() }

func (e *TreeError) Unwrap() error { return e.Err }

// ErrUnsafePath means a rendered path would land outside the project, or in
// its .git folder.
var ErrUnsafePath = errors.New("unsafe path")

// ErrPathClash means a rendered file's path is also a folder of another.
var ErrPathClash = errors.New("path clash")

func render(ctx context.Context, o Options, t Tree, rnd io.Reader) (Plan, error) {
	if err := o.Validate(); err != nil {
		return Plan{}, err
	}
	data, err := newData(o, rnd)
	if err != nil {
		return Plan{}, err
	}
	files := map[string]File{}
	from := map[string]string{} // output path -> template file
	run := &renderRun{ctx: ctx, kept: t.kept()}
	for _, src := range t.Sources {
		if err := renderSource(src, data, files, from, run); err != nil {
			return Plan{}, err
		}
	}
	for _, p := range t.Remove {
		delete(files, p)
	}

	plan := Plan{Files: make([]File, 0, len(files)), Secrets: data.secrets()}
	for _, f := range files {
		plan.Files = append(plan.Files, f)
	}
	slices.SortFunc(plan.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	if err := checkClashes(plan.Files, from); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// checkClashes refuses a file whose path is a folder of another file, such
// as a pack's config beside the builtin config/settings.py, which Write
// could only find out halfway.
func checkClashes(files []File, from map[string]string) error {
	isFile := make(map[string]bool, len(files))
	for _, f := range files {
		isFile[f.Path] = true
	}
	for _, f := range files {
		for dir := path.Dir(f.Path); dir != "."; dir = path.Dir(dir) {
			if isFile[dir] {
				return &TreeError{File: from[dir], Err: fmt.Errorf("%s: %w: it writes the file %s where %s needs a folder; rename or remove one of them",
					from[dir], ErrPathClash, dir, from[f.Path])}
			}
		}
	}
	return nil
}

func renderSource(src Source, data Data, files map[string]File, from map[string]string, run *renderRun) error {
	m := src.Manifest
	return fs.WalkDir(src.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return &userfile.FileError{Action: "read", Path: path.Join(src.Label, name), Err: err}
		}
		if d.IsDir() || m != nil && name == m.own {
			return nil
		}
		if err := run.interrupted(); err != nil {
			return err
		}
		tf := &treeFile{src: src, name: name, label: path.Join(src.Label, name), run: run}
		out := strings.TrimSuffix(name, TemplateSuffix)
		parent, rest, perResource := m.resourcePath(out)
		if !perResource {
			return tf.render(out, data, files, from)
		}
		for i, app := range data.resources() {
			d := run.resourceData(data, i)
			if _, ok := m.stepPath(out, ""); !ok {
				if err := tf.render(path.Join(parent, app.Name, rest), d, files, from); err != nil {
					return err
				}
				continue
			}
			for _, step := range app.Steps {
				named, _ := m.stepPath(out, step.Name)
				_, stepRest, _ := m.resourcePath(named)
				if err := tf.render(path.Join(parent, app.Name, stepRest), d.forStep(step), files, from); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// treeFile is one file of a template tree. It is read and parsed once,
// however many resources it is rendered for.
type treeFile struct {
	src     Source
	name    string // its path in the tree
	label   string // its path in messages
	loaded  bool
	content []byte
	// text is content as a string, for the parser and the field check,
	// which would otherwise each take a copy.
	text string
	tmpl *template.Template
	run  *renderRun
}

// load reads the file, and parses it if it is a template.
func (tf *treeFile) load() error {
	if tf.loaded {
		return nil
	}
	content, err := fs.ReadFile(tf.src.FS, tf.name)
	if err != nil {
		return &userfile.FileError{Action: "read", Path: tf.label, Err: err}
	}
	if strings.HasSuffix(tf.name, TemplateSuffix) {
		tf.text = string(content)
		if tf.tmpl, err = tf.run.parse(tf.label, tf.text); err != nil {
			return &TreeError{File: tf.label, Err: err}
		}
	}
	tf.content, tf.loaded = content, true
	return nil
}

// render renders the file to the output path out, as data says, unless
// the manifest leaves it out.
func (tf *treeFile) render(out string, data Data, files map[string]File, from map[string]string) error {
	if m := tf.src.Manifest; m != nil {
		ok, err := m.includes(strings.TrimSuffix(tf.name, TemplateSuffix), data)
		if err != nil || !ok {
			return err
		}
	}
	out, err := renderPath(tf.label, out, data)
	if err != nil || out == "" {
		return err
	}
	if err := tf.load(); err != nil {
		return err
	}
	if err := checkFields(tf.tmpl, tf.text, data); err != nil {
		return err
	}
	content := tf.content
	if tf.tmpl != nil {
		buf := &output{label: tf.label, run: tf.run}
		// A rendered file is about as long as its template: growing the
		// buffer from nothing would copy it several times over.
		buf.Grow(len(tf.content) + len(tf.content)/4)
		if err := tf.tmpl.Execute(buf, data); err != nil {
			return &TreeError{File: tf.label, Err: err}
		}
		content = normalizeText(buf.Bytes())
	}
	if err := tf.run.add(tf.label, len(content)); err != nil {
		return err
	}
	kept := tf.run.kept[out]
	mode := fs.FileMode(0o644)
	switch {
	case kept:
		mode = 0o600
	case bytes.HasPrefix(content, []byte("#!")):
		mode = 0o755
	}
	files[out] = File{Path: out, Mode: mode, Data: content, Keep: kept}
	from[out] = tf.label
	return nil
}

// renderPath renders a templated path one segment at a time. It returns ""
// when a segment renders empty, which is how a template tree makes a file
// conditional. A segment may render to several, but the result must stay
// inside the project, and out of its .git folder.
func renderPath(label, name string, data Data) (string, error) {
	rendered := name
	if strings.Contains(name, "{{") {
		segments := strings.Split(name, "/")
		for i, seg := range segments {
			if !strings.Contains(seg, "{{") {
				continue
			}
			out, err := execute(label+" (path)", seg, data)
			if err != nil {
				return "", err
			}
			if len(out) == 0 {
				return "", nil
			}
			segments[i] = string(out)
		}
		rendered = strings.Join(segments, "/")
	}
	unsafe := func(why string) error {
		return &TreeError{File: label, Err: fmt.Errorf("%s: %w: rendered path %q %s", label, ErrUnsafePath, rendered, why)}
	}
	if strings.HasPrefix(rendered, "/") || strings.Contains(rendered, `\`) || path.IsAbs(rendered) {
		return "", unsafe("is absolute")
	}
	for seg := range strings.SplitSeq(rendered, "/") {
		switch {
		case seg == "..":
			return "", unsafe("climbs out of the project")
		case seg == "" || seg == ".":
			return "", unsafe("has an empty or \".\" folder")
		case strings.EqualFold(seg, ".git"):
			// Case-insensitive file systems take .GIT for .git.
			return "", unsafe("is inside .git, which belongs to git")
		}
	}
	return rendered, nil
}

func execute(name, text string, data Data) ([]byte, error) {
	t, err := parse(name, text)
	if err != nil {
		return nil, &TreeError{File: name, Err: err}
	}
	if err := checkFields(t, text, data); err != nil {
		return nil, err
	}
	buf := &output{label: name}
	if err := t.Execute(buf, data); err != nil {
		return nil, &TreeError{File: name, Err: err}
	}
	return buf.Bytes(), nil
}

var funcs = template.FuncMap{
	// gha writes a GitHub Actions expression, whose braces would otherwise
	// be read as a Go template action.
	"gha":   func(expr string) string { return "${{ " + expr + " }}" },
	"lower": lower,
	"upper": upper,
	"title": title,
	"join":  strings.Join,
	"quote": strconv.Quote,
	"dns":   dnsLabel,
}

// normalizeText gives every rendered file LF line endings and exactly one
// final newline, whatever the template's own line endings were.
func normalizeText(b []byte) []byte {
	if bytes.Contains(b, []byte("\r\n")) {
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	}
	b = bytes.TrimRight(b, "\n")
	if len(b) == 0 {
		return b
	}
	return append(b, '\n')
}
