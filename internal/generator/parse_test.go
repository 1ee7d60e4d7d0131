package generator

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"text/template"
)

// parse must accept, reject and run templates exactly as
// text/template's own Parse does.
func TestParseAgreesWithTextTemplate(t *testing.T) {
	for _, text := range []string{
		"",
		"plain text",
		"{{.Name}} {{lower .Name}} {{printf \"%s-%d\" .Name 1}} {{len .Name}} {{urlquery .Name}}",
		"{{if and (eq .Name \"x\") (ne .Name \"y\")}}a{{else if lt 1 2}}b{{end}}",
		"{{range $i, $v := .List}}{{$i}}={{$v}} {{end}}{{with .Name}}{{.}}{{end}}",
		"{{define \"x\"}}X{{end}}{{template \"x\"}}",
		"{{block \"b\" .}}B{{end}}",
		"{{nosuchfunc .Name}}",
		"{{.Name",
		"{{if .Name}}unclosed",
		"{{template \"missing\"}}",
		"{{call .Name}}{{html .Name}}{{js .Name}}{{index .List 0}}{{slice .Name 1}}{{not true}}{{or 0 1}}{{print 1}}{{println 1}}{{ge 1 1}}{{gt 2 1}}{{le 1 1}}",
	} {
		data := map[string]any{"Name": "x", "List": []string{"a", "b"}}
		want, wantErr := template.New("t").Option("missingkey=error").Funcs(funcs).Parse(text)
		for _, set := range []*templateSet{nil, {}} {
			got, gotErr := set.parse("t", text)
			if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Errorf("%q: parse error %v, want %v", text, gotErr, wantErr)
				continue
			}
			if gotErr != nil {
				continue
			}
			var gotOut, wantOut strings.Builder
			gotErr, wantErr := got.Execute(&gotOut, data), want.Execute(&wantOut, data)
			if gotOut.String() != wantOut.String() || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
				t.Errorf("%q: ran to %q, %v; want %q, %v", text, gotOut.String(), gotErr, wantOut.String(), wantErr)
			}
		}
	}
}

// funcNames holds nothing but text/template's builtins and ours: another
// name would let parse accept a call that text/template refuses.
func TestFuncNamesAreFunctionsTemplatesHave(t *testing.T) {
	for name := range funcNames {
		if _, err := template.New("t").Parse("{{" + name + "}}"); err != nil && strings.Contains(err.Error(), "not defined") {
			if _, ours := funcs[name]; !ours {
				t.Errorf("%s is not a builtin of text/template", name)
			}
		}
	}
}

// Templates of one render share their functions, never their names: a
// file's define and another's template call stay apart, as when each
// file had a set of its own.
func TestTemplatesOfARenderKeepTheirOwnNames(t *testing.T) {
	files := fstest.MapFS{
		"a.txt.tmpl": {Data: []byte(`{{define "part"}}A{{end}}a={{template "part"}}`)},
		"b.txt.tmpl": {Data: []byte(`{{define "part"}}B{{end}}b={{template "part"}}`)},
		"c.txt.tmpl": {Data: []byte(`c={{.Name}}`)},
	}
	plan, err := Render(testOptions(), testTemplate(files), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a.txt": "a=A\n", "b.txt": "b=B\n", "c.txt": "c=my-api\n"} {
		if f, _ := plan.Lookup(name); string(f.Data) != want {
			t.Errorf("%s = %q, want %q", name, f.Data, want)
		}
	}
	files["d.txt.tmpl"] = &fstest.MapFile{Data: []byte(`{{template "tmpl/c.txt.tmpl"}}`)}
	if _, err := Render(testOptions(), testTemplate(files), fixedRand()); err == nil || !strings.Contains(err.Error(), `template "tmpl/c.txt.tmpl" not defined`) {
		t.Errorf("a template ran another file by its name: %v", err)
	}
}

// The field check reads Data and .Extra as plain maps; a method on Data
// would be a field that templates see, which it would miss.
func TestDataHasNoMethodsTemplatesSee(t *testing.T) {
	if n := reflect.TypeFor[Data]().NumMethod(); n != 0 {
		t.Errorf("Data has %d exported methods; the field check in fields.go reads it as a plain map", n)
	}
}
