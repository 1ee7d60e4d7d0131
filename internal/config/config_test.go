package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const sample = `scaffold_version: dev
template:
  name: django-drf
  version: 1.0.0
answers:
  name: myapi
  python: "3.13"
  database: mysql
  api_docs: false
extra:
  team: platform
`

func TestParse(t *testing.T) {
	f, err := Parse("a.yaml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	want := Answers{{"name", "myapi", 6}, {"python", "3.13", 7}, {"database", "mysql", 8}, {"api_docs", false, 9}}
	if !reflect.DeepEqual(f.Answers, want) {
		t.Errorf("answers = %+v; want %+v", f.Answers, want)
	}
	if team, _ := f.Extra.Lookup("team"); team.Value != "platform" {
		t.Errorf("extra = %v", f.Extra)
	}
	if f.Line("answers.database") != 8 {
		t.Errorf("line of answers.database = %d", f.Line("answers.database"))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"answers: [1, 2]\n", "a.yaml line 1: answers: want a mapping, not a list"},
		{"colour: blue\n", `a.yaml line 1: unknown key "colour"`},
		{"answers:\n  name: [x\n", "a.yaml line 1: not valid YAML"},
		{"", "a.yaml: the file is empty"},
	}
	for _, tt := range tests {
		_, err := Parse("a.yaml", []byte(tt.in))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("Parse(%q) = %v, want *Error", tt.in, err)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, tt.want) || strings.Contains(msg, "\n") {
			t.Errorf("Parse(%q) = %q, want one line starting %q", tt.in, msg, tt.want)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	in := &File{ScaffoldVersion: "dev", Template: Template{Name: "n", Version: "1", Path: "../p", Commit: "0123abcd", Builtin: "1.1.0"},
		Answers: Answers{{Key: "name", Value: "myapi"}, {Key: "python", Value: "3.13"}, {Key: "api_docs", Value: true}},
		Extra:   Answers{{Key: "b", Value: "1.10"}, {Key: "a", Value: "x"}},
		Files:   map[string]string{"b.txt": "00ff", "Dockerfile": "3b1f"}}
	data, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Marshal(in)
	if err != nil || string(again) != string(data) {
		t.Fatal("Marshal is not deterministic")
	}
	out, err := Parse("x", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	noLines := func(a Answers) Answers {
		out := slices.Clone(a)
		for i := range out {
			out[i].Line = 0
		}
		return out
	}
	if !reflect.DeepEqual(noLines(out.Answers), in.Answers) || out.Template != in.Template ||
		!reflect.DeepEqual(noLines(out.Extra), in.Extra) || !reflect.DeepEqual(out.Files, in.Files) {
		t.Errorf("round trip changed the file:\n%s", data)
	}
	if !strings.Contains(string(data), "answers:\n  name: myapi\n  python: \"3.13\"\n  api_docs: true\nextra:\n  b: \"1.10\"\n  a: x\n") {
		t.Errorf("answers are not written in order, with strings quoted where YAML would read another type:\n%s", data)
	}
}

// FuzzParse checks that any input gives either a one-line *Error or a file
// that survives a write and a read.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("f.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse error %q is not a one-line *Error", err)
			}
			return
		}
		out, err := Marshal(file)
		if err != nil {
			return // values such as NaN keys may not encode; that is not a crash
		}
		if _, err := Parse("again.yaml", out); err != nil {
			t.Fatalf("a marshalled file does not parse: %v\n%s", err, out)
		}
	})
}
