package marker

import (
	"fmt"
	"slices"
	"strings"
)

// Remove is Insert undone: it returns current, the file at path as it is
// on disk, without the lines that with (the file rendered with a resource)
// has at its markers and without (rendered without it) lacks. Only the
// lines of a marker's own block are removed, so that a line the user wrote
// elsewhere stays; lines the user removed already are no matter. It fails
// with a *MissingError when current lacks a marker whose lines it still
// holds, and with an error wrapping ErrOutsideMarkers when the templates
// differ somewhere other than at a marker.
func Remove(path string, current, with, without []byte) ([]byte, error) {
	edits, err := edits(path, lines(string(without)), lines(string(with)))
	if err != nil {
		return nil, err
	}
	if got := apply(lines(string(without)), edits, "\n"); got != string(with) {
		return nil, fmt.Errorf("%s: the templates' %w when a resource is removed; only lines at a `scaffold:` marker can be removed", path, ErrOutsideMarkers)
	}
	text := string(current)
	eol := "\n"
	if strings.Contains(text, "\r\n") {
		eol = "\r\n"
		text = strings.ReplaceAll(text, "\r\n", "\n")
	}
	cur := lines(text)
	for _, e := range edits {
		at := index(cur, e.name)
		if at < 0 {
			for _, l := range append(slices.Clone(e.above), e.sorted...) {
				if slices.Contains(cur, l) {
					return nil, &MissingError{File: path, Marker: e.line, Name: e.name}
				}
			}
			continue
		}
		cur = unapply(cur, at, e)
	}
	if len(cur) == 0 {
		return []byte{}, nil
	}
	return []byte(strings.Join(cur, eol) + eol), nil
}

// unapply removes an edit's lines from the blocks at the marker at line at:
// the block right above it and, for a sorted marker, the block below.
func unapply(ls []string, at int, e edit) []string {
	start := at
	for start > 0 && strings.TrimSpace(ls[start-1]) != "" && Name(ls[start-1]) == "" {
		start--
	}
	end := at + 1
	for end < len(ls) && strings.TrimSpace(ls[end]) != "" && Name(ls[end]) == "" {
		end++
	}
	var out []string
	for i, l := range ls {
		switch {
		case i >= start && i < at && slices.Contains(e.above, l):
		case i > at && i < end && slices.Contains(e.sorted, l):
		default:
			out = append(out, l)
		}
	}
	return out
}
