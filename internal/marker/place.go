package marker

import (
	"fmt"
	"path"
	"strings"
)

// PlaceError is a marker of a Python file found at another depth of
// brackets, or at another indentation at the top level, than scaffold new
// wrote it: lines
// inserted there would not parse (a marker moved out of INSTALLED_APPS to
// the end of settings.py would get the apps' lines at the top level).
// Nothing is written when it happens.
type PlaceError struct {
	File   string
	Line   int    // 1-based, in the file on disk
	Marker string // the marker line as found
	Name   string
	Want   string // where the render has it: "inside a list", "at the top level"
}

func (e *PlaceError) Error() string {
	where := hints[e.Name]
	if where == "" {
		where = "where scaffold new wrote it"
	}
	return fmt.Sprintf("%s line %d: %q is no longer %s, so the lines added there would not parse; put it back %s, then run the command again",
		e.File, e.Line, strings.TrimSpace(e.Marker), e.Want, where)
}

// checkPlaces refuses, in a Python file, a marker whose context in current
// differs from its context in before, the file as rendered. The context is
// the brackets open at the marker's line and, at the top level, its
// indentation: what decides whether the lines inserted there parse.
func checkPlaces(file string, current, before []string, edits []edit) error {
	if path.Ext(file) != ".py" {
		return nil
	}
	curCtx, beforeCtx := contexts(current), contexts(before)
	for _, e := range edits {
		at, want := index(current, e.name), index(before, e.name)
		if at < 0 || want < 0 || curCtx[at].same(beforeCtx[want]) {
			continue
		}
		return &PlaceError{File: file, Line: at + 1, Marker: current[at], Name: e.name, Want: describe(beforeCtx[want])}
	}
	return nil
}

// context is the brackets open at the start of a line, innermost last,
// and, when none is, the line's indentation.
type context struct {
	brackets, indent string
}

// same compares the depth of brackets, not their kinds: a user who made
// INSTALLED_APPS a tuple still gets lines that parse.
func (c context) same(d context) bool {
	return len(c.brackets) == len(d.brackets) && c.indent == d.indent
}

func describe(c context) string {
	switch {
	case c.brackets == "" && c.indent == "":
		return "at the top level"
	case c.brackets == "":
		return fmt.Sprintf("indented by %q", c.indent)
	}
	switch c.brackets[len(c.brackets)-1] {
	case '[':
		return "inside its list [...]"
	case '(':
		return "inside its parentheses (...)"
	}
	return "inside its braces {...}"
}

// contexts scans Python source for the context of each line, skipping
// strings and comments. It reads only what it needs: brackets, quotes and
// comments; source that does not parse gives contexts that are merely
// compared.
func contexts(ls []string) []context {
	out := make([]context, len(ls))
	var stack []byte
	var quote string // the open string's quote, "'" or `"""`, or ""
	for i, l := range ls {
		out[i].brackets = string(stack)
		if len(stack) == 0 && quote == "" {
			out[i].indent = l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			if quote != "" {
				switch {
				case c == '\\':
					j++
				case strings.HasPrefix(l[j:], quote):
					j += len(quote) - 1
					quote = ""
				}
				continue
			}
			switch c {
			case '#':
				j = len(l)
			case '"', '\'':
				quote = string(c)
				if strings.HasPrefix(l[j:], strings.Repeat(quote, 3)) {
					quote = strings.Repeat(quote, 3)
					j += 2
				}
			case '[', '(', '{':
				stack = append(stack, c)
			case ']', ')', '}':
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			}
		}
		if len(quote) == 1 && !strings.HasSuffix(l, "\\") {
			quote = "" // a one-line string ends with its line
		}
	}
	return out
}
