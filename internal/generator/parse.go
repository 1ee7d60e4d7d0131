package generator

import (
	"text/template"
	tparse "text/template/parse"
)

// parse parses a template as template.New(name).Funcs(funcs).Parse(text)
// does, with missingkey=error.
func parse(name, text string) (*template.Template, error) {
	return (*templateSet)(nil).parse(name, text)
}

// templateSet parses the templates of one render, or the conditions of one
// manifest, so that they share what text/template would build for each: a
// table of functions, and a namespace. A template shares them only where
// it cannot tell: one that defines templates or calls them by name gets a
// namespace of its own, as it always had.
type templateSet struct {
	root *template.Template
}

func newTemplate(name string) *template.Template {
	return template.New(name).Option("missingkey=error").Funcs(funcs)
}

// parse calls the parser itself with funcNames, which Template.Parse would
// build anew for each template. Where that fails, Template.Parse has the
// last word, and gives its own error. A nil set shares nothing.
func (s *templateSet) parse(name, text string) (*template.Template, error) {
	trees, err := tparse.Parse(name, text, "", "", funcNames)
	if err != nil {
		return newTemplate(name).Parse(text)
	}
	var t *template.Template
	if tree := trees[name]; s != nil && len(trees) == 1 && tree != nil && !callsTemplate(tree.Root) {
		if s.root == nil {
			s.root = newTemplate("")
		}
		if s.root.Lookup(name) == nil {
			t = s.root.New(name)
		}
	}
	if t == nil {
		t = newTemplate(name)
	}
	for n, tree := range trees {
		if _, err := t.AddParseTree(n, tree); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// callsTemplate reports whether a template runs another by name, which it
// looks up in its namespace.
func callsTemplate(n tparse.Node) bool {
	switch n := n.(type) {
	case *tparse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if callsTemplate(c) {
				return true
			}
		}
	case *tparse.IfNode:
		return callsTemplate(n.List) || callsTemplate(n.ElseList)
	case *tparse.RangeNode:
		return callsTemplate(n.List) || callsTemplate(n.ElseList)
	case *tparse.WithNode:
		return callsTemplate(n.List) || callsTemplate(n.ElseList)
	case *tparse.TemplateNode:
		return true
	}
	return false
}

// funcNames names the functions a template can call: ours and
// text/template's builtins. The parser only asks whether a name is there; a
// builtin missing here only sends its templates to Template.Parse.
var funcNames = func() map[string]any {
	names := map[string]any{}
	for _, name := range []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or",
		"print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"} {
		names[name] = true
	}
	for name, fn := range funcs {
		names[name] = fn
	}
	return names
}()
