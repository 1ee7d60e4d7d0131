package config

import (
	"errors"
	"testing"
)

func TestDecodeLines(t *testing.T) {
	var v struct {
		Items []struct {
			Name string `yaml:"name"`
		} `yaml:"items"`
	}
	lines, err := Decode("f.yaml", "test", []byte("items:\n  - name: a\n  - name: b\n"), &v)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{"items": 1, "items.0": 2, "items.0.name": 2, "items.1.name": 3} {
		if lines[key] != want {
			t.Errorf("line of %s = %d, want %d", key, lines[key], want)
		}
	}
	if lines, err := Decode("f.yaml", "test", []byte("# only a comment\n"), &v); lines != nil || err != nil {
		t.Errorf("Decode(empty) = %v, %v; want nil lines and no error", lines, err)
	}
}

type decoded struct {
	Name  string            `yaml:"name"`
	Items []string          `yaml:"items"`
	On    bool              `yaml:"on"`
	Tags  map[string]string `yaml:"tags"`
	Inner `yaml:",inline"`
}

type Inner struct {
	Deep string `yaml:"deep"`
}

func TestDecodeErrors(t *testing.T) {
	var v decoded
	tests := []struct{ yaml, want string }{
		{"name: [a]\n", "f.yaml line 1: name: want a string, not a list"},
		{"items:\n  - [a]\n", "f.yaml line 2: items.0: want a string, not a list"},
		{"nmae: a\n", `f.yaml line 1: unknown key "nmae"; see the test format in scaffold's README`},
		{"on: sometimes\n", `f.yaml line 1: on: "sometimes" is not a boolean (true or false)`},
		{"on: [true]\n", `f.yaml line 1: on: want a boolean (true or false), not a list`},
		{"tags: [a]\n", `f.yaml line 1: tags: want a mapping, not a list`},
		{"tags:\n  a: {b: c}\n", `f.yaml line 2: tags.a: want a string, not a mapping`},
		{"- a\n", `f.yaml line 1: the file: want a mapping, not a list`},
		{"deep: [x]\n", `f.yaml line 1: deep: want a string, not a list`},
		{"name: [a\n", `f.yaml line 1: not valid YAML: did not find expected ',' or ']'`},
	}
	for _, tt := range tests {
		_, err := Decode("f.yaml", "test", []byte(tt.yaml), &v)
		var ce *Error
		if !errors.As(err, &ce) || err.Error() != tt.want {
			t.Errorf("Decode(%q) error = %v, want %s", tt.yaml, err, tt.want)
		}
	}
	if _, err := Parse("a.yaml", []byte("answers:\n  name: x\ntemplate:\n  commmit: x\n")); err == nil || err.Error() != `a.yaml line 4: unknown key "template.commmit"; see the answers file format in scaffold's README` {
		t.Errorf("Parse error = %v", err)
	}
}

func TestDecodeListOfStrings(t *testing.T) {
	var v decoded
	_, err := Decode("f.yaml", "test", []byte("items: x\n"), &v)
	if err == nil || err.Error() != `f.yaml line 1: items: "x" is not a list` {
		t.Errorf("Decode error = %v", err)
	}
}
