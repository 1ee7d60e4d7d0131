package resource

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// App is what the resource templates see as .App: one resource with its
// names, and the code that its typed fields turn into. Multi-line values are
// laid out at the indentation where the templates put them.
type App struct {
	Names
	legacyFields
	Fields []FieldData

	// ModelImports is the import block of models.py.
	ModelImports string
	// ModelChoices declares the TextChoices classes of the choice fields
	// at the top of the model's class body, or is "".
	ModelChoices string
	// ModelFields declares the typed fields in the model's class body.
	ModelFields string
	// StrField is the field __str__ returns, or "" when no text field
	// can name an object.
	StrField string
	// Migration is the whole initial migration as release 1.2.0 and
	// earlier wrote it, which their templates read; InitialMigration is
	// the one of today, with the owner and the ordering indexes.
	Migration, InitialMigration string
	// Indexes is the model's Meta.indexes statement: the list's ordering,
	// and an owner's list.
	Indexes string
	// Steps are the migrations after the initial one, which add the fields
	// added later, one for each
	// `scaffold add field`.
	Steps []Step

	// Owner gives each object an owner, the user who created it, and
	// OwnerField declares it; OwnerRelated is the way back from the user
	// (user.notes); OwnerUsername the username of the owners that the
	// factory makes, a number after it.
	Owner                                   bool
	OwnerField, OwnerRelated, OwnerUsername string

	// SerializerFields is the serializer's fields = [...] statement.
	SerializerFields string
	// Relations are the fk and m2m fields, linked by URL in the API.
	Relations []Relation
	// Queryset is the viewset's queryset expression.
	Queryset string
	// ListQueries and DetailQueries are the most queries a list page and a
	// detail view take: one per table read, whatever the page size.
	ListQueries, DetailQueries int
	// Filters are the fields of the viewset's FilterSet, one per field.
	Filters []Filter
	// SearchFields and OrderingFields are the viewset's lists, laid out as
	// statements; SearchFields is "" when no field is searchable.
	SearchFields, OrderingFields string
	// ViewDoc is the paragraph of the viewset's docstring that tells how to
	// filter, search and sort.
	ViewDoc string

	// AdminOptions are the admin's list_display, list_filter and
	// search_fields statements, and AdminRelations its autocomplete_fields
	// and raw_id_fields statements, or "".
	AdminOptions, AdminRelations string
	// EnumNames name the schema's enums of the choice sets that this
	// resource is the first to use (see enumNames).
	EnumNames []EnumName

	// FactoryHeader is the factory module's import block, FactoryBody the
	// declarations of the factory_boy factory.
	FactoryHeader, FactoryBody string
	// FactoryHooks tells a factory with post-generation hooks, for m2m
	// fields, which save what they set themselves.
	FactoryHooks bool

	// Fields the tests single out; each is nil when no field qualifies.
	Required *FieldData // the first field a client must send
	Invalid  *FieldData // the first field but a choice with a value the API refuses
	Unique   *FieldData // the first unique field
	Changed  *FieldData // the first field a test can change (not a relation)
	// Choices are the choice fields, each with a test of a value outside.
	Choices []FieldData
	// FilterTests test every filter of the list, one field each, and
	// OrderingTest every field the list sorts by.
	FilterTests  []FilterTest
	OrderingTest string
	// TestImports are the project's own imports of the API tests.
	TestImports string
	// Targets are the other resources this one points to, in name order.
	Targets []Names
	// Protected are the fk fields to other resources, whose objects cannot
	// be deleted while this resource points to them.
	Protected []FieldData
	// Owned are the names of the owned resources, by name, for the tests
	// of relations to them.
	Owned map[string]bool

	fields    []Field
	lateIndex bool
	initial   int     // how many of fields the initial migration creates
	added     []Batch // the fields added later, one batch per migration
	// leaf names the last migration of a resource before the batch of
	// the given order was added.
	leaf    func(resource string, order int) string
	related map[string]string // field -> name of the way back
	targets map[string]Names
	search  []string
	// searchable tells the resources whose admin has search_fields, which
	// the admin's autocomplete of a relation to them needs.
	searchable map[string]bool
}

// FieldData is one typed field, as templates see it.
type FieldData struct {
	Name     string
	Kind     Kind
	Spec     string
	Class    string // Django field class
	Required bool   // a client must send it to create an object
	Unique   bool
	Relation bool
	Many     bool   // m2m
	Target   Names  // fk and m2m only
	Sample   string // a valid value, as a Python literal; "" for relations
	Other    string // another valid value, different from Sample
	Invalid  string // a value the API refuses, as a Python literal, or ""
	Self     bool   // a relation to its own resource
	// Choices are a choice field's values, and ChoicesClass the name of
	// its TextChoices class in the model.
	Choices      []string
	ChoicesClass string
}

// Relation is an fk or m2m field.
type Relation struct {
	Name   string
	Target Names
	Many   bool
}

// Filter is one field's lookups in the viewset's FilterSet.
type Filter struct {
	Field   string
	Lookups []string
}

// LookupList is the filter's lookups as a Python list.
func (f Filter) LookupList() string { return list(strs(f.Lookups)...).flat() }

// Build checks a project's resources, in the order they were added, and
// returns what the templates need for each.
func Build(resources []Resource, database string) ([]*App, error) {
	if err := Check(resources, database); err != nil {
		return nil, err
	}
	related, err := relatedNames(resources)
	if err != nil {
		return nil, err
	}
	names := map[string]Names{}
	owned := map[string]bool{}
	searchable := map[string]bool{}
	for _, r := range resources {
		names[r.Name] = r.Names()
		owned[r.Name] = r.Owner
		searchable[r.Name] = slices.ContainsFunc(r.Fields, func(f Field) bool { return searchableKinds[f.Kind] })
	}
	firstParty := func(module string) bool { _, ok := names[module]; return ok }
	leaves := stepsOf(resources)
	apps := make([]*App, len(resources))
	for i, r := range resources {
		a := &App{
			Names: names[r.Name], Owner: r.Owner, Owned: owned, lateIndex: r.LateIndex,
			fields: r.AllFields(), initial: len(r.Fields), added: r.Added, leaf: leaves.before,
			related: map[string]string{}, targets: map[string]Names{}, searchable: searchable,
		}
		for _, f := range a.fields {
			if f.IsRelation() {
				a.related[f.Name] = related[[2]string{r.Name, f.Name}]
				a.targets[f.Name] = names[f.Target]
			}
		}
		a.buildOwnerAndIndexes()
		a.build(firstParty)
		apps[i] = a
	}
	enumNames(apps)
	return apps, nil
}

// targetNames names the model a relation points to; a relation to its own
// resource is written "self" in models.py, which an empty Names says.
func (a *App) targetNames(f Field) Names {
	return a.targets[f.Name]
}

func (a *App) build(firstParty func(string) bool) {
	modelImports := imports{"from django.db import models": true}
	var decls []string
	var serializerFields, ordering, choices []string
	serializerFields = append(serializerFields, "id", "url")
	if a.Owner {
		modelImports.add("from django.conf import settings")
		serializerFields = append(serializerFields, "owner")
	}
	for _, f := range a.fields {
		target := a.targets[f.Name]
		modelTarget := target
		if f.Target == a.Name {
			modelTarget = Names{}
		}
		decls = append(decls, f.modelField(a.related[f.Name], modelTarget, modelImports))
		serializerFields = append(serializerFields, f.Name)
		fd := FieldData{
			Name: f.Name, Kind: f.Kind, Spec: f.String(), Class: djangoClass[f.Kind], Required: f.Required(),
			Unique: f.Unique, Relation: f.IsRelation(), Many: f.Kind == M2M, Target: target,
			Sample: f.pySample(0), Other: f.pySample(1), Invalid: f.invalid(), Self: f.Target == a.Name && f.IsRelation(),
			Choices: f.Values(),
		}
		if f.Kind == Choice {
			fd.ChoicesClass = f.ChoicesClass()
		}
		a.Fields = append(a.Fields, fd)
		if f.IsRelation() {
			a.Relations = append(a.Relations, Relation{Name: f.Name, Target: target, Many: f.Kind == M2M})
		}
		if f.Kind == Choice {
			choices = append(choices, f.choicesClass())
		}
		if lookups := filterLookups[f.Kind]; len(lookups) > 0 {
			a.Filters = append(a.Filters, Filter{Field: f.Name, Lookups: lookups})
		}
		if searchableKinds[f.Kind] {
			a.search = append(a.search, f.Name)
		}
		if sortable[f.Kind] {
			ordering = append(ordering, f.Name)
		}
		if a.StrField == "" && (f.Kind == Str || f.Kind == Slug || f.Kind == Email) {
			a.StrField = f.Name
		}
	}
	a.pickTestFields()
	a.Filters = append(a.Filters, Filter{Field: "created_at", Lookups: []string{"gte", "lte"}})
	ordering = append(ordering, "created_at", "updated_at")
	serializerFields = append(serializerFields, "created_at", "updated_at")

	a.ModelImports = importBlock(modelImports, firstParty)
	a.ModelChoices = strings.Join(choices, "\n\n")
	a.ModelFields = strings.Join(decls, "\n")
	a.Migration = a.migration()
	a.Steps = a.steps()
	a.SerializerFields = statement("fields", list(strs(serializerFields)...), 8, ProjectLineLength)
	a.queryset()
	if len(a.search) > 0 {
		a.SearchFields = statement("search_fields", list(strs(a.search)...), 4, ProjectLineLength)
	}
	a.OrderingFields = statement("ordering_fields", list(strs(ordering)...), 4, ProjectLineLength)
	a.ViewDoc = wrap(a.viewDoc(ordering), 4, 80)
	a.admin()
	a.FactoryHeader, a.FactoryBody, a.FactoryHooks = a.factory(a.factoryValue, declareFactoryValue, true)
	a.tests(ordering)
	a.legacy()
}

// queryset is the viewset's queryset, and the queries that its list and
// detail views take.
func (a *App) queryset() {
	a.Queryset = a.Model + ".objects.all()"
	var many []string
	for _, r := range a.Relations {
		if r.Many {
			many = append(many, r.Name)
		}
	}
	if len(many) > 0 {
		// Each object's links to many others are read in one query for the
		// whole page rather than one per object.
		a.Queryset = a.Model + ".objects.prefetch_related(" + joinFlat(strs(many)) + ")"
	}
	// A page is a COUNT and a SELECT, a detail view one SELECT, and each
	// prefetch one more query; links by fk read only the id already loaded.
	a.ListQueries, a.DetailQueries = 2+len(many), 1+len(many)
}

func (a *App) pickTestFields() {
	first := func(ok func(FieldData) bool) *FieldData {
		for i := range a.Fields {
			if ok(a.Fields[i]) {
				return &a.Fields[i]
			}
		}
		return nil
	}
	a.Required = first(func(f FieldData) bool { return f.Required })
	a.Invalid = first(func(f FieldData) bool { return f.Invalid != "" && f.Kind != Choice })
	a.Unique = first(func(f FieldData) bool { return f.Unique })
	a.Changed = first(func(f FieldData) bool { return !f.Relation })
	for _, f := range a.Fields {
		if f.Kind == Choice {
			a.Choices = append(a.Choices, f)
		}
	}
	seen := map[string]bool{}
	for i, f := range a.Fields {
		if f.Relation && !f.Self && !seen[f.Target.Name] {
			seen[f.Target.Name] = true
			a.Targets = append(a.Targets, f.Target)
		}
		// An fk added later is left empty by the factory (factory), so
		// there is no object in use to protect.
		if f.Kind == FK && !f.Self && i < a.initial {
			a.Protected = append(a.Protected, f)
		}
	}
	slices.SortFunc(a.Targets, func(x, y Names) int { return strings.Compare(x.Name, y.Name) })
	own := imports{
		fromImport(a.Name+".tests.factories", a.Model+"Factory"): true,
		fromImport(a.Name+".models", a.Model):                    true,
	}
	for _, t := range a.Targets {
		own.add(fromImport(t.Name+".tests.factories", t.Model+"Factory"))
	}
	a.TestImports = importBlock(own, func(string) bool { return true })
}

// invalid is a value of the field's type that the API refuses, as a Python
// literal, or "" when every value of the JSON type is valid.
func (f Field) invalid() string {
	switch f.Kind {
	case Str:
		return fmt.Sprintf(`"x" * %d`, f.MaxLength+1)
	case Int, BigInt, Float, Decimal:
		return `"not a number"`
	case Bool:
		return `"maybe"`
	case Date:
		return `"2024-02-30"`
	case DateTime:
		return `"yesterday"`
	case Email:
		return `"not an email"`
	case URL:
		return `"not a url"`
	case UUID:
		return `"not-a-uuid"`
	case Slug:
		return `"not a slug!"`
	case Choice:
		// A value has no space; this one is none of the choices.
		return `"not a choice"`
	case FK:
		return `"http://testserver/api/no-such-link/"`
	case M2M:
		return `["http://testserver/api/no-such-link/"]`
	}
	return ""
}

// filterLookups are the django-filter lookups each type offers on list
// endpoints; a type missing here is not filtered.
var filterLookups = map[Kind][]string{
	Str: {"exact", "icontains"}, Email: {"exact", "icontains"}, Slug: {"exact"}, URL: {"exact"},
	Int: {"exact", "gte", "lte"}, BigInt: {"exact", "gte", "lte"}, Decimal: {"exact", "gte", "lte"},
	Float: {"gte", "lte"}, Bool: {"exact"}, Date: {"exact", "gte", "lte"}, DateTime: {"gte", "lte"},
	UUID: {"exact"}, Choice: {"exact", "in"}, FK: {"exact"}, M2M: {"exact"},
}

// searchableKinds are matched by ?search=; sortable ones by ?ordering=. A
// choice field is not sorted: the alphabetical order of its values means
// nothing.
var (
	searchableKinds = map[Kind]bool{Str: true, Text: true, Email: true, Slug: true}
	sortable        = map[Kind]bool{Str: true, Email: true, Slug: true, Int: true, BigInt: true, Decimal: true, Float: true, Date: true, DateTime: true}
)

func (a *App) viewDoc(ordering []string) string {
	var params []string
	for _, f := range a.Filters {
		for _, l := range f.Lookups {
			if l == "exact" {
				params = append(params, "`?"+f.Field+"=`")
			} else {
				params = append(params, "`?"+f.Field+"__"+l+"=`")
			}
		}
	}
	doc := "Filter with " + andList(params)
	if len(a.search) > 0 {
		words := make([]string, len(a.search))
		for i, s := range a.search {
			words[i] = strings.ReplaceAll(s, "_", " ")
		}
		doc += "; search " + andList(words) + " with `?search=`"
	}
	return doc + "; sort with `?ordering=` (" + orList(ordering) + ", `-` for descending)."
}

func andList(items []string) string { return joinLast(items, " and ") }
func orList(items []string) string  { return joinLast(items, " or ") }

func joinLast(items []string, last string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

func words(name string) string { return strings.ReplaceAll(name, "_", " ") }

// pySample is a valid value of the field as a Python literal, for tests
// that send it to the API; variant 0 and 1 differ. Relations have none:
// their values are links to objects that the test creates.
func (f Field) pySample(variant int) string {
	switch v := f.Sample(variant).(type) {
	case nil:
		return ""
	case string:
		return `"` + v + `"`
	case bool:
		return pyBool(strconv.FormatBool(v))
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return pyFloat(v)
	case map[string]any:
		return fmt.Sprintf(`{"n": %d}`, v["n"])
	}
	return ""
}

// Sample is a valid value of the field as the API takes it in JSON, and
// gives it back; variant 0 and 1 differ. Relations have none.
func (f Field) Sample(variant int) any {
	n := int64(variant)
	switch f.Kind {
	case Str:
		s := fmt.Sprintf("%s %d", words(f.Name), n)
		if len(s) > f.MaxLength {
			s = strconv.FormatInt(n, 10)
		}
		return s
	case Text:
		return fmt.Sprintf("Some %s, number %d.", words(f.Name), n)
	case Int:
		return 10 + n
	case BigInt:
		return 9_000_000_000 + n // beyond 32 bits
	case Decimal:
		whole := "0"
		if f.MaxDigits > f.DecimalPlaces {
			whole = strconv.FormatInt(1+n, 10)
		}
		if f.DecimalPlaces == 0 {
			return whole
		}
		return whole + "." + strings.Repeat("5", f.DecimalPlaces)
	case Float:
		return 1.5 + float64(n)
	case Bool:
		return n%2 == 0
	case Date:
		return fmt.Sprintf("2024-01-%02d", 2+n)
	case DateTime:
		return fmt.Sprintf("2024-01-02T%02d:04:05Z", 3+n)
	case Email:
		return fmt.Sprintf("user%d@example.com", n)
	case URL:
		return fmt.Sprintf("https://example.com/%d", n)
	case UUID:
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n+1)
	case Slug:
		return fmt.Sprintf("%s-%d", strings.ReplaceAll(f.Name, "_", "-"), n)
	case JSON:
		return map[string]any{"n": n}
	case Choice:
		values := f.Values()
		return values[int(n)%len(values)]
	}
	return nil
}
