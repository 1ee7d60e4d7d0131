// Package escape makes text from files and file names safe to print on a
// terminal or in a CI log: control characters, which could move the cursor,
// recolour or hide text, and bytes that are not UTF-8 are shown as escapes.
package escape

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path returns name as it is when it is safe to print, and otherwise
// quoted with Go escapes, as git quotes unusual paths: "a\x1b[31mb".
func Path(name string) string {
	if safe(name) {
		return name
	}
	return strconv.Quote(name)
}

// Line escapes the unsafe characters of a message, without quoting it.
func Line(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

func safe(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune is a control character (C0, DEL, C1), or one that reorders
// the text around it when shown (bidirectional overrides and isolates).
func unsafeRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F:
		return true
	}
	return false
}
