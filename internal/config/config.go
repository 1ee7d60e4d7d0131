// Package config reads and writes .scaffold.yaml, the answers file that every
// generated project keeps so that it can be generated again.
package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileName is the answers file in the root of every generated project.
const FileName = ".scaffold.yaml"

// Format is the version of the answers file's format that this scaffold
// reads and writes, in the spirit of kubebuilder's PROJECT file: a
// scaffold refuses a file of a newer format instead of misreading it.
// Marshal writes it as the file's first key. Earlier scaffolds wrote
// format 1 without the key, so a file without one is format 1. A change
// to the format that older scaffolds must not read raises Format.
const Format = 1

// File is the whole answers file.
type File struct {
	// Format is the file's format; Parse sets it to 1 when the file has
	// no format key, as the files of older scaffolds have not.
	Format          int      `yaml:"format,omitempty"`
	ScaffoldVersion string   `yaml:"scaffold_version"`
	Template        Template `yaml:"template"`
	// Answers answer the builtin questions, in the order they are asked.
	Answers Answers `yaml:"answers"`
	// ResourceFields are the typed fields of the example resource
	// (answers.resource), when it does not have the default ones.
	ResourceFields []string `yaml:"resource_fields,omitempty"`
	// ResourceModel is the example resource's model, when it is not the
	// one that scaffold 1.2.0 and earlier gave it (resource.LegacyModel).
	ResourceModel string `yaml:"resource_model,omitempty"`
	// ResourceOrderingIndexIn0002 puts the example resource's ordering
	// index in a migration of its own (resource.Resource.LateIndex).
	ResourceOrderingIndexIn0002 bool `yaml:"resource_ordering_index_in_0002,omitempty"`
	// Resources are the API resources added after the example one, in the
	// order they were added.
	Resources []Resource `yaml:"resources,omitempty"`
	// Added are the fields added later to the resources, one entry for
	// each `scaffold add field`, which has a migration of its own, in the
	// order they were added.
	Added []Added `yaml:"added,omitempty"`
	// Extra answers a template pack's own questions.
	Extra Answers `yaml:"extra,omitempty"`
	// Files holds the SHA-256 (hex) of every generated file as scaffold
	// last wrote it, by path, leaving out .env and the answers file.
	Files map[string]string `yaml:"files,omitempty"`

	// Source is the name the file was read from, for messages.
	Source string         `yaml:"-"`
	lines  map[string]int // "answers.database" -> line, for messages about values
}

// Resource is an API resource with its typed fields, each written as on
// the command line, such as title:str:120.
type Resource struct {
	Name   string   `yaml:"name"`
	Fields []string `yaml:"fields"`
	// Model is the resource's model, when it is not the one that scaffold
	// 1.2.0 and earlier gave it (resource.LegacyModel): a file without it
	// keeps that one.
	Model string `yaml:"model,omitempty"`
	// Owner gives each object an owner (add resource --owner).
	Owner bool `yaml:"owner,omitempty"`
	// OrderingIndexIn0002 puts the ordering's index in a migration of its
	// own, for a resource made before its model had one
	// (resource.Resource.LateIndex).
	OrderingIndexIn0002 bool `yaml:"ordering_index_in_0002,omitempty"`
}

// Added are fields added to a resource by one `scaffold add field`.
type Added struct {
	Resource string   `yaml:"resource"`
	Fields   []string `yaml:"fields"`
}

// Template records which templates made the project.
type Template struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	Path    string `yaml:"path,omitempty"`
	// Commit is the pack folder's git commit, when it is in a repository.
	Commit string `yaml:"commit,omitempty"`
	// Builtin is the version of the builtin templates under a pack; empty
	// means 1.0.0, the version before it was recorded.
	Builtin string `yaml:"builtin,omitempty"`
}

// Answer is one answer of an answers file.
type Answer struct {
	Key string
	// Value is a string or a bool. Read from a file, it is a boolean, or
	// any other single value as written, or nil for a null; a list or a
	// mapping, which no question takes, is read as []any or map[string]any.
	Value any
	Line  int // where the file holds it; 0 when it was not read from one
}

// Answers map keys to values, in the order they are written.
type Answers []Answer

// Lookup returns the answer with the given key.
func (a Answers) Lookup(key string) (Answer, bool) {
	for _, ans := range a {
		if ans.Key == key {
			return ans, true
		}
	}
	return Answer{}, false
}

// UnmarshalYAML implements yaml.Unmarshaler; Decode has checked that node
// is a mapping.
func (a *Answers) UnmarshalYAML(node *yaml.Node) error {
	*a = nil
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, value := node.Content[i], node.Content[i+1]
		ans := Answer{Key: key.Value, Line: key.Line}
		switch {
		case value.Kind == yaml.ScalarNode && value.Tag == "!!bool":
			var b bool
			if err := value.Decode(&b); err != nil {
				return err
			}
			ans.Value = b
		case value.Kind == yaml.ScalarNode && value.Tag != "!!null":
			ans.Value = value.Value
		case value.Kind != yaml.ScalarNode:
			if err := value.Decode(&ans.Value); err != nil {
				return err
			}
		}
		*a = append(*a, ans)
	}
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (a Answers) MarshalYAML() (any, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	// Node.Encode runs a whole YAML encoder and parser: once for all the
	// values, as a list, rather than once for each.
	values := make([]any, len(a))
	for i, ans := range a {
		values[i] = ans.Value
	}
	var list yaml.Node
	if err := list.Encode(values); err != nil {
		return nil, err
	}
	for i, ans := range a {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: ans.Key}, list.Content[i])
	}
	return m, nil
}

// Text returns a value for a question that takes text: any single value,
// as written.
func (a Answer) Text() (string, error) {
	switch v := a.Value.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("want a string, not a %s", shapeOf(a.Value))
}

// Bool returns a value for a yes-or-no question.
func (a Answer) Bool() (bool, error) {
	switch v := a.Value.(type) {
	case bool:
		return v, nil
	case string:
		return false, fmt.Errorf("%q is not a %s", v, kindName(reflect.Bool))
	}
	return false, fmt.Errorf("want a %s, not a %s", kindName(reflect.Bool), shapeOf(a.Value))
}

func shapeOf(v any) string {
	if _, ok := v.([]any); ok {
		return "list"
	}
	return "mapping"
}

// PackDir is the folder of the template pack the file records, or "" for
// the builtin templates. A relative template.path is relative to the folder
// that holds the file, which is the project folder, so that a project and
// its pack can move together.
func (f *File) PackDir() string {
	p := filepath.FromSlash(f.Template.Path)
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.Source), p)
}

// Error is a problem in a file the user wrote: an answers file, or a
// template pack's pack.yaml. It is the user's to fix.
type Error struct {
	File string
	Line int // 0 when unknown
	Msg  string
}

func (e *Error) Error() string {
	// Values quoted from the file may span lines; the report stays on one.
	msg := strings.ReplaceAll(e.Msg, "\n", `\n`)
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.File, e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.File, msg)
}

// Line returns the line of a key such as "answers.database", or 0.
func (f *File) Line(key string) int { return f.lines[key] }

// Parse reads an answers file. name is used in error messages. Unknown keys
// and values of the wrong type are errors, so that a typo never goes unnoticed.
func Parse(name string, data []byte) (*File, error) {
	var f File
	lines, err := Decode(name, "answers file", data, &f)
	if err != nil {
		return nil, err
	}
	if lines == nil {
		return nil, &Error{File: name, Msg: "the file is empty; it needs at least an answers: section"}
	}
	f.Source = name
	f.lines = lines
	if err := f.checkFormat(); err != nil {
		return nil, err
	}
	return &f, nil
}

// checkFormat refuses a format this scaffold cannot read.
func (f *File) checkFormat() error {
	_, given := f.lines["format"]
	switch {
	case !given:
		f.Format = 1
	case f.Format > Format:
		return &Error{File: f.Source, Line: f.Line("format"),
			Msg: fmt.Sprintf("format %d is newer than this scaffold reads (%d); install a newer scaffold", f.Format, Format)}
	case f.Format < 1:
		return &Error{File: f.Source, Line: f.Line("format"), Msg: fmt.Sprintf("format %d is not a format of the answers file; it starts at 1", f.Format)}
	}
	return nil
}

// Decode reads a YAML file that scaffold's user writes into v, refusing
// unknown keys and values of the wrong type. Its errors are one-line *Error
// values that name the file and the line; format names the kind of file,
// as the README calls it. It returns the line of every key and list item,
// by dotted path such as "answers.database" or "questions.0.name", or nil
// lines for an empty document, which leaves v untouched so that the caller
// can say what the file needs. A key given twice in a mapping is an error
// that names both lines, and so are aliases that repeat too many values.
func Decode(name, format string, data []byte, v any) (map[string]int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	doc := root.Content[0]
	if err := checkKeys(name, doc, ""); err != nil {
		return nil, err
	}
	if err := checkAliases(name, doc); err != nil {
		return nil, err
	}
	lines := map[string]int{}
	collectLines(doc, "", lines)
	s := schema{file: name, format: format}
	if err := s.check(doc, reflect.TypeOf(v).Elem(), ""); err != nil {
		return nil, err
	}
	// What check accepts decodes; an error here is yaml.v3's alone, such
	// as an alias that expands too far.
	if err := doc.Decode(v); err != nil {
		return nil, &Error{File: name, Line: doc.Line, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	return lines, nil
}

// Marshal writes an answers file. The output depends only on f: struct
// fields keep their order and yaml.v3 sorts map keys.
func Marshal(f *File) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# Answers scaffold used to generate this project.\n")
	buf.WriteString("# Generate it again, from this folder: scaffold new -o .. --config .scaffold.yaml --no-input --force\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encode %s: %w", FileName, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode %s: %w", FileName, err)
	}
	return buf.Bytes(), nil
}

// Same reports whether two answers files record the same project, the
// scaffold version that wrote them aside, and whether format 1 is written
// or left out, as earlier scaffolds left it. A file that does not parse is
// the same only as itself.
func Same(a, b []byte) bool {
	fa, errA := Parse(FileName, a)
	fb, errB := Parse(FileName, b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	fa.ScaffoldVersion, fb.ScaffoldVersion = "", ""
	ma, errA := Marshal(fa)
	mb, errB := Marshal(fb)
	return errA == nil && errB == nil && bytes.Equal(ma, mb)
}

func collectLines(n *yaml.Node, prefix string, lines map[string]int) {
	join := func(key string) string {
		if prefix == "" {
			return key
		}
		return prefix + "." + key
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := join(n.Content[i].Value)
			lines[key] = n.Content[i].Line
			collectLines(n.Content[i+1], key, lines)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			key := join(strconv.Itoa(i))
			lines[key] = item.Line
			collectLines(item, key, lines)
		}
	}
}

// syntaxError reports YAML that does not parse. yaml.v3 puts the line in
// its message, as "yaml: line 3: ...".
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, reason, ok := strings.Cut(rest, ": "); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, reason
			}
		}
	}
	return &Error{File: name, Line: line, Msg: "not valid YAML: " + msg}
}
