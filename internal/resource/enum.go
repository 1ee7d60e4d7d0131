package resource

import (
	"fmt"
	"slices"
	"strings"
)

// EnumName names one choice set's enum in the OpenAPI schema, as an entry
// of drf-spectacular's ENUM_NAME_OVERRIDES: Name is the enum's name, Path
// the TextChoices class that holds the set.
//
// drf-spectacular names an enum after its field, and warns (which fails
// `spectacular --fail-on-warn`) when one field name has several sets used
// by several serializers, or one set several field names. An entry per set
// names each set once, whatever fields share it.
type EnumName struct {
	Name, Path string
	// Comment ends an entry too long for a line, which no formatter can
	// split: "  # noqa: E501", or "".
	Comment string
}

// enumNames gives each resource the entries of the choice sets it is the
// first to use, in the order the resources were added, so that a resource
// added later only adds entries after those there already.
func enumNames(apps []*App) {
	sets := map[string]bool{}  // the sorted values of every set named
	names := map[string]bool{} // every enum name taken
	for _, a := range apps {
		for _, f := range a.fields {
			if f.Kind != Choice {
				continue
			}
			// drf-spectacular tells sets apart by their sorted (value, label)
			// pairs; a label follows from its value.
			set := strings.Join(slices.Sorted(slices.Values(f.Values())), ",")
			if sets[set] {
				continue
			}
			sets[set] = true
			name := a.Model + f.ChoicesClass() + "Enum"
			for i := 2; names[name]; i++ {
				name = fmt.Sprintf("%s%s%dEnum", a.Model, f.ChoicesClass(), i)
			}
			names[name] = true
			e := EnumName{Name: name, Path: fmt.Sprintf("%s.models.%s.%s", a.Name, a.Model, f.ChoicesClass())}
			// The entry is indented by 8, and written "NAME": "PATH",
			if 8+len(e.Name)+len(e.Path)+7 > ProjectLineLength {
				e.Comment = "  # noqa: E501"
			}
			a.EnumNames = append(a.EnumNames, e)
		}
	}
}
