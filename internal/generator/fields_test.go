package generator

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFieldCheck(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"{{with .App}}{{.Model}}{{end}}", ""},
		{"{{with .App}}\n{{.Modle}}{{end}}", `tmpl/a.tmpl:2: no field "Modle" in the template data`},
		{"{{range .Extra}}{{.Anything}}{{end}}", ""},
		{"{{range $k, $v := .Extra}}{{$v}}{{else}}{{.Nope}}{{end}}", `no field "Nope" in the template data`},
		{"{{if false}}\n\n{{.Extra.typo}}{{end}}", `tmpl/a.tmpl:3: no answer "typo" in .Extra`},
		{"{{index .Extra \"maybe\"}}", ""},
		// Beyond what the check follows, execution reports in its own words.
		{"{{(.App).Nope}}", `can't evaluate field Nope`},
		{"{{.Secrets.DjangoSecretKey | len}} {{printf \"%s\" .Slug}}", ""},
		{"{{.Name.Nope}}", `no field "Nope" in .Name`},
		{"{{template \"x\" .Nope}}{{define \"x\"}}{{end}}", `no field "Nope" in the template data`},
	}
	for _, tt := range tests {
		_, err := Render(testOptions(), testTemplate(fstest.MapFS{"a.tmpl": {Data: []byte(tt.text)}}), fixedRand())
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.text, err)
			}
			continue
		}
		if _, ok := errors.AsType[*TemplateError](err); !ok || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want a template error with %q", tt.text, err, tt.want)
		}
	}
}
