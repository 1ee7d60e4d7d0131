package generator

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"text/template"
	tparse "text/template/parse"
)

// checkFields checks every field that a parsed template reads against the
// data it is about to run with, so that a misspelt field is reported in the
// template author's words, at its line, whichever branch reads it; text is
// the template's source, for the line. A nil template reads nothing.
func checkFields(t *template.Template, text string, data Data) error {
	if t == nil {
		return nil
	}
	c := fieldCheck{name: t.Name(), text: text}
	if err := c.list(t.Tree.Root, dot{value: data, known: true}); err != nil {
		return &TreeError{File: t.Name(), Err: err}
	}
	return nil
}

// dot is what . holds at a point of a template: its value and the fields
// that reach it from the template data. Where it is not known, as inside
// range, nothing is checked and execution has the say.
type dot struct {
	value any
	path  []string
	known bool
}

// fieldCheck walks a parsed template, following the dot.
type fieldCheck struct {
	name, text string
}

func (c fieldCheck) list(l *tparse.ListNode, d dot) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		if err := c.node(n, d); err != nil {
			return err
		}
	}
	return nil
}

func (c fieldCheck) node(n tparse.Node, d dot) error {
	switch n := n.(type) {
	case *tparse.ActionNode:
		return c.pipe(n.Pipe, d)
	case *tparse.IfNode:
		return c.branch(&n.BranchNode, d, d)
	case *tparse.RangeNode:
		return c.branch(&n.BranchNode, d, dot{})
	case *tparse.WithNode:
		return c.branch(&n.BranchNode, d, c.with(n.Pipe, d))
	case *tparse.TemplateNode:
		return c.pipe(n.Pipe, d)
	}
	return nil
}

// branch checks a control's pipeline and its else with the dot as it is,
// and its body with the dot that the control sets.
func (c fieldCheck) branch(b *tparse.BranchNode, d, inner dot) error {
	if err := c.pipe(b.Pipe, d); err != nil {
		return err
	}
	if err := c.list(b.List, inner); err != nil {
		return err
	}
	return c.list(b.ElseList, d)
}

func (c fieldCheck) pipe(p *tparse.PipeNode, d dot) error {
	if p == nil {
		return nil
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			var err error
			switch a := arg.(type) {
			case *tparse.FieldNode:
				_, err = c.lookup(a, d)
			case *tparse.PipeNode:
				err = c.pipe(a, d)
			case *tparse.ChainNode:
				if inner, ok := a.Node.(*tparse.PipeNode); ok {
					err = c.pipe(inner, d)
				}
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// with is the dot inside with: known when its pipeline is one field.
func (c fieldCheck) with(p *tparse.PipeNode, d dot) dot {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 || len(p.Decl) > 0 {
		return dot{}
	}
	f, ok := p.Cmds[0].Args[0].(*tparse.FieldNode)
	if !ok {
		return dot{}
	}
	inner, err := c.lookup(f, d)
	if err != nil {
		return dot{}
	}
	return inner
}

// lookup follows a field chain from the dot to the dot it reaches, which
// is unknown where the chain leaves what can be checked, such as at a
// method or a nil pointer.
func (c fieldCheck) lookup(f *tparse.FieldNode, d dot) (dot, error) {
	if !d.known {
		return dot{}, nil
	}
	v := d.value
	for i, id := range f.Ident {
		next, found, known := field(v, id)
		switch {
		case !known:
			return dot{}, nil
		case !found:
			return dot{}, c.fail(f, missing(joinPath(d.path, f.Ident[:i]), id))
		}
		v = next
	}
	return dot{value: v, path: joinPath(d.path, f.Ident), known: true}, nil
}

// field is what .id reads from v. known is false where that cannot be
// told before the template runs, such as at a method or a nil pointer.
func field(v any, id string) (next any, found, known bool) {
	// The template data and the answers of a pack's questions are plain
	// maps, without methods: most lookups end here, without reflection.
	switch m := v.(type) {
	case Data:
		next, found = m[id]
		return next, found, true
	case map[string]any:
		next, found = m[id]
		return next, found, true
	}
	rv := reflect.ValueOf(v)
	if rv.IsValid() && rv.MethodByName(id).IsValid() {
		return nil, false, false
	}
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, false, false
		}
		rv = rv.Elem()
	}
	var nv reflect.Value
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, false, false
		}
		nv = rv.MapIndex(reflect.ValueOf(id).Convert(rv.Type().Key()))
	case reflect.Struct:
		if index := exportedField(rv.Type(), id); index != nil {
			nv = rv.FieldByIndex(index)
		}
	}
	if !nv.IsValid() {
		return nil, false, true
	}
	return nv.Interface(), true, true
}

// structFields remembers where exportedField found a field, by struct type
// and name: FieldByName allocates as it searches a struct that embeds
// another, such as App.
var structFields sync.Map

type structField struct {
	t    reflect.Type
	name string
}

// exportedField is the index of t's exported field name, as FieldByName
// finds it, or nil.
func exportedField(t reflect.Type, name string) []int {
	key := structField{t, name}
	if index, ok := structFields.Load(key); ok {
		return index.([]int)
	}
	var index []int
	if sf, ok := t.FieldByName(name); ok && sf.IsExported() {
		index = sf.Index
	}
	structFields.Store(key, index)
	return index
}

// joinPath is the path of fields base and then more, sharing more's array
// where it can: neither is ever appended to in place.
func joinPath(base, more []string) []string {
	if len(base) == 0 {
		return more[:len(more):len(more)]
	}
	return append(base[:len(base):len(base)], more...)
}

// missing says that the value the fields in path reach holds no field id.
func missing(path []string, id string) string {
	const seeREADME = "; see the data that templates get in the README"
	switch in := "." + strings.Join(path, "."); in {
	case ".":
		return fmt.Sprintf("no field %q in the template data", id) + seeREADME
	case ".Extra":
		return fmt.Sprintf("no answer %q in .Extra, which holds the answers to the template pack's questions", id)
	default:
		return fmt.Sprintf("no field %q in %s", id, in) + seeREADME
	}
}

func (c fieldCheck) fail(n tparse.Node, msg string) error {
	line := 1 + strings.Count(c.text[:min(int(n.Position()), len(c.text))], "\n")
	return fmt.Errorf("template: %s:%d: %s", c.name, line, msg)
}
