package cli

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// columns is how many terminal columns s takes: two for a wide or
// full-width character, such as 日, none for a combining mark.
func columns(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// padRight pads s with spaces to n columns.
func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-columns(s)))
}
