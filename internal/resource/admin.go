package resource

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
	a.AdminListDisplay = adminStatement("list_display", display)
	a.AdminListFilter = adminStatement("list_filter", filter)
	a.AdminSearchFields = adminStatement("search_fields", a.search)
	a.AdminAutocompleteFields = adminStatement("autocomplete_fields", autocomplete)
	a.AdminRawIDFields = adminStatement("raw_id_fields", rawID)
}

// adminStatement is name = [...] in the ModelAdmin's body, or "" for no
// names.
func adminStatement(name string, names []string) string {
	if len(names) == 0 {
		return ""
	}
	return statement(name, list(strs(names)...), 4, ProjectLineLength)
}
