package prompt

import "testing"

func TestEscToInterrupt(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b":           "\x03",
		"abc\x1b":        "abc\x03",
		"\x1b[B":         "\x1b[B",
		"\x1bOA":         "\x1bOA",
		"\x1b\x1b[12;1R": "\x03\x1b[12;1R",
		"\x1b[12;1R\x1b": "\x1b[12;1R\x03",
		"\x1bb":          "b",
		"plain\r":        "plain\r",
		"\x1b\x1b":       "\x03\x03",
		"":               "",
	} {
		if got := string(escToInterrupt([]byte(in))); got != want {
			t.Errorf("escToInterrupt(%q) = %q; want %q", in, got, want)
		}
	}
}
