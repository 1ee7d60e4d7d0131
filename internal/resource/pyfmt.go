package resource

import "strings"

// The generated Python is laid out as Black and Ruff's formatter lay it
// out, so that `ruff format --check` passes and migrations read exactly as
// makemigrations writes them with Black installed. The expressions here are
// few: names, string and number literals, calls with keyword arguments, and
// lists and tuples of those.

// Line lengths: the generated project's Ruff setting, and Black's default,
// which makemigrations' formatting uses.
const (
	ProjectLineLength   = 100
	MigrationLineLength = 88
)

// expr is a Python expression the formatter can lay out.
type expr interface{ flat() string }

// atom is an expression that is never split: a name or a literal.
type atom string

func (a atom) flat() string { return string(a) }

// call is name(arg, ...); each arg is an expression, keyword arguments
// being kw values.
type call struct {
	name string
	args []expr
}

func (c call) flat() string { return c.name + "(" + joinFlat(c.args) + ")" }

// kw is a keyword argument: key=value.
type kw struct {
	key   string
	value expr
}

func (k kw) flat() string { return k.key + "=" + k.value.flat() }

// seq is a list or tuple literal.
type seq struct {
	open, close string
	items       []expr
}

func (s seq) flat() string {
	if s.open == "(" && len(s.items) == 1 {
		return "(" + s.items[0].flat() + ",)"
	}
	return s.open + joinFlat(s.items) + s.close
}

func list(items ...expr) seq  { return seq{open: "[", close: "]", items: items} }
func tuple(items ...expr) seq { return seq{open: "(", close: ")", items: items} }

func strs(values []string) []expr {
	out := make([]expr, len(values))
	for i, v := range values {
		out[i] = pyStr(v)
	}
	return out
}

// pyStr is a string literal; the values scaffold writes hold no quote or
// backslash, so the formatters' double quotes need no escapes.
func pyStr(s string) atom { return atom(`"` + s + `"`) }

func joinFlat(items []expr) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = it.flat()
	}
	return strings.Join(parts, ", ")
}

// layout writes prefix+e+suffix at the given indentation within width
// columns, splitting brackets as Black does: a call that does not fit puts
// its arguments on one indented line if they fit there, and one per line
// with a trailing comma otherwise; a list or tuple that does not fit puts
// one item per line.
func layout(e expr, indent int, prefix, suffix string, width int) []string {
	pad := strings.Repeat(" ", indent)
	if one := pad + prefix + e.flat() + suffix; len(one) <= width {
		return []string{one}
	}
	var open, close string
	var items []expr
	hug := false
	switch v := e.(type) {
	case call:
		open, close, items, hug = v.name+"(", ")", v.args, true
	case seq:
		open, close, items = v.open, v.close, v.items
	case kw:
		return layout(v.value, indent, prefix+v.key+"=", suffix, width)
	default:
		return []string{pad + prefix + e.flat() + suffix}
	}
	if len(items) == 0 {
		return []string{pad + prefix + e.flat() + suffix}
	}
	lines := []string{pad + prefix + open}
	inner := strings.Repeat(" ", indent+4)
	if body := inner + joinFlat(items); hug && len(body) <= width {
		lines = append(lines, body)
	} else {
		for _, it := range items {
			lines = append(lines, layout(it, indent+4, "", ",", width)...)
		}
	}
	return append(lines, pad+close+suffix)
}

// statement lays out `name = value` at the given indentation.
func statement(name string, value expr, indent, width int) string {
	return strings.Join(layout(value, indent, name+" = ", "", width), "\n")
}

// wrap fills text into lines of at most width columns at the indentation.
func wrap(text string, indent, width int) string {
	pad := strings.Repeat(" ", indent)
	var lines []string
	line := pad
	for _, word := range strings.Fields(text) {
		if line != pad && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = pad
		}
		if line != pad {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}
