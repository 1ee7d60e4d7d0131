package resource

import (
	"fmt"
	"slices"
	"strings"
)

// The fields below are what the archived template releases 1.0.0 to 1.2.0
// render, which must render forever as they did: the base of an update is
// the project as its release generated it. They keep their meaning of
// then; newer templates use the fields that replaced them.
type legacyFields struct {
	// AdminListDisplay shows the name and the timestamps,
	// AdminSearchFields is SearchFields, and AdminRawIDFields covers every
	// relation: the admin's statements, the last two may be "".
	AdminListDisplay, AdminSearchFields, AdminRawIDFields string
	// FactoryImports and FactoryFields make the factory of then.
	FactoryImports, FactoryFields string
	// Exact is the first field but a relation filtered by exact value,
	// Sorted the first field the list sorts by; each nil when none is.
	Exact, Sorted *FieldData
}

// legacy fills the fields that the archived releases render.
func (a *App) legacy() {
	display := "__str__"
	if a.StrField != "" {
		display = a.StrField
	}
	a.AdminListDisplay = statement("list_display", list(strs([]string{display, "created_at", "updated_at"})...), 4, ProjectLineLength)
	a.AdminSearchFields = a.SearchFields
	var rawID []string
	for _, r := range a.Relations {
		rawID = append(rawID, r.Name)
	}
	if len(rawID) > 0 {
		a.AdminRawIDFields = statement("raw_id_fields", list(strs(rawID)...), 4, ProjectLineLength)
	}
	a.FactoryImports, a.FactoryFields, _ = a.factory(a.legacyFactoryValue, func(name, value string) string {
		return fmt.Sprintf("    %s = %s", name, value)
	}, false)
	for i := range a.Fields {
		f := &a.Fields[i]
		if a.Exact == nil && !f.Relation && slices.Contains(filterLookups[f.Kind], "exact") {
			a.Exact = f
		}
		if a.Sorted == nil && sortable[f.Kind] {
			a.Sorted = f
		}
	}
}

// legacyFactoryValue is a factory declaration as the archived releases
// made it.
func (a *App) legacyFactoryValue(f Field, fv *factoryValues) string {
	switch f.Kind {
	case Str:
		if len(words(f.Name))+8 <= f.MaxLength {
			return fmt.Sprintf(`factory.Sequence(lambda n: f"%s {n}")`, words(f.Name))
		}
		return fmt.Sprintf(`factory.Sequence(lambda n: str(n %% 10**%d))`, min(f.MaxLength, 18))
	case Text:
		return fmt.Sprintf(`factory.Sequence(lambda n: f"%s {n}")`, words(f.Name))
	case Slug:
		return fmt.Sprintf(`factory.Sequence(lambda n: f"%s-{n}")`, strings.ReplaceAll(f.Name, "_", "-"))
	case Email:
		return `factory.Sequence(lambda n: f"user{n}@example.com")`
	case URL:
		return `factory.Sequence(lambda n: f"https://example.com/{n}")`
	case JSON:
		return `factory.Sequence(lambda n: {"n": n})`
	}
	return a.factoryValue(f, fv)
}
