// Package marker changes files of a generated project at marker comments,
// such as `# scaffold: installed-apps`, the way kubebuilder's inserter does.
//
// What to insert is never written twice: it is what the templates add when
// they render the project with one more resource. Insert compares the
// project rendered before and after, and carries the lines that appear at
// each marker over to the file on disk, which the user may have changed
// everywhere else.
package marker

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A marker is a line that reads, once trimmed, `# scaffold: NAME` or
// `<!-- scaffold: NAME -->`. Lines that a new resource adds go right above
// it (a list that grows at its end, such as INSTALLED_APPS), or, for the
// markers of imports, into the sorted block right below it.

// sortedBelow names the markers whose lines go into the sorted block below
// them; at every other marker, lines go right above it.
var sortedBelow = map[string]bool{"api-imports": true}

// hints say where each builtin marker goes, for the message that asks to
// put a removed one back.
var hints = map[string]string{
	"installed-apps": "as the last line inside INSTALLED_APPS = [...]",
	"api-imports":    "on its own line right above the block of `from APP.urls import router as APP_router` and `from config.throttling import ...` imports",
	"api-routes":     "on its own line right below the `router.registry.extend(...)` lines",
	"endpoints":      "on its own line right below the last row of the resources table under ## Endpoints",
	"enum-names":     `as the last line inside "ENUM_NAME_OVERRIDES": {...} in SPECTACULAR_SETTINGS`,
}

// MissingError is a marker that the file on disk no longer has, or a file
// that is gone. Nothing is written when it happens.
type MissingError struct {
	File   string
	Marker string // the whole line, as scaffold writes it
	Name   string
}

func (e *MissingError) Error() string {
	where := hints[e.Name]
	if where == "" {
		where = "where scaffold new wrote it"
	}
	return fmt.Sprintf("%s has no line %q, where new resources are added; put it back %s, then run the command again", e.File, strings.TrimSpace(e.Marker), where)
}

// ErrOutsideMarkers means the templates change a file somewhere other than
// at a marker when a resource is added, which Insert cannot carry over.
var ErrOutsideMarkers = errors.New("changes outside its scaffold markers")

// Name returns the marker name of a line, or "".
func Name(line string) string {
	t := strings.TrimSpace(line)
	switch {
	case strings.HasPrefix(t, "# scaffold: "):
		return strings.TrimSpace(strings.TrimPrefix(t, "# scaffold: "))
	case strings.HasPrefix(t, "<!-- scaffold: ") && strings.HasSuffix(t, " -->"):
		return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, "<!-- scaffold: "), " -->"))
	}
	return ""
}

// edit is what one marker's file gains: lines right above the marker, or
// lines sorted into the block right below it.
type edit struct {
	name   string
	line   string // the marker line as rendered
	above  []string
	sorted []string
}

// Insert returns current, the file at path as it is on disk, with the lines
// that after (the file rendered with the new resource) adds to before (the
// file rendered without it) inserted at their markers. Lines already there
// are not added again, so a second run changes nothing. It fails with a
// *MissingError when current lacks a marker it needs, and with a
// *PlaceError when a Python file has one where the lines would not parse.
func Insert(path string, current, before, after []byte) ([]byte, error) {
	edits, err := edits(path, lines(string(before)), lines(string(after)))
	if err != nil {
		return nil, err
	}
	// The edits must turn the file as rendered before into the file as
	// rendered after, or what Insert writes would differ from a new project.
	if got := apply(lines(string(before)), edits, "\n"); got != string(after) {
		return nil, fmt.Errorf("%s: the templates' %w when a resource is added; only lines at a `scaffold:` marker can be added", path, ErrOutsideMarkers)
	}
	text := string(current)
	eol := "\n"
	if strings.Contains(text, "\r\n") {
		eol = "\r\n"
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	cur := lines(text)
	for _, e := range edits {
		if index(cur, e.name) < 0 {
			return nil, &MissingError{File: path, Marker: e.line, Name: e.name}
		}
	}
	if err := checkPlaces(path, cur, lines(string(before)), edits); err != nil {
		return nil, err
	}
	return []byte(apply(cur, edits, eol)), nil
}

// lines splits text into lines without their newlines; a final newline
// leaves no empty last line.
func lines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

func index(ls []string, name string) int {
	for i, l := range ls {
		if Name(l) == name {
			return i
		}
	}
	return -1
}

// edits finds what after adds to before at each marker.
func edits(path string, before, after []string) ([]edit, error) {
	added, err := insertions(before, after)
	if err != nil {
		return nil, fmt.Errorf("%s: the templates' %w when a resource is added; only lines at a `scaffold:` marker can be added", path, ErrOutsideMarkers)
	}
	var order []string
	byName := map[string]*edit{}
	get := func(i int) *edit {
		name := Name(before[i])
		if byName[name] == nil {
			byName[name] = &edit{name: name, line: before[i]}
			order = append(order, name)
		}
		return byName[name]
	}
	for _, h := range added {
		if h.at < len(before) && Name(before[h.at]) != "" && !sortedBelow[Name(before[h.at])] {
			e := get(h.at)
			e.above = append(e.above, h.lines...)
			continue
		}
		m := blockMarker(before, h.at)
		if m < 0 || !sortedBelow[Name(before[m])] {
			return nil, fmt.Errorf("%s: the templates' %w when a resource is added; only lines at a `scaffold:` marker can be added", path, ErrOutsideMarkers)
		}
		e := get(m)
		e.sorted = append(e.sorted, h.lines...)
	}
	out := make([]edit, len(order))
	for i, name := range order {
		out[i] = *byName[name]
	}
	return out, nil
}

// blockMarker finds the marker whose block, the lines right below it up to
// a blank line, an insertion at line at falls in.
func blockMarker(ls []string, at int) int {
	for i := at - 1; i >= 0; i-- {
		if Name(ls[i]) != "" {
			return i
		}
		if strings.TrimSpace(ls[i]) == "" {
			return -1
		}
	}
	return -1
}

// hunk is a run of lines inserted before line at of the old text.
type hunk struct {
	at    int
	lines []string
}

// insertions lists what after adds to before, failing if after also drops
// or changes a line of before.
func insertions(before, after []string) ([]hunk, error) {
	// A longest common subsequence of lines; files are small.
	n, m := len(before), len(after)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if before[i] == after[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	if lcs[0][0] != n {
		return nil, errors.New("lines changed or removed")
	}
	var out []hunk
	i, j := 0, 0
	for j < m {
		if i < n && before[i] == after[j] && lcs[i][j] == lcs[i+1][j+1]+1 {
			i++
			j++
			continue
		}
		if len(out) > 0 && out[len(out)-1].at == i {
			out[len(out)-1].lines = append(out[len(out)-1].lines, after[j])
		} else {
			out = append(out, hunk{at: i, lines: []string{after[j]}})
		}
		j++
	}
	return out, nil
}

// apply inserts each edit's lines at its marker in ls.
func apply(ls []string, edits []edit, eol string) string {
	ls = slices.Clone(ls)
	for _, e := range edits {
		at := index(ls, e.name)
		// Above: skip what the block above the marker has already.
		start := at
		for start > 0 && strings.TrimSpace(ls[start-1]) != "" && Name(ls[start-1]) == "" {
			start--
		}
		var add []string
		for _, l := range e.above {
			if !slices.Contains(ls[start:at], l) && !slices.Contains(add, l) {
				add = append(add, l)
			}
		}
		ls = slices.Insert(ls, at, add...)
		at += len(add)
		// Below: sort each new line into the block.
		for _, l := range e.sorted {
			end := at + 1
			for end < len(ls) && strings.TrimSpace(ls[end]) != "" && Name(ls[end]) == "" {
				end++
			}
			if slices.Contains(ls[at+1:end], l) {
				continue
			}
			pos := at + 1
			for pos < end && Compare(ls[pos], l) < 0 {
				pos++
			}
			ls = slices.Insert(ls, pos, l)
		}
	}
	if len(ls) == 0 {
		return ""
	}
	return strings.Join(ls, eol) + eol
}

// Compare orders lines as Ruff's isort orders imports: ignoring case, and
// numbers by value, so that items9 comes before items10.
func Compare(a, b string) int {
	a, b = strings.ToLower(strings.TrimSpace(a)), strings.ToLower(strings.TrimSpace(b))
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
