package config

import (
	"errors"
	"strings"
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

func TestDecodeDuplicateKeys(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"answers:\n  celery: false\n  celery: true\n",
			`a.yaml line 3: key "answers.celery" is given twice, on lines 2 and 3; keep one`},
		{"answers:\n  name: x\nanswers:\n  name: y\n",
			`a.yaml line 3: key "answers" is given twice, on lines 1 and 3; keep one`},
		{"template:\n  name: a\n  version: 1\n  name: b\nanswers:\n  name: x\n",
			`a.yaml line 4: key "template.name" is given twice, on lines 2 and 4; keep one`},
		{"answers:\n  name: x\nresources:\n  - name: a\n    fields: []\n  - name: b\n    name: c\n",
			`a.yaml line 7: key "resources.1.name" is given twice, on lines 6 and 7; keep one`},
		{"answers:\n  name: x\nextra:\n  a: {b: 1, 'b': 2}\n",
			`a.yaml line 4: key "extra.a.b" is given twice, on lines 4 and 4; keep one`},
		{"answers:\n  name: x\nfiles:\n  a: b\n  \"a\": c\n",
			`a.yaml line 5: key "files.a" is given twice, on lines 4 and 5; keep one`},
	}
	for _, tt := range tests {
		_, err := Parse("a.yaml", []byte(tt.yaml))
		var ce *Error
		if !errors.As(err, &ce) || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %s", tt.yaml, err, tt.want)
		}
	}
}

func TestDecodeExcessiveAliasing(t *testing.T) {
	// Each line repeats the one before nine times: the aliases on line 6
	// take the document past a thousand values, most of them repeated;
	// yaml.v3 alone would say line 1.
	in := "answers:\n  name: x\nextra:\n" +
		"  a: &a [x, x, x, x, x, x, x, x, x]\n" +
		"  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n" +
		"  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	_, err := Parse("a.yaml", []byte(in))
	var ce *Error
	if !errors.As(err, &ce) || ce.Line != 6 || !strings.Contains(err.Error(), "excessive aliasing") || !strings.Contains(err.Error(), "*b") {
		t.Errorf("Parse error = %v, want excessive aliasing at line 6, alias *b", err)
	}
	// A few aliases are fine.
	ok := "answers:\n  name: x\nresource_fields: &f [title:str]\nresources:\n  - name: books\n    fields: *f\n"
	f, err := Parse("a.yaml", []byte(ok))
	if err != nil || len(f.Resources) != 1 || f.Resources[0].Fields[0] != "title:str" {
		t.Errorf("Parse(%q) = %+v, %v", ok, f, err)
	}
}
