package update

import (
	"fmt"
	"strings"
)

// Line is one line of an update's report.
type Line struct {
	Kind Kind
	Path string
	Note string // why, when the kind alone does not say; may be empty
}

// Lines reports every change but the unchanged files, in path order, then
// what the user must do about the secrets files.
func (p Plan) Lines() []Line {
	var out []Line
	for _, c := range p.Changes {
		l := Line{Kind: c.Kind, Path: c.Path, Note: c.Reason}
		switch {
		case c.Kind == Unchanged:
			continue
		case c.Kind == Conflict && c.Conflicts > 0:
			count := fmt.Sprintf("%d %s to resolve", c.Conflicts, plural(c.Conflicts, "conflict", "conflicts"))
			if l.Note == "" {
				l.Note = count
			} else {
				l.Note += " (" + count + ")"
			}
		case l.Note != "":
		case c.Kind == Kept:
			l.Note = "you changed it; the templates did not"
		case c.Kind == Deleted:
			l.Note = "you deleted it, so it stays deleted"
		case c.Kind == Removed:
			l.Note = p.removedBy() + " no longer generate it, and you had not changed it"
		}
		out = append(out, l)
	}
	for _, r := range p.Env {
		if n := len(r.Changed); n > 0 {
			out = append(out, Line{Kind: Kept, Path: r.Path, Note: fmt.Sprintf("the new answers change %s; your values stay, so edit %s as .env.example shows",
				strings.Join(r.Changed, ", "), plural(n, "it", "them"))})
		}
		if n := len(r.Unused); n > 0 {
			out = append(out, Line{Kind: Kept, Path: r.Path, Note: fmt.Sprintf("%s %s no longer used; remove %s when you like",
				strings.Join(r.Unused, ", "), plural(n, "is", "are"), plural(n, "it", "them"))})
		}
	}
	return out
}

// String is the line as the report prints it, but for the kind.
func (l Line) String() string {
	if l.Note == "" {
		return l.Path
	}
	return l.Path + ": " + l.Note
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Summary counts the changes by kind, such as "3 updated, 1 merged, 1 conflict".
func (p Plan) Summary() string {
	var parts []string
	for k := Updated; k <= Deleted; k++ {
		n := p.Count(k)
		switch {
		case n == 0:
		// Who did what: scaffold removes, the user deleted.
		case k == Removed:
			parts = append(parts, fmt.Sprintf("%d removed by %s", n, p.removedBy()))
		case k == Deleted:
			parts = append(parts, fmt.Sprintf("%d you deleted (kept deleted)", n))
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		return "nothing to change"
	}
	return strings.Join(parts, ", ")
}

// removedBy names who removes files: the new answers, when the update
// changes any, or else the new templates.
func (p Plan) removedBy() string {
	if p.answersChanged {
		return "the new answers"
	}
	return "the new templates"
}
