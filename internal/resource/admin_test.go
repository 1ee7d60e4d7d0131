package resource

import (
	"strings"
	"testing"
)

func TestAdmin(t *testing.T) {
	apps, err := Build([]Resource{
		{Name: "scores", Fields: mustFields(t, "value:int")},
		{Name: "authors", Fields: mustFields(t, "name:str")},
		{Name: "books", Fields: mustFields(t,
			"body:text", "title:str", "blurb:str:500", "meta:json:null", "site:url:null", "author:fk:authors",
			"score:fk:scores", "status:choice:a,b", "in_print:bool", "published:date", "at:datetime",
			"pages:int", "price:decimal:6,2", "tags:m2m:authors:null", "sequel:fk:books:null", "handle:slug", "email:email")},
	}, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	scores, books := apps[0], apps[2]
	for _, tt := range []struct{ got, want string }{
		// The name first, then at most six fields that fit a column.
		{books.AdminOptions, `    list_display = [
        "title",
        "author",
        "score",
        "status",
        "in_print",
        "published",
        "at",
        "created_at",
        "updated_at",
    ]
    list_filter = ["author", "score", "status", "in_print", "published", "at", "sequel"]
    search_fields = ["body", "title", "blurb", "handle", "email"]`},
		// Autocomplete needs search_fields on the target's admin; scores has none.
		{books.AdminRelations, `    autocomplete_fields = ["author", "tags", "sequel"]
    raw_id_fields = ["score"]`},
		{scores.AdminOptions, `    list_display = ["__str__", "value", "created_at", "updated_at"]`},
		{scores.AdminRelations, ""},
		// What the archived releases render stays as it was.
		{books.AdminListDisplay, `    list_display = ["title", "created_at", "updated_at"]`},
		{books.AdminRawIDFields, `    raw_id_fields = ["author", "score", "tags", "sequel"]`},
	} {
		if tt.got != tt.want {
			t.Errorf("got\n%s\nwant\n%s", tt.got, tt.want)
		}
	}
}

func TestFactoryValues(t *testing.T) {
	apps, err := Build([]Resource{{Name: "books", Fields: mustFields(t,
		"isbn:str:13:unique", "isbn10:str:10", "isbn_short:str:8", "phone:str:20", "title:str", "code:str:5",
		"tags:json:default=[]", "meta:json:default={}", "extra:json:null", "status:choice:draft,published",
		"price:decimal:4,2", "contact_email:email", "home:url")}}, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	a := apps[0]
	for _, want := range []string{
		`isbn = factory.Sequence(lambda n: f"978{n % 10**10:010d}")`,
		`isbn10 = factory.Sequence(lambda n: f"{n % 10**10:010d}")`,
		`isbn_short = factory.Sequence(lambda n: str(n % 10**8))`,
		`phone = factory.Sequence(lambda n: f"+1555{n % 10**7:07d}")`,
		`title = factory.Sequence(lambda n: f"Title {n}")`,
		`code = factory.Sequence(lambda n: str(n % 10**5))`,
		`tags = factory.Sequence(lambda n: [f"item {n}"])`,
		`meta = factory.Sequence(lambda n: {"n": n})`,
		`extra = factory.Sequence(lambda n: {"n": n})`,
		`status = factory.Iterator(Book.Status.values)`,
		`price = factory.Sequence(lambda n: Decimal(n % 10**4).scaleb(-2))`,
		`contact_email = factory.Sequence(lambda n: f"contact.email{n}@example.com")`,
		`home = factory.Sequence(lambda n: f"https://example.com/home/{n}")`,
	} {
		if !strings.Contains(a.FactoryBody+"\n", "    "+want+"\n") {
			t.Errorf("factory lacks %s:\n%s", want, a.FactoryBody)
		}
	}
	// The archived releases render the factory of then.
	for _, want := range []string{`isbn = factory.Sequence(lambda n: f"isbn {n}")`, `tags = factory.Sequence(lambda n: {"n": n})`} {
		if !strings.Contains(a.FactoryFields+"\n", "    "+want+"\n") {
			t.Errorf("legacy factory lacks %s:\n%s", want, a.FactoryFields)
		}
	}
}

// TestEveryFilterAndOrderingIsTested: the API tests check each lookup of
// every filter, and every field the list sorts by.
func TestEveryFilterAndOrderingIsTested(t *testing.T) {
	apps, err := Build([]Resource{
		{Name: "authors", Fields: mustFields(t, "name:str")},
		{Name: "books", Fields: mustFields(t, matrixBooks...)},
	}, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if len(a.FilterTests) != len(a.Filters) {
			t.Errorf("%s: %d filter tests for %d filters", a.Name, len(a.FilterTests), len(a.Filters))
		}
		for i, f := range a.Filters {
			test := a.FilterTests[i]
			for _, l := range f.Lookups {
				param := f.Field + "=" // exact
				if l != "exact" {
					param = f.Field + "__" + l + "="
				}
				if test.Field != f.Field || !strings.Contains(test.Body, "listed(auth_client, "+param) {
					t.Errorf("%s: the test of %s does not try %s:\n%s", a.Name, f.Field, l, test.Body)
				}
			}
		}
		start := strings.Index(a.OrderingFields, "[")
		for _, name := range strings.FieldsFunc(a.OrderingFields[start:], func(r rune) bool { return strings.ContainsRune("[]\", \n", r) }) {
			if !strings.Contains(a.OrderingTest, `"`+name+`"`) {
				t.Errorf("%s: ordering by %s is not tested:\n%s", a.Name, name, a.OrderingTest)
			}
		}
	}
}
