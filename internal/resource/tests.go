package resource

import (
	"fmt"
	"slices"
	"strings"
)

// bodyWidth is the width of a test function's body, indented once.
const bodyWidth = ProjectLineLength - 4

// FilterTest is the test of one field's filters in the resource's API
// tests: Body is the test function's body, at its indentation.
type FilterTest struct {
	Field string
	Body  string
}

// tests makes the API tests of every filter and of every field the list
// sorts by.
func (a *App) tests(ordering []string) {
	for _, f := range a.fields {
		if lookups := filterLookups[f.Kind]; len(lookups) > 0 {
			a.FilterTests = append(a.FilterTests, FilterTest{Field: f.Name, Body: a.filterTest(f, lookups)})
		}
	}
	createdAt := Field{Name: "created_at", Kind: DateTime}
	a.FilterTests = append(a.FilterTests, FilterTest{Field: "created_at", Body: a.filterTest(createdAt, []string{"gte", "lte"})})
	a.OrderingTest = a.orderingTest(ordering)
}

// filterTest is the body of the test of one field's lookups: it creates
// objects that differ in the field, and checks that each lookup lists the
// right ones.
func (a *App) filterTest(f Field, lookups []string) string {
	factory := a.Model + "Factory"
	name := f.Name
	var setup, checks []string
	check := func(lookup, value, want string) {
		param := name
		if lookup != "exact" {
			param += "__" + lookup
		}
		checks = append(checks, checkListed(param, value, want))
	}
	switch {
	case f.Kind == M2M:
		linked := a.targets[f.Name].Model + "Factory"
		if f.Target == a.Name {
			linked = factory
		}
		setup = []string{"linked = " + linked + "()", a.made("wanted", factory, kw{name, atom("[linked]")}), a.made("", factory)}
		check("exact", "linked.pk", "[wanted.pk]")
	case f.Kind == FK && (f.Target == a.Name || a.addedLater(f.Name)):
		// The factory leaves these empty: the test links an object itself.
		target := a.targets[f.Name].Model + "Factory"
		if f.Target == a.Name {
			target = factory
		}
		setup = []string{"target = " + target + "()", a.made("wanted", factory, kw{name, atom("target")}), a.made("", factory)}
		check("exact", "target.pk", "[wanted.pk]")
	case f.Kind == FK:
		setup = []string{a.made("wanted, _", factory+".create_batch", atom("2"))}
		check("exact", "wanted."+name+".pk", "[wanted.pk]")
	case slices.Contains(lookups, "gte"):
		// Sorted, so that the check does not rely on the factory's order.
		setup = []string{statement("low, high", call{name: "sorted", args: []expr{
			a.listedBy(factory+".create_batch", atom("2")), kw{"key", atom("lambda obj: obj." + name)},
		}}, 0, bodyWidth)}
		value := func(obj string) string {
			if f.Kind == DateTime {
				return obj + "." + name + ".isoformat()"
			}
			return obj + "." + name
		}
		for _, l := range lookups {
			switch l {
			case "exact", "lte":
				check(l, value("low"), "[low.pk]")
			case "gte":
				check(l, value("high"), "[high.pk]")
			}
		}
	default:
		objects := "wanted, _"
		if slices.Contains(lookups, "in") {
			objects = "wanted, other"
		}
		setup = []string{a.made(objects, factory+".create_batch", atom("2"))}
		for _, l := range lookups {
			switch l {
			case "exact":
				check(l, "wanted."+name, "[wanted.pk]")
			case "icontains":
				check(l, "wanted."+name+".upper()", "[wanted.pk]")
			case "in":
				both := fmt.Sprintf(`both = f"{wanted.%s},{other.%s}"`, name, name)
				if len(both) > bodyWidth {
					both = fmt.Sprintf(`both = ",".join(obj.%s for obj in [wanted, other])`, name)
				}
				setup = append(setup, both)
				// The list is newest first.
				check(l, "both", "[other.pk, wanted.pk]")
			}
		}
	}
	return indent(setup) + "\n\n" + indent(checks)
}

// checkListed asserts that the list shows want for param=value, on one
// line if it fits, else with the list in a variable, laid out as Ruff
// formats it.
func checkListed(param, value, want string) string {
	listed := call{name: "listed", args: []expr{atom("auth_client"), kw{param, atom(value)}}}
	if line := "assert " + listed.flat() + " == " + want; len(line) <= bodyWidth {
		return line
	}
	return statement("found", listed, 0, bodyWidth) + "\nassert found == " + want
}

// orderingTest tests every field the list sorts by, both ways.
func (a *App) orderingTest(fields []string) string {
	decorator := layout(call{name: "@pytest.mark.parametrize", args: []expr{pyStr("field"), list(strs(fields)...)}}, 0, "", "", ProjectLineLength)
	return strings.Join(decorator, "\n") + `
def test_ordering(auth_client, ` + a.userParam() + `field):
    objects = ` + a.listedBy(a.Model+"Factory.create_batch", atom("3")).flat() + `
    ascending = [obj.pk for obj in sorted(objects, key=lambda obj: getattr(obj, field))]

    assert listed(auth_client, ordering=field) == ascending
    assert listed(auth_client, ordering=f"-{field}") == ascending[::-1]`
}

// indent puts lines, each of which may hold several, into a function body.
func indent(lines []string) string {
	return "    " + strings.ReplaceAll(strings.Join(lines, "\n"), "\n", "\n    ")
}

// listedBy calls a factory for objects that the list shows: an owned
// resource's list shows only the signed-in user's own, so they are the
// user's.
func (a *App) listedBy(factory string, args ...expr) call {
	if a.Owner {
		args = append(args, kw{"owner", atom("user")})
	}
	return call{name: factory, args: args}
}

// made is a statement that makes objects for the list with listedBy,
// assigned to names unless they are "".
func (a *App) made(names, factory string, args ...expr) string {
	c := a.listedBy(factory, args...)
	if names == "" {
		return strings.Join(layout(c, 0, "", "", bodyWidth), "\n")
	}
	return statement(names, c, 0, bodyWidth)
}

// userParam is the user fixture among a test's parameters, for an owned
// resource's tests, which make objects of the signed-in user.
func (a *App) userParam() string {
	if a.Owner {
		return "user, "
	}
	return ""
}

// addedLater tells a field that `scaffold add field` added.
func (a *App) addedLater(name string) bool {
	return slices.ContainsFunc(a.fields[a.initial:], func(f Field) bool { return f.Name == name })
}
