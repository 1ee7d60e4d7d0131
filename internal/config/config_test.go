package config

import (
	"errors"
	"reflect"
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
	if *f.Answers.Name != "myapi" || *f.Answers.Database != "mysql" || *f.Answers.APIDocs {
		t.Errorf("answers = %+v", f.Answers)
	}
	if f.Answers.Auth != nil || f.Answers.Celery != nil {
		t.Error("unset answers must stay nil")
	}
	if f.Extra["team"] != "platform" {
		t.Errorf("extra = %v", f.Extra)
	}
	if keys := f.Answers.Keys(); len(keys) != 4 || !keys["name"] || !keys["api_docs"] || keys["auth"] {
		t.Errorf("keys = %v, want name, python, database and api_docs", keys)
	}
	if f.Line("answers.database") != 8 {
		t.Errorf("line of answers.database = %d", f.Line("answers.database"))
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"answers:\n  name: x\n  databse: mysql\n", `a.yaml line 3: unknown key "answers.databse"`},
		{"answers:\n  celery: sometimes\n", `a.yaml line 2: answers.celery: "sometimes" is not a boolean (true or false)`},
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
	name, db, docs := "myapi", "sqlite", true
	in := &File{ScaffoldVersion: "dev", Template: Template{Name: "n", Version: "1"},
		Answers: Answers{Name: &name, Database: &db, APIDocs: &docs}, Extra: map[string]any{"b": 1, "a": "x"}}
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
	if !reflect.DeepEqual(out.Answers, in.Answers) || out.Template != in.Template || !reflect.DeepEqual(out.Extra, in.Extra) {
		t.Errorf("round trip changed the file:\n%s", data)
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
