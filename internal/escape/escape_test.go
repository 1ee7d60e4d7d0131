package escape

import "testing"

func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		"config/settings.py":      "config/settings.py",
		"équipe/ünïcode.py":       "équipe/ünïcode.py",
		"a\x1b[31mred":            `"a\x1b[31mred"`,
		"line\nbreak":             `"line\nbreak"`,
		"tab\there":               `"tab\there"`,
		"bad\xffutf8":             `"bad\xffutf8"`,
		"c1\u009bcsi":             `"c1\u009bcsi"`,
		"rtl\u202eexe.txt":        `"rtl\u202eexe.txt"`,
		`has "quotes" and \slash`: `has "quotes" and \slash`,
	} {
		if got := Path(in); got != want {
			t.Errorf("Path(%q) = %s; want %s", in, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"cannot write x: no space left":   "cannot write x: no space left",
		"cannot write a\x1b]0;pwned\x07b": `cannot write a\x1b]0;pwned\ab`,
		"bad \xff byte":                   `bad \xff byte`,
		"quote \" stays":                  `quote " stays`,
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %s; want %s", in, got, want)
		}
	}
}

func FuzzLineIsSafe(f *testing.F) {
	f.Add("a\x1b[31mb\xff\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Path(s)} {
			if !safe(out) {
				t.Errorf("%q escapes to %q, which is not safe", s, out)
			}
		}
	})
}
