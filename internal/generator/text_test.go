package generator

import (
	"testing"
	"unicode/utf8"
)

func TestTextFunctionsAreUnicodeCorrect(t *testing.T) {
	for _, tt := range []struct{ fn, in, want string }{
		{"title", "", ""},
		{"title", "items", "Items"},
		{"title", "équipe", "Équipe"},
		{"title", "e\u0301quipe", "E\u0301quipe"},
		{"title", "ǆungla", "ǅungla"},
		{"title", "ßtraße", "Sstraße"},
		{"title", "ﬁx", "Fix"},
		{"title", "日本", "日本"},
		{"title", "1st place", "1st place"},
		{"title", "my api", "My api"},
		{"title", "\xffabc", "\xffabc"},
		{"upper", "straße", "STRASSE"},
		{"upper", "équipe", "ÉQUIPE"},
		{"lower", "ΟΔΟΣ", "οδος"},
		{"lower", "ÉQUIPE", "équipe"},
	} {
		var got string
		switch tt.fn {
		case "title":
			got = title(tt.in)
		case "upper":
			got = upper(tt.in)
		case "lower":
			got = lower(tt.in)
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %q; want %q", tt.fn, tt.in, got, tt.want)
		}
		if utf8.ValidString(tt.in) && !utf8.ValidString(got) {
			t.Errorf("%s(%q) = %q is not UTF-8", tt.fn, tt.in, got)
		}
	}
}

func FuzzTitle(f *testing.F) {
	for _, s := range []string{"", "équipe", "e\u0301", "ǆ", "ß", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := title(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Errorf("title(%q) = %q is not UTF-8", s, got)
		}
	})
}
