package config

import (
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// schema checks a YAML document against the Go type it decodes into, so
// that every mistake is told in the file's own terms: the key as written,
// and what it should hold.
type schema struct {
	file, format string
}

var (
	answersType = reflect.TypeFor[Answers]()
	nodeType    = reflect.TypeFor[yaml.Node]()
)

func (s schema) check(n *yaml.Node, t reflect.Type, key string) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" || t == nodeType {
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.check(n, t.Elem(), key)
	case reflect.Interface:
		return nil
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return s.wrongKind(n, "mapping", key)
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := join(key, n.Content[i].Value)
			ft, ok := fields[n.Content[i].Value]
			if !ok {
				return &Error{File: s.file, Line: n.Content[i].Line,
					Msg: fmt.Sprintf("unknown key %q; see the %s format in scaffold's README", k, s.format)}
			}
			if err := s.check(n.Content[i+1], ft, k); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return s.wrongKind(n, "mapping", key)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := s.check(n.Content[i+1], t.Elem(), join(key, n.Content[i].Value)); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if t == answersType {
			if n.Kind != yaml.MappingNode {
				return s.wrongKind(n, "mapping", key)
			}
			return nil
		}
		if n.Kind != yaml.SequenceNode {
			return s.wrongKind(n, "list", key)
		}
		for i, item := range n.Content {
			if err := s.check(item, t.Elem(), join(key, strconv.Itoa(i))); err != nil {
				return err
			}
		}
		return nil
	case reflect.Bool:
		if n.Kind == yaml.ScalarNode && n.Tag != "!!bool" {
			return s.fail(n, key, fmt.Sprintf("%q is not a %s", n.Value, kindName(reflect.Bool)))
		}
	}
	if n.Kind != yaml.ScalarNode {
		return s.fail(n, key, fmt.Sprintf("want a %s, not a %s", kindName(t.Kind()), shape(n)))
	}
	return nil
}

// wrongKind reports a value that is not the list or mapping the key needs.
func (s schema) wrongKind(n *yaml.Node, want, key string) error {
	if n.Kind == yaml.ScalarNode {
		return s.fail(n, key, fmt.Sprintf("%q is not a %s", n.Value, want))
	}
	return s.fail(n, key, fmt.Sprintf("want a %s, not a %s", want, shape(n)))
}

func (s schema) fail(n *yaml.Node, key, msg string) error {
	if key == "" {
		key = "the file"
	}
	return &Error{File: s.file, Line: n.Line, Msg: key + ": " + msg}
}

// yamlFields maps the keys of a struct, its inline structs' included, to
// their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case name == "-" || !f.IsExported():
		case strings.Contains(","+opts+",", ",inline,"):
			maps.Copy(fields, yamlFields(f.Type))
		case name == "":
			fields[strings.ToLower(f.Name)] = f.Type
		default:
			fields[name] = f.Type
		}
	}
	return fields
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func shape(n *yaml.Node) string {
	if n.Kind == yaml.SequenceNode {
		return "list"
	}
	return "mapping"
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Slice:
		return "list"
	case reflect.Map, reflect.Struct:
		return "mapping"
	case reflect.Bool:
		return "boolean (true or false)"
	case reflect.String:
		return "string"
	}
	return "number"
}
