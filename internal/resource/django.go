package resource

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/djscaffold/scaffold/internal/marker"
)

// djangoClass is the model field class of each type.
var djangoClass = map[Kind]string{
	Str: "CharField", Text: "TextField", Int: "IntegerField", BigInt: "BigIntegerField",
	Decimal: "DecimalField", Float: "FloatField", Bool: "BooleanField", Date: "DateField",
	DateTime: "DateTimeField", Email: "EmailField", URL: "URLField", UUID: "UUIDField",
	Slug: "SlugField", JSON: "JSONField", Choice: "CharField", FK: "ForeignKey", M2M: "ManyToManyField",
}

// imports is a set of Python import statements, such as "import uuid" or
// "from decimal import Decimal".
type imports map[string]bool

func (im imports) add(lines ...string) {
	for _, l := range lines {
		im[l] = true
	}
}

// optional says how a field is made optional: strings by allowing blank
// values (and NULL too when unique, so that several rows may leave it
// empty), relations to many by allowing an empty list, the rest by NULL.
func (f Field) optional() (null, blank bool) {
	if !f.Null {
		return false, false
	}
	switch {
	case f.Kind == M2M:
		return false, true
	case f.isString() && !f.Unique:
		return false, true
	}
	return true, true
}

// modelDefault is the default as models.py writes it.
func (f Field) modelDefault(im imports) expr {
	d := f.Default
	switch f.Kind {
	case Str, Text, Email, URL, Slug:
		return pyStr(d)
	case Choice:
		return atom(f.ChoicesClass() + "." + member(d))
	case Decimal:
		im.add("from decimal import Decimal")
		return call{name: "Decimal", args: []expr{pyStr(d)}}
	case Bool:
		return atom(pyBool(d))
	case Date:
		im.add("from datetime import date")
		if d == "today" {
			return atom("date.today")
		}
		return call{name: "date", args: dateArgs(d)}
	case DateTime:
		im.add("from django.utils import timezone")
		return atom("timezone.now")
	case UUID:
		im.add("import uuid")
		return atom("uuid.uuid4")
	case JSON:
		// A callable, so that objects never share one dict or list.
		if d == "[]" {
			return atom("list")
		}
		return atom("dict")
	}
	return atom(d) // numbers
}

// migrationDefault is the default as makemigrations serializes it.
func (f Field) migrationDefault(im imports) expr {
	d := f.Default
	switch f.Kind {
	case Choice:
		// The migration writer serializes a choices member as its value.
		return pyStr(d)
	case Date:
		im.add("import datetime")
		if d == "today" {
			return atom("datetime.date.today")
		}
		return call{name: "datetime.date", args: dateArgs(d)}
	case DateTime:
		im.add("import django.utils.timezone")
		return atom("django.utils.timezone.now")
	}
	return f.modelDefault(im)
}

func pyBool(s string) string {
	if s == "true" {
		return "True"
	}
	return "False"
}

func dateArgs(d string) []expr {
	parts := strings.Split(d, "-")
	out := make([]expr, len(parts))
	for i, p := range parts {
		n, _ := strconv.Atoi(p)
		out[i] = atom(strconv.Itoa(n))
	}
	return out
}

// ModelField is the field's declaration in models.py, laid out at the
// class body's indentation.
func (f Field) modelField(related string, target Names, im imports) string {
	var args []expr
	switch f.Kind {
	case Str:
		args = append(args, kw{"max_length", atom(strconv.Itoa(f.MaxLength))})
	case Choice:
		// Django 5.0 and later take the choices class itself.
		args = append(args, kw{"max_length", atom(strconv.Itoa(f.choiceLength()))}, kw{"choices", atom(f.ChoicesClass())})
	case Decimal:
		args = append(args, kw{"max_digits", atom(strconv.Itoa(f.MaxDigits))}, kw{"decimal_places", atom(strconv.Itoa(f.DecimalPlaces))})
	case FK, M2M:
		ref := pyStr(target.Name + "." + target.Model)
		if target.Name == "" {
			ref = pyStr("self")
		}
		args = append(args, ref)
		if f.Kind == FK {
			// PROTECT: deleting an object that others point to is refused
			// rather than deleting them too, or leaving them dangling.
			args = append(args, kw{"on_delete", atom("models.PROTECT")})
		}
		if related != "" {
			args = append(args, kw{"related_name", pyStr(related)})
		}
	}
	if f.Unique {
		args = append(args, kw{"unique", atom("True")})
	}
	null, blank := f.optional()
	if null {
		args = append(args, kw{"null", atom("True")})
	}
	if blank {
		args = append(args, kw{"blank", atom("True")})
	}
	if f.Index {
		args = append(args, kw{"db_index", atom("True")})
	}
	switch {
	case f.HasDefault:
		args = append(args, kw{"default", f.modelDefault(im)})
	case f.Kind == Bool && !f.Null:
		args = append(args, kw{"default", atom("False")})
	}
	return statement(f.Name, call{name: "models." + djangoClass[f.Kind], args: args}, 4, ProjectLineLength)
}

// migrationField is the field as makemigrations writes it in a CreateModel
// operation: the field's deconstructed keyword arguments in name order,
// without those that equal the field class's own defaults.
func (f Field) migrationField(related string, target Names, im imports) expr {
	kwargs := map[string]expr{}
	switch f.Kind {
	case Str:
		kwargs["max_length"] = atom(strconv.Itoa(f.MaxLength))
	case Email:
		// EmailField keeps its default length in migrations, so that a
		// future default can change it.
		kwargs["max_length"] = atom("254")
	case Choice:
		kwargs["max_length"] = atom(strconv.Itoa(f.choiceLength()))
		kwargs["choices"] = f.migrationChoices()
	case Decimal:
		kwargs["max_digits"] = atom(strconv.Itoa(f.MaxDigits))
		kwargs["decimal_places"] = atom(strconv.Itoa(f.DecimalPlaces))
	case FK, M2M:
		kwargs["to"] = pyStr(target.Label())
		if related != "" {
			kwargs["related_name"] = pyStr(related)
		}
		if f.Kind == FK {
			im.add("import django.db.models.deletion")
			kwargs["on_delete"] = atom("django.db.models.deletion.PROTECT")
		}
	}
	if f.Unique {
		kwargs["unique"] = atom("True")
	}
	null, blank := f.optional()
	if null {
		kwargs["null"] = atom("True")
	}
	if blank {
		kwargs["blank"] = atom("True")
	}
	if f.Index {
		kwargs["db_index"] = atom("True")
	}
	switch {
	case f.HasDefault:
		kwargs["default"] = f.migrationDefault(im)
	case f.Kind == Bool && !f.Null:
		kwargs["default"] = atom("False")
	}
	keys := make([]string, 0, len(kwargs))
	for k := range kwargs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	args := make([]expr, len(keys))
	for i, k := range keys {
		args[i] = kw{k, kwargs[k]}
	}
	return tuple(pyStr(f.Name), call{name: "models." + djangoClass[f.Kind], args: args})
}

// importBlock lays out import statements as Ruff's isort does: the standard
// library, third-party packages, the project's own apps and the app's own
// modules, a blank line between them; in each, plain imports before
// from-imports, each sorted by module.
func importBlock(im imports, firstParty func(module string) bool) string {
	sections := make([][]string, 4)
	for line := range im {
		module := strings.Fields(line)[1]
		top, _, _ := strings.Cut(module, ".")
		i := 1
		switch {
		case strings.HasPrefix(module, "."):
			i = 3
		case stdlib[top]:
			i = 0
		case firstParty(top):
			i = 2
		}
		sections[i] = append(sections[i], line)
	}
	var blocks []string
	for _, lines := range sections {
		if len(lines) == 0 {
			continue
		}
		slices.SortFunc(lines, compareImports)
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	return strings.Join(blocks, "\n\n")
}

// compareImports orders plain imports before from-imports, then by module.
func compareImports(a, b string) int {
	fa, fb := strings.HasPrefix(a, "from "), strings.HasPrefix(b, "from ")
	switch {
	case fa == fb:
		return marker.Compare(strings.Fields(a)[1], strings.Fields(b)[1])
	case fb:
		return -1
	}
	return 1
}

// stdlib lists the standard library modules generated code imports.
var stdlib = map[string]bool{"datetime": true, "decimal": true, "uuid": true}

// fromImport merges names imported from one module into one statement,
// ordered as isort orders them: constants, classes, then the rest.
func fromImport(module string, names ...string) string {
	names = slices.Compact(slices.SortedFunc(slices.Values(names), func(a, b string) int {
		ka, kb := nameClass(a), nameClass(b)
		if ka != kb {
			return ka - kb
		}
		return strings.Compare(a, b)
	}))
	return fmt.Sprintf("from %s import %s", module, strings.Join(names, ", "))
}

func nameClass(name string) int {
	switch {
	case len(name) > 1 && strings.ToUpper(name) == name:
		return 0
	case name[:1] == strings.ToUpper(name[:1]):
		return 1
	}
	return 2
}
