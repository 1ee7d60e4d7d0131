package update

import (
	"fmt"
	"strings"
)

// Line is one line of an update's report.
type Line struct {
	Kind Kind
	Text string // the path, and why when the kind alone does not say
}

// Lines reports every change but the unchanged files, in path order, then
// what the user must do about .env.
func (p Plan) Lines() []Line {
	var out []Line
	for _, c := range p.Changes {
		text := c.Path
		switch {
		case c.Kind == Unchanged:
			continue
		case c.Reason != "":
			text += ": " + c.Reason
		case c.Kind == Conflict:
			text += fmt.Sprintf(": %d %s to resolve", c.Conflicts, plural(c.Conflicts, "conflict", "conflicts"))
		case c.Kind == Kept:
			text += ": you changed it; the templates did not"
		case c.Kind == Deleted:
			text += ": you deleted it, so it stays deleted"
		}
		if c.Kind == Conflict && c.Reason != "" && c.Conflicts > 0 {
			text += fmt.Sprintf(" (%d %s to resolve)", c.Conflicts, plural(c.Conflicts, "conflict", "conflicts"))
		}
		out = append(out, Line{Kind: c.Kind, Text: text})
	}
	if len(p.Env.Changed) > 0 {
		out = append(out, Line{Kind: Kept, Text: fmt.Sprintf("%s: the new answers change %s; your values stay, so edit %s as .env.example shows",
			EnvFile, strings.Join(p.Env.Changed, ", "), plural(len(p.Env.Changed), "it", "them"))})
	}
	if len(p.Env.Unused) > 0 {
		n := len(p.Env.Unused)
		out = append(out, Line{Kind: Kept, Text: fmt.Sprintf("%s: %s %s no longer used; remove %s when you like",
			EnvFile, strings.Join(p.Env.Unused, ", "), plural(n, "is", "are"), plural(n, "it", "them"))})
	}
	return out
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
		if n := p.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(parts) == 0 {
		return "nothing to change"
	}
	return strings.Join(parts, ", ")
}
