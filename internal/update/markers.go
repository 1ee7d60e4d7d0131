package update

import (
	"bytes"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// The conflict markers git writes, at its default size.
const (
	markerOurs   = "<<<<<<<"
	markerSep    = "======="
	markerTheirs = ">>>>>>>"
)

// TwoWay marks every difference between ours and theirs as a conflict, for
// a file whose base is unknown: without it, nothing tells whose change a
// difference is, so the user decides each one.
func TwoWay(ours, theirs []byte, l Labels) Result {
	a, b := splitLines(ours), splitLines(theirs)
	// Autojunk would treat lines frequent in long files, such as blank
	// ones, as noise, and give odd blocks.
	m := difflib.NewMatcherWithJunk(a, b, false, nil)
	var out bytes.Buffer
	conflicts := 0
	for _, op := range m.GetOpCodes() {
		if op.Tag == 'e' {
			writeLines(&out, a[op.I1:op.I2])
			continue
		}
		conflicts++
		out.WriteString(markerOurs + " " + l.Ours + "\n")
		writeLines(&out, a[op.I1:op.I2])
		out.WriteString(markerSep + "\n")
		writeLines(&out, b[op.J1:op.J2])
		out.WriteString(markerTheirs + " " + l.Theirs + "\n")
	}
	return Result{Data: out.Bytes(), Conflicts: conflicts}
}

// splitLines splits after each newline; a last line without one keeps none.
func splitLines(b []byte) []string {
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// writeLines writes lines, ending the last one with a newline, so that a
// marker never lands on the end of a line.
func writeLines(out *bytes.Buffer, lines []string) {
	for _, line := range lines {
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteByte('\n')
		}
	}
}

// countConflicts counts the conflict blocks in a merged file.
func countConflicts(b []byte) int {
	n := 0
	state := 0 // 0: outside a block, 1: in ours, 2: in theirs
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		switch {
		case state == 0 && isMarker(line, markerOurs):
			state = 1
		case state == 1 && line == markerSep:
			state = 2
		case state == 2 && isMarker(line, markerTheirs):
			n++
			state = 0
		}
	}
	return n
}

// hasConflictMarkers reports whether b holds a whole conflict block: a line
// opening it, a separator and a line closing it, in that order. A lone
// "=======" line, such as a heading's underline, is not one.
func hasConflictMarkers(b []byte) bool {
	return countConflicts(b) > 0
}

// isMarker matches a marker line, alone or followed by a space and a label.
func isMarker(line, marker string) bool {
	rest, ok := strings.CutPrefix(line, marker)
	return ok && (rest == "" || rest[0] == ' ')
}
