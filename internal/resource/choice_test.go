package resource

import (
	"errors"
	"strings"
	"testing"
)

func TestChoiceSpecs(t *testing.T) {
	for spec, want := range map[string]Field{
		"status:choice:draft,published,archived": {Name: "status", Kind: Choice, Choices: "draft,published,archived"},
		"status:choice:draft,published:null:index:default=draft": {
			Name: "status", Kind: Choice, Choices: "draft,published", Null: true, Index: true, Default: "draft", HasDefault: true,
		},
		"size:choice:s,m,xl_2": {Name: "size", Kind: Choice, Choices: "s,m,xl_2"},
	} {
		f, err := parseField(spec)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if f != want {
			t.Errorf("%s: %+v, want %+v", spec, f, want)
		}
		again, err := parseField(f.String())
		if err != nil || again != f {
			t.Errorf("%s: String() = %q reads back as %+v, %v", spec, f.String(), again, err)
		}
	}
}

func TestBadChoiceSpecs(t *testing.T) {
	tests := map[string]string{
		"status:choice":                                    "needs its values, such as status:choice:draft,published",
		"status:choice:null":                               "needs its values",
		"status:choice:draft":                              "at least 2 values",
		"status:choice:draft,draft":                        `"draft" is given twice`,
		"status:choice:draft,,published":                   "a choice value is empty",
		"status:choice:draft,":                             "a choice value is empty",
		"status:choice:Draft,published":                    `"Draft" is not a lowercase identifier`,
		"status:choice:in-review,done":                     `"in-review" is not a lowercase identifier`,
		"status:choice:1st,2nd":                            `"1st" is not a lowercase identifier`,
		"status:choice:a__b,c":                             `"a__b" is not a lowercase identifier`,
		"status:choice:draft,published:default=x":          `the default "x" is not one of the choices draft, published`,
		"status:choice:draft,published:default=":           `the default "" is not one of the choices`,
		"status:choice:draft,published:unique":             "cannot be unique",
		"status:choice:" + strings.Repeat("a", 51) + ",b":  "use at most 50",
		"status:choice:" + strings.Repeat("a,", 100) + "b": "is given twice",
	}
	for spec, want := range tests {
		_, err := parseField(spec)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: err = %v, want an *Error", spec, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q, want one line mentioning %q", spec, msg, want)
		}
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = "v" + strings.Repeat("x", i%10) + string(rune('a'+i/10))
	}
	if _, err := parseField("n:choice:" + strings.Join(many, ",")); err == nil || !strings.Contains(err.Error(), "at most 100 values") {
		t.Errorf("101 values: %v", err)
	}
}

func TestChoiceClassesDoNotClash(t *testing.T) {
	for specs, want := range map[[2]string]string{
		{"meta:choice:a,b", "x:int"}:              "would be Meta",
		{"a_1:choice:a,b", "a1:choice:c,d"}:       "would be A1, the class of a_1 already",
		{"status:choice:a,b", "status2:str"}:      "",
		{"kind:choice:a,b", "kind_of:choice:a,b"}: "",
	} {
		_, err := ParseFields(specs[:])
		switch {
		case want == "" && err != nil:
			t.Errorf("%v: %v", specs, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%v: %v, want %q", specs, err, want)
		}
	}
}

func TestChoiceModelAndMigration(t *testing.T) {
	apps, err := Build([]Resource{{Name: "posts", Fields: mustFields(t,
		"title:str", "status:choice:draft,in_review,published:default=draft", "mood:choice:calm,stormy:null:index")}}, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	a := apps[0]
	wantClasses := `    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"

    class Mood(models.TextChoices):
        CALM = "calm", "Calm"
        STORMY = "stormy", "Stormy"`
	if a.ModelChoices != wantClasses {
		t.Errorf("choices classes:\n%s\nwant\n%s", a.ModelChoices, wantClasses)
	}
	for _, want := range []string{
		`    status = models.CharField(max_length=9, choices=Status, default=Status.DRAFT)`,
		`    mood = models.CharField(max_length=6, choices=Mood, blank=True, db_index=True)`,
	} {
		if !strings.Contains(a.ModelFields, want+"\n") && !strings.HasSuffix(a.ModelFields, want) {
			t.Errorf("model fields lack %q:\n%s", want, a.ModelFields)
		}
	}
	for _, want := range []string{
		`                        choices=[
                            ("draft", "Draft"),
                            ("in_review", "In review"),
                            ("published", "Published"),
                        ],
                        default="draft",
                        max_length=9,`,
		`choices=[("calm", "Calm"), ("stormy", "Stormy")],`,
	} {
		if !strings.Contains(a.Migration, want) {
			t.Errorf("migration lacks %q:\n%s", want, a.Migration)
		}
	}
	if got := a.Filters[1]; got.Field != "status" || got.LookupList() != `["exact", "in"]` {
		t.Errorf("status filter %+v", got)
	}
	if strings.Contains(a.OrderingFields, "status") {
		t.Errorf("a choice field is sorted: %s", a.OrderingFields)
	}
	if len(a.Choices) != 2 || a.Choices[0].Invalid != `"not a choice"` || a.Invalid == nil || a.Invalid.Name != "title" {
		t.Errorf("the invalid-value tests: choices %+v, invalid %+v", a.Choices, a.Invalid)
	}
	if fd := a.Fields[1]; strings.Join(fd.Choices, ",") != "draft,in_review,published" || fd.ChoicesClass != "Status" {
		t.Errorf("templates see the choices %v of class %q", fd.Choices, fd.ChoicesClass)
	}
	if got := a.Fields[1].Sample; got != `"draft"` || a.Fields[1].Other != `"in_review"` {
		t.Errorf("samples %s, %s", got, a.Fields[1].Other)
	}
}

// TestEnumNames names each set of choices once, after the first field that
// uses it, whatever the order of its values, and never twice the same name.
func TestEnumNames(t *testing.T) {
	apps, err := Build([]Resource{
		{Name: "books", Fields: mustFields(t, "status:choice:draft,published", "state:choice:published,draft", "status_x:choice:g,h")},
		{Name: "tags", Fields: mustFields(t, "status:choice:draft,published", "kind:choice:a,b")},
		{Name: "book_status", Fields: mustFields(t, "x:choice:c,d")},
	}, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range apps {
		for _, e := range a.EnumNames {
			got = append(got, e.Name+"="+e.Path)
		}
	}
	want := "BookStatusEnum=books.models.Book.Status BookStatusXEnum=books.models.Book.StatusX " +
		"TagKindEnum=tags.models.Tag.Kind BookStatusX2Enum=book_status.models.BookStatus.X"
	if strings.Join(got, " ") != want {
		t.Errorf("enum names\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}
