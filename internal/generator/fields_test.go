package generator

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// owner stands for the values a pack may find in the data: structs behind
// pointers, with methods.
type owner struct{ Name string }

func (*owner) Team() string { return "platform" }

func TestFieldCheck(t *testing.T) {
	tests := []struct {
		text, want string
	}{
		{"{{with .App}}{{.Model}}{{end}}", ""},
		{"{{with .App}}\n{{.Modle}}{{end}}", `tmpl/a.tmpl:2: no field "Modle" in .App`},
		{"{{range .Extra}}{{if false}}{{.Anything}}{{end}}{{end}}", ""},
		{"{{range $k, $v := .Extra}}{{$v}}{{else}}{{.Nope}}{{end}}", `no field "Nope" in the template data`},
		{"{{if false}}\n\n{{.Extra.typo}}{{end}}", `tmpl/a.tmpl:3: no answer "typo" in .Extra`},
		{"{{index .Extra \"maybe\"}}", ""},
		// Beyond what the check follows, execution reports in its own words.
		{"{{(.App).Nope}}", `can't evaluate field Nope`},
		{"{{.Secrets.DjangoSecretKey | len}} {{printf \"%s\" .Slug}}", ""},
		{"{{.Name.Nope}}", `no field "Nope" in .Name`},
		{"{{.Extra.tags.a}} {{.Extra.owner.Name}} {{with .Extra.owner}}{{.Name}}{{.Team}}{{end}}", ""},
		{"{{.Extra.tags.b}}", `no field "b" in .Extra.tags`},
		{"{{.Extra.owner.Nope}}", `no field "Nope" in .Extra.owner`},
		{"{{with .Extra.owner}}\n{{.Nope}}{{end}}", `tmpl/a.tmpl:2: no field "Nope" in .Extra.owner`},
		{"{{if .Extra.none}}{{.Extra.none.Nope}}{{end}}", ""},
		{"{{template \"x\" .Nope}}{{define \"x\"}}{{end}}", `no field "Nope" in the template data`},
	}
	for _, tt := range tests {
		o := testOptions()
		o.Extra = map[string]any{"tags": map[string]string{"a": "b"}, "owner": &owner{Name: "x"}, "none": (*owner)(nil)}
		_, err := Render(o, testTemplate(fstest.MapFS{"a.tmpl": {Data: []byte(tt.text)}}), fixedRand())
		if tt.want == "" {
			if err != nil {
				t.Errorf("%q: %v", tt.text, err)
			}
			continue
		}
		if _, ok := errors.AsType[*TreeError](err); !ok || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v; want a template error with %q", tt.text, err, tt.want)
		}
	}
}
