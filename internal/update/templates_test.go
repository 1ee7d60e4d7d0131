package update

import (
	"errors"
	"testing"

	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/templates"
)

func TestBuiltinOpensEveryRelease(t *testing.T) {
	for _, v := range releases.Versions() {
		tmpl, err := Released(v)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if tmpl.Version != v || tmpl.Name != templates.Name || len(tmpl.Sources) != 1 {
			t.Errorf("%s: got %s %s with %d sources", v, tmpl.Name, tmpl.Version, len(tmpl.Sources))
		}
	}
}

func TestBuiltinRefusesUnknownAndNewerVersions(t *testing.T) {
	if _, err := Builtin("99.0.0"); !errors.Is(err, ErrNewerTemplates) {
		t.Errorf("99.0.0: err = %v, want ErrNewerTemplates", err)
	}
	if _, err := Builtin("0.0.1"); !errors.Is(err, releases.ErrUnknownVersion) {
		t.Errorf("0.0.1: err = %v, want ErrUnknownVersion", err)
	}
	if _, err := Builtin("latest"); !errors.Is(err, releases.ErrUnknownVersion) {
		t.Errorf("latest: err = %v, want ErrUnknownVersion", err)
	}
}
