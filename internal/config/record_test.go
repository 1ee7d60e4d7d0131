package config

import (
	"strings"
	"testing"

	"github.com/djscaffold/scaffold/internal/generator"
)

func TestAddToRecordsHashes(t *testing.T) {
	plan := generator.Plan{Files: []generator.File{
		{Path: ".env", Mode: 0o600, Data: []byte("SECRET=x\n"), Keep: true},
		{Path: "a", Mode: 0o644, Data: []byte("a\n")},
	}}
	f := &File{Template: Template{Name: "django-drf", Version: "1.0.0"}}
	if err := f.AddTo(&plan); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7"}
	if len(f.Files) != 1 || f.Files["a"] != want["a"] {
		t.Errorf("Files = %v, want %v: every file but .env and the answers file, by sha256", f.Files, want)
	}
	written, ok := plan.Lookup(FileName)
	if !ok || !strings.Contains(string(written.Data), "files:\n  a: 87428fc5") {
		t.Errorf("the answers file does not list the hashes:\n%s", written.Data)
	}
	back, err := Parse(FileName, written.Data)
	if err != nil || back.Files["a"] != want["a"] {
		t.Errorf("read back: %v, %v", back, err)
	}
}
