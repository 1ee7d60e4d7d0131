package generator

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"text/template"
	tparse "text/template/parse"
)

// run executes a parsed template with data. It first checks every field
// the template reads against data, so that a misspelt field is reported in
// the template author's words, at its line, whichever branch reads it;
// text is the template's source, for the line.
func run(t *template.Template, text string, data Data) ([]byte, error) {
	c := fieldCheck{name: t.Name(), text: text}
	if err := c.list(t.Tree.Root, data, true); err != nil {
		return nil, &TemplateError{File: t.Name(), Err: err}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, &TemplateError{File: t.Name(), Err: err}
	}
	return buf.Bytes(), nil
}

// fieldCheck follows the dot through a template. Where the dot's value is
// unknown, as inside range, nothing is checked and execution has the say.
type fieldCheck struct {
	name, text string
}

func (c fieldCheck) list(l *tparse.ListNode, dot any, known bool) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		if err := c.node(n, dot, known); err != nil {
			return err
		}
	}
	return nil
}

func (c fieldCheck) node(n tparse.Node, dot any, known bool) error {
	switch n := n.(type) {
	case *tparse.ActionNode:
		return c.pipe(n.Pipe, dot, known)
	case *tparse.IfNode:
		return c.branch(&n.BranchNode, dot, known, dot, known)
	case *tparse.RangeNode:
		return c.branch(&n.BranchNode, dot, known, nil, false)
	case *tparse.WithNode:
		inner, innerKnown := c.value(n.Pipe, dot, known)
		return c.branch(&n.BranchNode, dot, known, inner, innerKnown)
	case *tparse.TemplateNode:
		return c.pipe(n.Pipe, dot, known)
	}
	return nil
}

// branch checks a control's pipeline with the dot as it is, its body with
// the dot the control sets, and its else with the dot as it is.
func (c fieldCheck) branch(b *tparse.BranchNode, dot any, known bool, inner any, innerKnown bool) error {
	if err := c.pipe(b.Pipe, dot, known); err != nil {
		return err
	}
	if err := c.list(b.List, inner, innerKnown); err != nil {
		return err
	}
	return c.list(b.ElseList, dot, known)
}

func (c fieldCheck) pipe(p *tparse.PipeNode, dot any, known bool) error {
	if p == nil {
		return nil
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			switch a := arg.(type) {
			case *tparse.FieldNode:
				if known {
					if _, _, err := c.lookup(a, a.Ident, dot); err != nil {
						return err
					}
				}
			case *tparse.PipeNode:
				if err := c.pipe(a, dot, known); err != nil {
					return err
				}
			case *tparse.ChainNode:
				if inner, ok := a.Node.(*tparse.PipeNode); ok {
					if err := c.pipe(inner, dot, known); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// value is what a pipeline that is one field gives, for the dot of with.
func (c fieldCheck) value(p *tparse.PipeNode, dot any, known bool) (any, bool) {
	if !known || p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 || len(p.Decl) > 0 {
		return nil, false
	}
	f, ok := p.Cmds[0].Args[0].(*tparse.FieldNode)
	if !ok {
		return nil, false
	}
	v, found, err := c.lookup(f, f.Ident, dot)
	return v, found && err == nil
}

// lookup follows a chain of fields from dot. found is false where the
// chain leaves what can be checked, such as a method.
func (c fieldCheck) lookup(n tparse.Node, idents []string, dot any) (v any, found bool, err error) {
	v = dot
	for i, id := range idents {
		in := "." + strings.Join(idents[:i], ".")
		var ok bool
		switch x := v.(type) {
		case Data:
			v, ok = x[id]
		case map[string]any:
			v, ok = x[id]
			if !ok && in == ".Extra" {
				return nil, false, c.fail(n, fmt.Sprintf("no answer %q in .Extra, which holds the answers to the template pack's questions", id))
			}
		default:
			rv := reflect.ValueOf(v)
			if rv.Kind() != reflect.Struct {
				break
			}
			if _, isMethod := rv.Type().MethodByName(id); isMethod {
				return nil, false, nil
			}
			if f := rv.FieldByName(id); f.IsValid() && f.CanInterface() {
				v, ok = f.Interface(), true
			}
		}
		if !ok {
			if i == 0 {
				in = "the template data"
			}
			return nil, false, c.fail(n, fmt.Sprintf("no field %q in %s; see the data that templates get in the README", id, in))
		}
	}
	return v, true, nil
}

func (c fieldCheck) fail(n tparse.Node, msg string) error {
	line := 1 + strings.Count(c.text[:min(int(n.Position()), len(c.text))], "\n")
	return fmt.Errorf("template: %s:%d: %s", c.name, line, msg)
}
