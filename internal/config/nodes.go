package config

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// checkKeys refuses a mapping, at any depth, that gives a key twice. yaml.v3
// refuses one only where it decodes into a struct or a map, and says so
// without the key's path; a mapping read through a custom unmarshaler, as
// answers: is, would keep the last value silently.
func checkKeys(file string, n *yaml.Node, prefix string) error {
	switch n.Kind {
	case yaml.MappingNode:
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			key := join(prefix, k.Value)
			if k.Kind == yaml.ScalarNode {
				if first, ok := seen[k.Value]; ok {
					return &Error{File: file, Line: k.Line,
						Msg: fmt.Sprintf("key %q is given twice, on lines %d and %d; keep one", key, first, k.Line)}
				}
				seen[k.Value] = k.Line
			}
			if err := checkKeys(file, n.Content[i+1], key); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			if err := checkKeys(file, item, join(prefix, strconv.Itoa(i))); err != nil {
				return err
			}
		}
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if err := checkKeys(file, c, prefix); err != nil {
				return err
			}
		}
	}
	return nil
}

// Aliases may repeat at most maxAliased values in a document of more than
// minAliasedDoc values. yaml.v3 refuses a document that its aliases expand
// too far, counting as this does but in each value it decodes on its own,
// and without saying where; this check, counting the whole document, is
// never more lenient, so that the refusal can name the alias's line.
const (
	maxAliased    = 100
	minAliasedDoc = 1000
)

// checkAliases walks the document as a decoder does, aliases expanded, and
// refuses it at the alias, as written in the file, whose expansion takes
// the counts past yaml.v3's floor. It stops there, so its work is bounded
// by the size of the file and the floor.
func checkAliases(file string, doc *yaml.Node) error {
	var values, aliased int
	var at *yaml.Node // the outermost alias being expanded
	var walk func(n *yaml.Node, depth int) bool
	walk = func(n *yaml.Node, depth int) bool {
		values++
		if depth > 0 {
			aliased++
		}
		if aliased > maxAliased && values > minAliasedDoc {
			return false
		}
		if n.Kind == yaml.AliasNode {
			if depth == 0 {
				at = n
			}
			if n.Alias == nil {
				return true
			}
			return walk(n.Alias, depth+1)
		}
		for _, c := range n.Content {
			if !walk(c, depth) {
				return false
			}
		}
		return true
	}
	if walk(doc, 0) {
		return nil
	}
	return &Error{File: file, Line: at.Line,
		Msg: fmt.Sprintf("document contains excessive aliasing: the alias *%s repeats more values than scaffold reads; write them out", at.Value)}
}
