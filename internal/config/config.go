// Package config reads and writes .scaffold.yaml, the answers file that every
// generated project keeps so that it can be generated again.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileName is the answers file in the root of every generated project.
const FileName = ".scaffold.yaml"

// File is the whole answers file.
type File struct {
	ScaffoldVersion string         `yaml:"scaffold_version"`
	Template        Template       `yaml:"template"`
	Answers         Answers        `yaml:"answers"`
	Extra           map[string]any `yaml:"extra,omitempty"`

	// Source is the name the file was read from, for messages.
	Source string         `yaml:"-"`
	lines  map[string]int // "answers.database" -> line, for messages about values
}

// Template records which templates made the project.
type Template struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	Path    string `yaml:"path,omitempty"`
}

// Answers hold one value per question; nil means the file does not answer it.
type Answers struct {
	Name     *string `yaml:"name,omitempty"`
	Python   *string `yaml:"python,omitempty"`
	Django   *string `yaml:"django,omitempty"`
	Database *string `yaml:"database,omitempty"`
	Auth     *string `yaml:"auth,omitempty"`
	Resource *string `yaml:"resource,omitempty"`
	APIDocs  *bool   `yaml:"api_docs,omitempty"`
	Celery   *bool   `yaml:"celery,omitempty"`
	CORS     *bool   `yaml:"cors,omitempty"`
	Server   *string `yaml:"server,omitempty"`
	CI       *string `yaml:"ci,omitempty"`
}

// Keys lists the keys the answers set, as they are written in the file.
func (a Answers) Keys() map[string]bool {
	keys := map[string]bool{}
	add := func(key string, set bool) {
		if set {
			keys[key] = true
		}
	}
	add("name", a.Name != nil)
	add("python", a.Python != nil)
	add("django", a.Django != nil)
	add("database", a.Database != nil)
	add("auth", a.Auth != nil)
	add("resource", a.Resource != nil)
	add("api_docs", a.APIDocs != nil)
	add("celery", a.Celery != nil)
	add("cors", a.CORS != nil)
	add("server", a.Server != nil)
	add("ci", a.CI != nil)
	return keys
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
	return &f, nil
}

// Decode reads a YAML file that scaffold's user writes into v, refusing
// unknown keys and values of the wrong type. Its errors are one-line *Error
// values that name the file and the line; format names the kind of file,
// as the README calls it. It returns the line of every key and list item,
// by dotted path such as "answers.database" or "questions.0.name", or nil
// lines for an empty document, which
// leaves v untouched so that the caller can say what the file needs.
func Decode(name, format string, data []byte, v any) (map[string]int, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, nil
	}
	lines := map[string]int{}
	collectLines(root.Content[0], "", lines)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeError(name, format, err, lines)
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

var (
	lineRe      = regexp.MustCompile(`^line (\d+): (.*)$`)
	notFoundRe  = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	unmarshalRe = regexp.MustCompile("(?s)^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
)

func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: line, Msg: "not valid YAML: " + m[2]}
	}
	return &Error{File: name, Msg: "not valid YAML: " + msg}
}

// decodeError turns yaml.v3's multi-line report into one line about the
// first problem, naming the key as it is written in the file.
func decodeError(name, format string, err error, lines map[string]int) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || len(te.Errors) == 0 {
		return syntaxError(name, err)
	}
	first := te.Errors[0]
	m := lineRe.FindStringSubmatch(first)
	if m == nil {
		return &Error{File: name, Msg: first}
	}
	line, _ := strconv.Atoi(m[1])
	msg := m[2]
	u := unmarshalRe.FindStringSubmatch(msg)
	key := keyAt(lines, line, u != nil && (u[1] == "seq" || u[1] == "map"))
	if f := notFoundRe.FindStringSubmatch(msg); f != nil {
		if key == "" {
			key = f[1]
		}
		msg = fmt.Sprintf("unknown key %q; see the %s format in scaffold's README", key, format)
	} else if u != nil {
		if key == "" {
			key = "the file"
		}
		if u[2] == "" {
			msg = fmt.Sprintf("%s: want a %s, not a %s", key, kindName(u[3]), yamlKind(u[1]))
		} else {
			msg = fmt.Sprintf("%s: %q is not a %s", key, u[2], kindName(u[3]))
		}
	}
	return &Error{File: name, Line: line, Msg: msg}
}

// keyAt names the key on a line. The deepest key wins, since an error is
// usually about the innermost value; for an error about a whole list or
// mapping written on one line, shallowest wins. The name breaks ties, so the
// result never depends on map order.
func keyAt(lines map[string]int, line int, shallowest bool) string {
	best := ""
	for k, l := range lines {
		if l != line {
			continue
		}
		better := len(k) > len(best)
		if shallowest {
			better = best == "" || len(k) < len(best)
		}
		if best == "" || better || len(k) == len(best) && k < best {
			best = k
		}
	}
	return best
}

func yamlKind(tag string) string {
	switch tag {
	case "seq":
		return "list"
	case "map":
		return "mapping"
	}
	return tag
}

func kindName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "list"
	case strings.HasPrefix(goType, "map"):
		return "mapping"
	case strings.HasSuffix(goType, "bool"):
		return "boolean (true or false)"
	case strings.HasSuffix(goType, "string"):
		return "string"
	case strings.Contains(goType, "."):
		return "mapping"
	}
	return goType
}
