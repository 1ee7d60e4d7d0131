package update

// merge3.go makes git's conflict blocks as small as the texts allow. git
// merge-file (Myers diff) treats changes that touch, such as a line the
// user changed and a block the templates inserted right after it, as one
// conflict: one user line against 48 template lines, where choosing the
// user's side drops the templates' new settings. refine merges each block
// again, line by line, with a diff that finds the longest common runs
// (go-difflib's, as in Python's difflib), and where changes only touch,
// takes both; only lines that both sides changed stay in conflict, each
// with its base.

import (
	"bytes"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// The base section's marker of the diff3 conflict style.
const markerBase = "|||||||"

// hunk replaces base[from:to] with lines.
type hunk struct {
	from, to int
	lines    []string
}

// hunks are the changes that turn base into other, in base order.
func hunks(base, other []string) []hunk {
	m := difflib.NewMatcherWithJunk(base, other, false, nil)
	var out []hunk
	for _, op := range m.GetOpCodes() {
		if op.Tag != 'e' {
			out = append(out, pairUp(base, other, op.I1, op.I2, op.J1, op.J2)...)
		}
	}
	return out
}

// pairUp splits the replacement of base[i1:i2] by other[j1:j2] at its most
// alike pair of lines, recursively: a setting changed in place is then a
// change of one line, and a block inserted beside it is an insertion of
// its own, which merges with a change of the user's next to it.
func pairUp(base, other []string, i1, i2, j1, j2 int) []hunk {
	if i1 == i2 && j1 == j2 {
		return nil
	}
	if (i2-i1)*(j2-j1) > maxPairs {
		// Too large to pair line by line in good time: one change.
		return []hunk{{from: i1, to: i2, lines: other[j1:j2]}}
	}
	bi, bj, best := -1, -1, 0.0
	for i := i1; i < i2; i++ {
		for j := j1; j < j2; j++ {
			if s := alike(base[i], other[j]); s > best {
				bi, bj, best = i, j, s
			}
		}
	}
	if bi < 0 {
		return []hunk{{from: i1, to: i2, lines: other[j1:j2]}}
	}
	out := pairUp(base, other, i1, bi, j1, bj)
	if base[bi] != other[bj] {
		out = append(out, hunk{from: bi, to: bi + 1, lines: other[bj : bj+1]})
	}
	return append(out, pairUp(base, other, bi+1, i2, bj+1, j2)...)
}

// maxPairs bounds the pairs of lines pairUp compares in one replacement,
// as a conflict block may be a whole file.
const maxPairs = 4096

// alikeCutoff is difflib's own for lines that are "close enough".
const alikeCutoff = 0.75

// alike scores how much two lines are one line changed: 1 for the same
// setting, assignment or dictionary key, else their similarity when it
// passes alikeCutoff, else 0.
func alike(a, b string) float64 {
	if ka, kb := lineKey(a), lineKey(b); ka != "" && ka == kb {
		return 1
	}
	ra, rb := strings.Split(strings.TrimSpace(a), ""), strings.Split(strings.TrimSpace(b), "")
	m := difflib.NewMatcherWithJunk(ra, rb, false, nil)
	if m.RealQuickRatio() < alikeCutoff || m.QuickRatio() < alikeCutoff {
		return 0
	}
	if r := m.Ratio(); r >= alikeCutoff {
		return r * 0.99 // a shared key always wins
	}
	return 0
}

// lineKey is what a line assigns: "NAME" of "NAME = value", or "\"key\""
// of "\"key\": value"; "" for any other line.
func lineKey(line string) string {
	t := strings.TrimSpace(line)
	if k, _, ok := strings.Cut(t, " = "); ok && k != "" && !strings.ContainsAny(k, " ()[]") {
		return indentOf(line) + k + "="
	}
	if strings.HasPrefix(t, `"`) {
		if end := strings.Index(t[1:], `":`); end >= 0 {
			return indentOf(line) + t[:end+3]
		}
	}
	return ""
}

func indentOf(line string) string { return line[:len(line)-len(strings.TrimLeft(line, " \t"))] }

// overlaps reports whether two changes touch the same base lines. An
// insertion at the edge of the other's range does not: both apply, in
// base order. Two insertions at one place do, unless they are the same.
func overlaps(a, b hunk) bool {
	if a.from == a.to && b.from == b.to {
		return a.from == b.from
	}
	if a.from == a.to {
		return a.from > b.from && a.from < b.to
	}
	if b.from == b.to {
		return b.from > a.from && b.from < a.to
	}
	return a.from < b.to && b.from < a.to
}

// chunk3 is one piece of a three-way merge: merged lines, or a conflict.
type chunk3 struct {
	lines              []string // when not a conflict
	conflict           bool
	ours, base, theirs []string
}

// merge3 merges, line by line, what ours and theirs each changed in base.
func merge3(ours, base, theirs []string) []chunk3 {
	type side struct {
		h      hunk
		theirs bool
	}
	var all []side
	for _, h := range hunks(base, ours) {
		all = append(all, side{h: h})
	}
	for _, h := range hunks(base, theirs) {
		all = append(all, side{h: h, theirs: true})
	}
	// In base order; at one place, an insertion before a replacement, and
	// ours before theirs, so that the result never depends on the sort.
	less := func(a, b side) bool {
		if a.h.from != b.h.from {
			return a.h.from < b.h.from
		}
		if (a.h.from == a.h.to) != (b.h.from == b.h.to) {
			return a.h.from == a.h.to
		}
		return !a.theirs && b.theirs
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && less(all[j], all[j-1]); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	var out []chunk3
	pos := 0
	for i := 0; i < len(all); {
		// A group: changes that overlap, directly or through another.
		group := []side{all[i]}
		from, to := all[i].h.from, all[i].h.to
		j := i + 1
		for ; j < len(all); j++ {
			if !slicesAny(group, func(g side) bool { return overlaps(g.h, all[j].h) }) {
				break
			}
			group = append(group, all[j])
			from, to = min(from, all[j].h.from), max(to, all[j].h.to)
		}
		i = j
		if from > pos {
			out = append(out, chunk3{lines: base[pos:from]})
		}
		pos = max(pos, to)
		var o, t []hunk
		for _, g := range group {
			if g.theirs {
				t = append(t, g.h)
			} else {
				o = append(o, g.h)
			}
		}
		oursText, theirsText := applyHunks(base, from, to, o), applyHunks(base, from, to, t)
		switch {
		case len(t) == 0:
			out = append(out, chunk3{lines: oursText})
		case len(o) == 0 || equalLines(oursText, theirsText):
			out = append(out, chunk3{lines: theirsText})
		default:
			out = append(out, chunk3{conflict: true, ours: oursText, base: base[from:to], theirs: theirsText})
		}
	}
	if pos < len(base) {
		out = append(out, chunk3{lines: base[pos:]})
	}
	return out
}

// applyHunks applies hs, which lie in base[from:to], to that range.
func applyHunks(base []string, from, to int, hs []hunk) []string {
	var out []string
	pos := from
	for _, h := range hs {
		out = append(out, base[pos:h.from]...)
		out = append(out, h.lines...)
		pos = h.to
	}
	return append(out, base[pos:to]...)
}

func slicesAny[T any](s []T, f func(T) bool) bool {
	for _, v := range s {
		if f(v) {
			return true
		}
	}
	return false
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// writeConflict writes one conflict block in the diff3 style.
func writeConflict(out *bytes.Buffer, ours, base, theirs []string, l Labels) {
	out.WriteString(markerOurs + " " + l.Ours + "\n")
	writeLines(out, ours)
	out.WriteString(markerBase + " " + l.Base + "\n")
	writeLines(out, base)
	out.WriteString(markerSep + "\n")
	writeLines(out, theirs)
	out.WriteString(markerTheirs + " " + l.Theirs + "\n")
}

// refine merges each diff3-style conflict block of a git merge-file output
// again, with merge3, and writes what it merges and the smaller conflicts
// that remain. Lines outside the blocks are git's, unchanged.
func refine(merged []byte, l Labels) []byte {
	var out bytes.Buffer
	lines := splitLines(merged)
	for i := 0; i < len(lines); i++ {
		block, next, ok := conflictAt(lines, i)
		if !ok {
			out.WriteString(lines[i])
			continue
		}
		for _, c := range merge3(block[0], block[1], block[2]) {
			if c.conflict {
				writeConflict(&out, c.ours, c.base, c.theirs, l)
			} else {
				writeLines(&out, c.lines)
			}
		}
		i = next - 1
	}
	return out.Bytes()
}

// conflictAt reads a diff3-style conflict block that starts at lines[i]:
// its ours, base and theirs lines, and the index after its last marker.
func conflictAt(lines []string, i int) (block [3][]string, next int, ok bool) {
	if !isMarker(trimEOL(lines[i]), markerOurs) {
		return block, 0, false
	}
	part := 0
	for j := i + 1; j < len(lines); j++ {
		line := trimEOL(lines[j])
		switch {
		case part == 0 && isMarker(line, markerBase):
			part = 1
		case part == 1 && line == markerSep:
			part = 2
		case part == 2 && isMarker(line, markerTheirs):
			return block, j + 1, true
		case part == 0 && (line == markerSep || isMarker(line, markerOurs)):
			return block, 0, false // not the diff3 style, or nested
		default:
			block[part] = append(block[part], lines[j])
		}
	}
	return block, 0, false
}

func trimEOL(s string) string { return strings.TrimRight(s, "\r\n") }
