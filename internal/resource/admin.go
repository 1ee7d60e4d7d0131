package resource

import "strings"

// Admin: the columns, filters, search and relation widgets of the
// resource's ModelAdmin.

// maxListColumns is the most typed fields that the admin's list shows
// besides the object's name and its timestamps: more would not fit a
// screen.
const maxListColumns = 6

// listColumnLength is the longest str that the admin's list shows in a
// column.
const listColumnLength = 100

// fitsColumn tells a field whose values fit a column of the admin's list:
// short strings, numbers, flags, dates, choices and foreign keys (which the
// admin reads with their rows, by select_related). Long text, JSON, links
// and lists of objects do not; Django refuses an m2m there (admin.E109).
func (f Field) fitsColumn() bool {
	switch f.Kind {
	case Str:
		return f.MaxLength <= listColumnLength
	case Int, BigInt, Decimal, Float, Bool, Date, DateTime, Email, Slug, Choice, FK:
		return true
	}
	return false
}

// filtersList tells a field that the admin's sidebar filters by: flags,
// choices, dates and foreign keys.
func (f Field) filtersList() bool {
	switch f.Kind {
	case Bool, Choice, Date, DateTime, FK:
		return true
	}
	return false
}

// admin makes the ModelAdmin's statements.
func (a *App) admin() {
	display := []string{"__str__"}
	if a.StrField != "" {
		display = []string{a.StrField}
	}
	var filter, autocomplete, rawID []string
	if a.Owner {
		// The owner, one user among many, gets an id box with a lookup window.
		rawID = append(rawID, "owner")
	}
	for _, f := range a.fields {
		if f.fitsColumn() && f.Name != a.StrField && len(display) <= maxListColumns {
			display = append(display, f.Name)
		}
		if f.filtersList() {
			filter = append(filter, f.Name)
		}
		if !f.IsRelation() {
			continue
		}
		// A select box of every related object would not scale. The admin
		// searches them instead, which needs search_fields on the target's
		// admin (admin.E040); a target without a text field to search gets
		// an id box with a lookup window.
		if a.searchable[f.Target] {
			autocomplete = append(autocomplete, f.Name)
		} else {
			rawID = append(rawID, f.Name)
		}
	}
	display = append(display, "created_at", "updated_at")
	a.AdminOptions = adminStatements([2]any{"list_display", display}, [2]any{"list_filter", filter}, [2]any{"search_fields", a.search})
	a.AdminRelations = adminStatements([2]any{"autocomplete_fields", autocomplete}, [2]any{"raw_id_fields", rawID})
}

// adminStatements are `name = [...]` lines of the ModelAdmin's body, one
// for each name and its list, but for empty lists.
func adminStatements(options ...[2]any) string {
	var lines []string
	for _, o := range options {
		if names := o[1].([]string); len(names) > 0 {
			lines = append(lines, statement(o[0].(string), list(strs(names)...), 4, ProjectLineLength))
		}
	}
	return strings.Join(lines, "\n")
}
