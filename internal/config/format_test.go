package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every format of the answers file that a scaffold wrote, as the golden
// projects of git history hold them (testdata/formats: the files of
// release 1.0.0, before and after files:, and of release 1.1.0, with the
// builtin version under a pack and a pack's commit), reads as format 1, and
// writes back as it reads, with its format written.
func TestReadsEveryEarlierFormat(t *testing.T) {
	names, err := filepath.Glob("testdata/formats/*.yaml")
	if err != nil || len(names) < 7 {
		t.Fatalf("formats: %v, %v", names, err)
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != 1 || f.Template.Name == "" || f.Template.Version == "" {
				t.Errorf("format %d, template %+v", f.Format, f.Template)
			}
			if n, ok := f.Answers.Lookup("name"); !ok || n.Value == "" {
				t.Errorf("answers.name: %v", n)
			}
			if strings.Contains(filepath.Base(name), "pack") && f.Template.Path == "" {
				t.Error("the pack's path is lost")
			}
			again, err := Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			// Written back, it says its format and is otherwise as it was.
			want := bytes.Replace(data, []byte("\nscaffold_version:"), []byte("\nformat: 1\nscaffold_version:"), 1)
			if !bytes.Equal(again, want) {
				t.Errorf("written back:\n%s\nwant\n%s", again, want)
			}
		})
	}
}

func TestFormatKey(t *testing.T) {
	const rest = "scaffold_version: dev\ntemplate:\n  name: django-drf\n  version: 1.1.0\nanswers:\n  name: myapi\n"
	f, err := Parse("a.yaml", []byte("format: 1\n"+rest))
	if err != nil || f.Format != 1 {
		t.Fatalf("format 1: %+v, %v", f, err)
	}
	for text, want := range map[string]string{
		"format: 2\n": "a.yaml line 1: format 2 is newer than this scaffold reads (1); install a newer scaffold",
		"format: 0\n": "a.yaml line 1: format 0 is not a format of the answers file; it starts at 1",
	} {
		if _, err := Parse("a.yaml", []byte(text+rest)); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// An answers file says its format first; one that an earlier scaffold
// wrote without the key, or by another scaffold version, records the same
// project.
func TestFormatWrittenAndSame(t *testing.T) {
	const rest = "template:\n  name: django-drf\n  version: 1.1.0\nanswers:\n  name: myapi\n"
	old := []byte("scaffold_version: 1.0.0\n" + rest)
	f, err := Parse(FileName, old)
	if err != nil {
		t.Fatal(err)
	}
	f.ScaffoldVersion = "dev"
	data, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\nformat: 1\nscaffold_version: dev\n")) {
		t.Errorf("format not written first:\n%s", data)
	}
	if !Same(old, data) {
		t.Error("a file without its format key differs from one with it")
	}
	if Same(old, []byte("scaffold_version: 1.0.0\n"+strings.Replace(rest, "myapi", "other", 1))) {
		t.Error("other answers are the same")
	}
	if Same([]byte("answers: ["), []byte("answers: [ ")) || !Same([]byte("answers: ["), []byte("answers: [")) {
		t.Error("files that do not parse compare by their bytes")
	}
}
