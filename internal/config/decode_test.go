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
	Name  string   `yaml:"name"`
	Items []string `yaml:"items"`
}

func TestDecodeErrors(t *testing.T) {
	var v decoded
	tests := []struct{ yaml, want string }{
		{"name: [a]\n", "f.yaml line 1: name: want a string, not a list"},
		{"items:\n  - [a]\n", "f.yaml line 2: items.0: want a string, not a list"},
		{"nmae: a\n", `f.yaml line 1: unknown key "nmae"; see the test format in scaffold's README`},
	}
	for _, tt := range tests {
		_, err := Decode("f.yaml", "test", []byte(tt.yaml), &v)
		var ce *Error
		if !errors.As(err, &ce) || err.Error() != tt.want {
			t.Errorf("Decode(%q) error = %v, want %s", tt.yaml, err, tt.want)
		}
	}
	if _, err := Parse("a.yaml", []byte("answers:\n  databse: mysql\n")); err == nil || err.Error() != `a.yaml line 2: unknown key "answers.databse"; see the answers file format in scaffold's README` {
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
