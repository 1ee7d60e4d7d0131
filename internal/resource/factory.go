package resource

import (
	"fmt"
	"strings"
)

// factoryValues gathers what a factory's values import.
type factoryValues struct {
	im       imports
	datetime []string // names imported from datetime
}

// factory makes the factory_boy factory of the resource, with the values
// that value gives, as declare lays them out: its import block, its
// declarations, and whether it has post-generation hooks. An fk gets an
// object of its own, an m2m the objects a test passes. With owner (today's
// templates), an owned resource's objects get an owner of their own, whom
// the OwnerFactory after the imports makes.
func (a *App) factory(value func(Field, *factoryValues) string, declare func(name, value string) string, owner bool) (header, body string, hooks bool) {
	fv := factoryValues{im: imports{"import factory": true, fromImport(a.Name+".models", a.Model): true}}
	var lines []string
	owner = owner && a.Owner
	if owner {
		fv.im.add("from django.conf import settings")
		lines = append(lines, "    owner = factory.SubFactory(OwnerFactory)")
	}
	var post []string
	for i, f := range a.fields {
		switch {
		case f.Kind == M2M:
			post = append(post, "",
				"    @factory.post_generation",
				fmt.Sprintf("    def %s(self, create, extracted, **kwargs):", f.Name),
				"        if create and extracted:",
				fmt.Sprintf("            self.%s.set(extracted)", f.Name))
		case f.Kind == FK && f.Target == a.Name:
			// Optional, and a factory of its own kind would never end.
		case f.Kind == FK && i >= a.initial:
			// Added later, so optional, and maybe the way two resources point
			// to each other: factories that made each other's objects would
			// never end.
		default:
			lines = append(lines, declare(f.Name, value(f, &fv)))
		}
	}
	if len(fv.datetime) > 0 {
		fv.im.add(fromImport("datetime", fv.datetime...))
	}
	header = importBlock(fv.im, func(module string) bool { return module == a.Name })
	if owner {
		header += a.ownerFactory()
	}
	return header, strings.Join(append(lines, post...), "\n"), len(post) > 0
}

// factoryValue is a factory_boy declaration of realistic values of the
// field, by type and name, distinct from one object to the next, as unique
// fields need, and increasing, so that sorting tests can tell them apart.
func (a *App) factoryValue(f Field, fv *factoryValues) string {
	switch f.Kind {
	case Str:
		return strSequence(f)
	case Text:
		return fmt.Sprintf(`factory.Sequence(lambda n: f"Some %s, number {n}.")`, words(f.Name))
	case Slug:
		return fmt.Sprintf(`factory.Sequence(lambda n: f"%s-{n}")`, dashed(f.Name))
	case Email:
		return fmt.Sprintf(`factory.Sequence(lambda n: f"%s{n}@example.com")`, strings.ReplaceAll(f.Name, "_", "."))
	case URL:
		return fmt.Sprintf(`factory.Sequence(lambda n: f"https://example.com/%s/{n}")`, dashed(f.Name))
	case Int, BigInt:
		return "factory.Sequence(lambda n: n)"
	case Decimal:
		// Within the field's digits: n cycles through every value they hold.
		fv.im.add("from decimal import Decimal")
		return fmt.Sprintf("factory.Sequence(lambda n: Decimal(n %% 10**%d).scaleb(-%d))", f.MaxDigits, f.DecimalPlaces)
	case Float:
		return "factory.Sequence(lambda n: n / 4)"
	case Bool:
		return "factory.Sequence(lambda n: n % 2 == 0)"
	case Date:
		fv.datetime = append(fv.datetime, "date", "timedelta")
		return "factory.Sequence(lambda n: date(2024, 1, 1) + timedelta(days=n))"
	case DateTime:
		fv.datetime = append(fv.datetime, "UTC", "datetime", "timedelta")
		return "factory.Sequence(lambda n: datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n))"
	case UUID:
		fv.im.add("import uuid")
		return "factory.LazyFunction(uuid.uuid4)"
	case JSON:
		// The shape of the default, which code reading the field expects.
		if f.Default == "[]" {
			return `factory.Sequence(lambda n: [f"item {n}"])`
		}
		return `factory.Sequence(lambda n: {"n": n})`
	case Choice:
		// Each value in turn, so that two objects in a row differ.
		return fmt.Sprintf("factory.Iterator(%s.%s.values)", a.Model, f.ChoicesClass())
	case FK:
		t := a.targets[f.Name]
		return fmt.Sprintf(`factory.SubFactory("%s.tests.factories.%sFactory")`, t.Name, t.Model)
	}
	return "None"
}

// declareFactoryValue lays out `name = value` in the factory's class body
// as Ruff does: every value is a call of one argument, such as
// factory.Sequence(lambda n: ...), which a long line splits around.
func declareFactoryValue(name, value string) string {
	open := strings.Index(value, "(")
	v := call{name: value[:open], args: []expr{atom(value[open+1 : len(value)-1])}}
	return statement(name, v, 4, ProjectLineLength)
}

func dashed(name string) string { return strings.ReplaceAll(name, "_", "-") }

// strSequence is a sequence of distinct strings that fit in the field: a
// value of the form its name says, the name and a number, or digits.
func strSequence(f Field) string {
	if nf, ok := f.namedFormat(); ok {
		return fmt.Sprintf(`factory.Sequence(lambda n: f"%s")`, nf.python)
	}
	if len(words(f.Name))+8 <= f.MaxLength {
		name := words(f.Name)
		return fmt.Sprintf(`factory.Sequence(lambda n: f"%s {n}")`, strings.ToUpper(name[:1])+name[1:])
	}
	return fmt.Sprintf(`factory.Sequence(lambda n: str(n %% 10**%d))`, min(f.MaxLength, 18))
}

// stringFormat is the form of the values of a str field whose name says
// what it holds, each the same length.
type stringFormat struct {
	word   string // in the field's name
	length int    // the length of every value, which the field must hold
	python string // an f-string body of n
	format string // the same, for fmt, of n modulo 10**digits
	digits int
}

// stringFormats are the forms that str fields take by name, the longest
// first: an ISBN-13 or ISBN-10 of digits, an international phone number.
var stringFormats = []stringFormat{
	{"isbn", 13, "978{n % 10**10:010d}", "978%010d", 10},
	{"isbn", 10, "{n % 10**10:010d}", "%010d", 10},
	{"phone", 12, "+1555{n % 10**7:07d}", "+1555%07d", 7},
}

func (f Field) namedFormat() (stringFormat, bool) {
	for _, sf := range stringFormats {
		if strings.Contains(f.Name, sf.word) && f.MaxLength >= sf.length {
			return sf, true
		}
	}
	return stringFormat{}, false
}

// ownerFactory declares the factory of an owned resource's owners, after
// the factory module's imports: users with usernames of their own.
func (a *App) ownerFactory() string {
	return `


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL

    username = factory.Sequence(lambda n: f"` + a.OwnerUsername + `{n}")`
}
