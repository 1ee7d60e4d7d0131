package generator

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// The text functions of templates follow Unicode's full case mappings, so
// that "ß" upper-cases to "SS" and a final sigma lower-cases to "ς". A
// Caser keeps state, so each call makes its own.

func lower(s string) string { return cases.Lower(language.Und).String(s) }

func upper(s string) string { return cases.Upper(language.Und).String(s) }

// title puts the first character of s, with the marks that combine with
// it, in title case, and leaves the rest as it is: "équipe" gives
// "Équipe", "ǆungla" gives "ǅungla". Bytes that are not UTF-8 are kept.
func title(s string) string {
	end := 0
	for end < len(s) {
		r, n := utf8.DecodeRuneInString(s[end:])
		if end > 0 && !unicode.Is(unicode.M, r) {
			break
		}
		if r == utf8.RuneError && n <= 1 {
			return s
		}
		end += n
	}
	return cases.Title(language.Und, cases.NoLower).String(s[:end]) + s[end:]
}

// dnsLabel turns a project name into a name that Kubernetes accepts for a
// namespace or an object (an RFC 1123 label): lowercase ASCII letters, digits
// and "-", starting with a letter and ending with a letter or digit. Project
// names are ASCII already (validateName); any other character becomes "-".
func dnsLabel(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}
