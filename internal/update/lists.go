package update

// lists.go merges, entry by entry, the lists that scaffold itself edits and
// that users edit too: INSTALLED_APPS, MIDDLEWARE, urlpatterns and the
// router registrations of the Python files, and every line of a
// requirements*.txt. An app the user added and one the templates added
// are two entries, not two changes to the same lines: both are kept. Only
// an entry that both sides changed, or that one changed and the other
// removed, is left to the line merge, which marks it as a conflict.

import (
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// entry is one item of a list: its lines, comments above it included, and
// the key that tells it in the other versions.
type entry struct {
	key   string
	lines []string
}

func (e entry) text() string { return strings.Join(e.lines, "") }

// listBlock is a list found in a file: its name, the lines it spans (the
// entries only, not the opening and closing lines) and its entries.
type listBlock struct {
	name     string
	from, to int // lines[from:to] are the entries
	entries  []entry
}

// pyListStart matches the line that opens a list scaffold edits.
var pyListStart = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(INSTALLED_APPS|MIDDLEWARE|urlpatterns)\s*(?::[^=]*)?=\s*\[\s*$`)
})

// routerLine matches a router registration.
var routerLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*\w*router\.(register|registry\.extend)\(`)
})

// mergesByEntry reports whether a path is merged entry by entry before
// the line merge: the Python files, and the pip requirements.
func mergesByEntry(name string) bool {
	base := path.Base(name)
	return strings.HasSuffix(base, ".py") || isRequirements(base)
}

func isRequirements(base string) bool {
	return strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt")
}

// findLists finds the lists of a file, by name; a name found twice is
// left out, since nothing tells which is which.
func findLists(name string, lines []string) map[string]listBlock {
	found := map[string]listBlock{}
	seen := map[string]int{}
	add := func(b listBlock) {
		seen[b.name]++
		found[b.name] = b
	}
	if isRequirements(path.Base(name)) {
		add(listBlock{name: "requirements", from: 0, to: len(lines), entries: requirementEntries(lines)})
		return found
	}
	for i := 0; i < len(lines); i++ {
		if m := pyListStart().FindStringSubmatch(trimEOL(lines[i])); m != nil {
			end := slices.IndexFunc(lines[i+1:], func(l string) bool { return trimEOL(l) == "]" })
			if end < 0 {
				continue
			}
			from, to := i+1, i+1+end
			if entries, ok := pythonEntries(lines[from:to]); ok {
				add(listBlock{name: m[1], from: from, to: to, entries: entries})
			}
			i = to
			continue
		}
		if routerLine().MatchString(lines[i]) {
			from := i
			for i < len(lines) && routerLine().MatchString(lines[i]) && strings.HasSuffix(trimEOL(lines[i]), ")") {
				i++
			}
			if i > from {
				var entries []entry
				for _, l := range lines[from:i] {
					// A registration is known by its prefix, its first argument.
					key, _, _ := strings.Cut(strings.TrimSpace(l), ",")
					entries = append(entries, entry{key: key, lines: []string{l}})
				}
				add(listBlock{name: "router", from: from, to: i, entries: uniqueKeys(entries)})
			}
		}
	}
	for n, count := range seen {
		if count > 1 {
			delete(found, n)
		}
	}
	return found
}

// pythonEntries splits the inside of a list into entries: the comments
// above an item and the item, over as many lines as its brackets take.
// Comments after the last item are an entry of their own, as the marker
// comments that scaffold add resource writes before are.
func pythonEntries(lines []string) ([]entry, bool) {
	var entries []entry
	var cur []string
	depth := 0
	for _, l := range lines {
		cur = append(cur, l)
		t := strings.TrimSpace(l)
		if depth == 0 && (t == "" || strings.HasPrefix(t, "#")) {
			continue
		}
		depth += bracketDepth(t)
		if depth < 0 {
			return nil, false
		}
		if depth == 0 {
			entries = append(entries, entry{key: itemKey(cur), lines: cur})
			cur = nil
		}
	}
	if depth != 0 {
		return nil, false
	}
	if len(cur) > 0 {
		entries = append(entries, entry{key: "#" + strings.TrimSpace(strings.Join(cur, "")), lines: cur})
	}
	return uniqueKeys(entries), true
}

// itemKey is an item's code without its comments, spaces or final comma,
// so that a comment changed above it is no other item.
func itemKey(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "#") {
			continue
		}
		b.WriteString(strings.Join(strings.Fields(t), " "))
	}
	return strings.TrimSuffix(b.String(), ",")
}

// bracketDepth counts the brackets a line opens, less those it closes,
// outside strings and comments.
func bracketDepth(line string) int {
	depth := 0
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return depth
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return depth
}

// requirementEntries makes each line of a requirements file an entry, a
// requirement keyed by its package's name, so that a new pin is a change
// of the same entry.
func requirementEntries(lines []string) []entry {
	var entries []entry
	for _, l := range lines {
		key := "#" + strings.TrimSpace(l)
		if name := requirementName(l); name != "" {
			key = name
		}
		entries = append(entries, entry{key: key, lines: []string{l}})
	}
	return uniqueKeys(entries)
}

// requirementName is the normalised package name a line requires, such as
// "psycopg" of "psycopg[binary]==3.3.9"; "" for a comment, a blank line or
// an option.
func requirementName(line string) string {
	t := strings.TrimSpace(line)
	if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "-") {
		return ""
	}
	end := strings.IndexAny(t, "=<>!~[;@ \t")
	if end >= 0 {
		t = t[:end]
	}
	return strings.ReplaceAll(strings.ToLower(t), "_", "-")
}

// uniqueKeys numbers the second and later entries of one key, such as
// blank lines, so that each key names one entry.
func uniqueKeys(entries []entry) []entry {
	seen := map[string]int{}
	for i := range entries {
		k := entries[i].key
		if n := seen[k]; n > 0 {
			entries[i].key = k + "\x00" + strconv.Itoa(n)
		}
		seen[k]++
	}
	return entries
}

// mergeEntries merges the entries of one list: ours, with what theirs
// added, removed or changed since base. ok is false when both changed or
// removed the same entry.
func mergeEntries(ours, base, theirs []entry) ([]entry, bool) {
	index := func(es []entry) map[string]entry {
		m := make(map[string]entry, len(es))
		for _, e := range es {
			m[e.key] = e
		}
		return m
	}
	o, b, t := index(ours), index(base), index(theirs)
	var out []entry
	for _, e := range ours {
		be, inBase := b[e.key]
		te, inTheirs := t[e.key]
		switch {
		case !inBase:
			out = append(out, e) // the user's own
		case !inTheirs && e.text() == be.text():
			// the templates removed it, and the user left it as it was
		case !inTheirs:
			return nil, false // changed by the user, removed by the templates
		case te.text() == be.text() || te.text() == e.text():
			out = append(out, e)
		case e.text() == be.text():
			out = append(out, te)
		default:
			return nil, false // both changed it
		}
	}
	// What the user removed and the templates changed is a conflict too.
	for _, e := range base {
		if _, inOurs := o[e.key]; inOurs {
			continue
		}
		if te, inTheirs := t[e.key]; inTheirs && te.text() != e.text() {
			return nil, false
		}
	}
	// Each entry the templates added goes after the entry it follows in
	// theirs, and after the user's own entries that follow that one.
	for i, e := range theirs {
		if _, inBase := b[e.key]; inBase {
			continue
		}
		if _, inOurs := o[e.key]; inOurs {
			continue
		}
		at := 0
		for j := i - 1; j >= 0; j-- {
			if k := slices.IndexFunc(out, func(x entry) bool { return x.key == theirs[j].key }); k >= 0 {
				at = k + 1
				break
			}
		}
		for at < len(out) {
			if _, inBase := b[out[at].key]; inBase {
				break
			}
			if _, inTheirs := t[out[at].key]; inTheirs {
				break
			}
			at++
		}
		out = slices.Insert(out, at, e)
	}
	return out, true
}

// mergeLists merges the lists of a file entry by entry, and writes each
// merged list into both ours and theirs: the line merge then sees the same
// change on both sides, which is no conflict. A list that is missing from
// one version, or whose entries both sides changed, is left as it is.
func mergeLists(name string, ours, base, theirs []byte) (newOurs, newTheirs []byte) {
	if !mergesByEntry(name) {
		return ours, theirs
	}
	ol, bl, tl := splitLines(ours), splitLines(base), splitLines(theirs)
	ob, bb, tb := findLists(name, ol), findLists(name, bl), findLists(name, tl)
	type edit struct {
		from, to int
		lines    []string
	}
	var oEdits, tEdits []edit
	for list, o := range ob {
		b, okB := bb[list]
		t, okT := tb[list]
		if !okB || !okT {
			continue
		}
		merged, ok := mergeEntries(o.entries, b.entries, t.entries)
		if !ok {
			continue
		}
		var lines []string
		for _, e := range merged {
			lines = append(lines, e.lines...)
		}
		// A last line without a newline may now have others after it.
		for i := range lines[:max(len(lines)-1, 0)] {
			if !strings.HasSuffix(lines[i], "\n") {
				lines[i] += "\n"
			}
		}
		oEdits = append(oEdits, edit{o.from, o.to, lines})
		tEdits = append(tEdits, edit{t.from, t.to, lines})
	}
	rewrite := func(lines []string, edits []edit) []byte {
		slices.SortFunc(edits, func(a, b edit) int { return b.from - a.from })
		out := slices.Clone(lines)
		for _, e := range edits {
			out = slices.Replace(out, e.from, e.to, e.lines...)
		}
		return []byte(strings.Join(out, ""))
	}
	if len(oEdits) == 0 {
		return ours, theirs
	}
	return rewrite(ol, oEdits), rewrite(tl, tEdits)
}
