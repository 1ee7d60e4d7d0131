package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/version"
	"github.com/djscaffold/scaffold/templates"
)

// TemplateSuffix marks a file whose content is rendered; other files are copied.
const TemplateSuffix = ".tmpl"

// Template is a set of file trees rendered in order; a later tree's file
// replaces an earlier one with the same output path.
type Template struct {
	Name    string
	Version string
	Path    string // where a template pack lives; empty for the builtin one
	Sources []Source
	Remove  []string // output paths to leave out
}

// Source is one tree of template files. Label prefixes its paths in error
// messages so users can find the file.
type Source struct {
	Label string
	FS    fs.FS
	// Manifest says which files a project gets; without one, every file is
	// generated under its own name, templated segments included.
	Manifest *Manifest
}

// Builtin returns the templates embedded in the binary.
func Builtin() Template {
	src, err := TreeSource("templates/project", templates.Project())
	if err != nil {
		panic(err) // unreachable: tests check the embedded manifest
	}
	return Template{
		Name:    templates.Name,
		Version: templates.Version,
		Sources: []Source{src},
	}
}

// File is one file of a rendered project.
type File struct {
	Path string // slash-separated, relative to the project folder
	Mode fs.FileMode
	Data []byte
	// Keep says an existing copy on disk wins over this one, for files that
	// hold what the user owns, such as the secrets in .env.
	Keep bool
}

// Plan is a whole rendered project, in memory, sorted by path.
type Plan struct {
	Files []File
}

// Lookup returns the file with the given path.
func (p Plan) Lookup(name string) (File, bool) {
	i, ok := slices.BinarySearchFunc(p.Files, name, func(f File, n string) int { return strings.Compare(f.Path, n) })
	if !ok {
		return File{}, false
	}
	return p.Files[i], true
}

// TemplateError is a template that does not parse or execute.
type TemplateError struct {
	File string // label and path, e.g. templates/project/Dockerfile.tmpl
	Err  error
}

func (e *TemplateError) Error() string {
	msg := e.Err.Error()
	m := execFailure.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, action, reason := m[1], m[2], m[3]
	at := fmt.Sprintf("template: %s:%s: ", e.File, line)
	if f := noField.FindStringSubmatch(reason); f != nil {
		in := strings.TrimSuffix(action, "."+f[1])
		if in == "" || in == action {
			in = "the template data"
		}
		return at + fmt.Sprintf("no field %q in %s; see the data that templates get in the README", f[1], in)
	}
	if k := noKey.FindStringSubmatch(reason); k != nil && strings.TrimSuffix(action, "."+k[1]) == ".Extra" {
		return at + fmt.Sprintf("no answer %q in .Extra, which holds the answers to the template pack's questions", k[1])
	}
	return msg
}

// text/template words its execution errors for Go programmers, naming Go
// types; these find the mistakes a template's author makes most often.
var (
	execFailure = regexp.MustCompile(`^template: .*:(\d+):\d+: executing ".*" at <(.*?)>: (.*)$`)
	noField     = regexp.MustCompile(`^can't evaluate field (\w+) in type `)
	noKey       = regexp.MustCompile(`^map has no entry for key "(.*)"$`)
)

func (e *TemplateError) Unwrap() error { return e.Err }

// ErrUnsafePath means a rendered path would land outside the project, or in
// its .git folder.
var ErrUnsafePath = errors.New("unsafe path")

// ErrPathClash means a rendered file's path is also a folder of another.
var ErrPathClash = errors.New("path clash")

// secretFiles alone hold the generated secrets (the app's settings, and the
// database container's own credentials): they are kept out of git and images,
// readable only by their owner, and never overwritten.
var secretFiles = map[string]bool{".env": true, ".env.db": true}

// Render renders every file of the project into memory. It reads the
// project's secrets from rnd, so a fixed reader gives fixed output.
func Render(o Options, t Template, rnd io.Reader) (Plan, error) {
	if err := o.Validate(); err != nil {
		return Plan{}, err
	}
	data, err := newData(o, rnd)
	if err != nil {
		return Plan{}, err
	}
	files := map[string]File{}
	from := map[string]string{config.FileName: config.FileName} // output path -> template file
	for _, src := range t.Sources {
		if err := renderSource(src, data, files, from); err != nil {
			return Plan{}, err
		}
	}
	for _, p := range t.Remove {
		delete(files, p)
	}
	answers, err := answersFile(o, t)
	if err != nil {
		return Plan{}, err
	}
	files[config.FileName] = File{Path: config.FileName, Mode: 0o644, Data: answers}

	plan := Plan{Files: make([]File, 0, len(files))}
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
				return &TemplateError{File: from[dir], Err: fmt.Errorf("%s: %w: it writes the file %s where %s needs a folder; rename or remove one of them",
					from[dir], ErrPathClash, dir, from[f.Path])}
			}
		}
	}
	return nil
}

func renderSource(src Source, data Data, files map[string]File, from map[string]string) error {
	m := src.Manifest
	return fs.WalkDir(src.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return &FileError{Action: "read", Path: path.Join(src.Label, name), Err: err}
		}
		if d.IsDir() || m != nil && name == m.own {
			return nil
		}
		tf := treeFile{src: src, name: name, label: path.Join(src.Label, name)}
		out := strings.TrimSuffix(name, TemplateSuffix)
		parent, rest, perResource := m.resourcePath(out)
		if !perResource {
			return tf.render(out, data, files, from)
		}
		for _, app := range data.resources() {
			d := data
			d.App = app
			if err := tf.render(path.Join(parent, app.Name, rest), d, files, from); err != nil {
				return err
			}
		}
		return nil
	})
}

// treeFile is one file of a template tree.
type treeFile struct {
	src   Source
	name  string // its path in the tree
	label string // its path in messages
}

// render renders the file to the output path out, as data says, unless
// the manifest leaves it out.
func (tf treeFile) render(out string, data Data, files map[string]File, from map[string]string) error {
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
	content, err := fs.ReadFile(tf.src.FS, tf.name)
	if err != nil {
		return &FileError{Action: "read", Path: tf.label, Err: err}
	}
	if strings.HasSuffix(tf.name, TemplateSuffix) {
		if content, err = execute(tf.label, string(content), data); err != nil {
			return err
		}
		content = normalizeText(content)
	}
	mode := fs.FileMode(0o644)
	switch {
	case secretFiles[out]:
		mode = 0o600
	case bytes.HasPrefix(content, []byte("#!")):
		mode = 0o755
	}
	files[out] = File{Path: out, Mode: mode, Data: content, Keep: secretFiles[out]}
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
		return &TemplateError{File: label, Err: fmt.Errorf("%s: %w: rendered path %q %s", label, ErrUnsafePath, rendered, why)}
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

// parsed memoizes parsed templates by name and text. Parsing is most of the
// cost of a render, and the builtin templates are the same on every run.
var parsed sync.Map // parseKey -> *template.Template

type parseKey struct{ name, text string }

func parse(name, text string) (*template.Template, error) {
	key := parseKey{name, text}
	if t, ok := parsed.Load(key); ok {
		return t.(*template.Template), nil
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(funcs).Parse(text)
	if err != nil {
		return nil, err
	}
	parsed.Store(key, t)
	return t, nil
}

func execute(name, text string, data Data) ([]byte, error) {
	t, err := parse(name, text)
	if err != nil {
		return nil, &TemplateError{File: name, Err: err}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, &TemplateError{File: name, Err: err}
	}
	return buf.Bytes(), nil
}

var funcs = template.FuncMap{
	// gha writes a GitHub Actions expression, whose braces would otherwise
	// be read as a Go template action.
	"gha":   func(expr string) string { return "${{ " + expr + " }}" },
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"join":  strings.Join,
	"quote": strconv.Quote,
}

// normalizeText gives every rendered file LF line endings and exactly one
// final newline, whatever the template's own line endings were.
func normalizeText(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	b = bytes.TrimRight(b, "\n")
	if len(b) == 0 {
		return b
	}
	return append(b, '\n')
}

func answersFile(o Options, t Template) ([]byte, error) {
	f := config.File{
		ScaffoldVersion: version.String(),
		Template:        config.Template{Name: t.Name, Version: t.Version, Path: t.Path},
		Answers:         AnswersOf(o),
	}
	if len(o.Extra) > 0 {
		f.Extra = o.Extra
	}
	return config.Marshal(&f)
}

// AnswersOf records every option as an answer.
func AnswersOf(o Options) config.Answers {
	return config.Answers{
		Name: &o.Name, Python: &o.Python, Django: &o.Django, Database: &o.Database,
		Auth: &o.Auth, Resource: &o.Resource, APIDocs: &o.APIDocs, Celery: &o.Celery,
		CORS: &o.CORS, Server: &o.Server, CI: &o.CI,
	}
}

// Apply sets the options that the answers answer.
func Apply(o *Options, a config.Answers) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setBool := func(dst *bool, src *bool) {
		if src != nil {
			*dst = *src
		}
	}
	set(&o.Name, a.Name)
	set(&o.Python, a.Python)
	set(&o.Django, a.Django)
	set(&o.Database, a.Database)
	set(&o.Auth, a.Auth)
	set(&o.Resource, a.Resource)
	setBool(&o.APIDocs, a.APIDocs)
	setBool(&o.Celery, a.Celery)
	setBool(&o.CORS, a.CORS)
	set(&o.Server, a.Server)
	set(&o.CI, a.CI)
}
