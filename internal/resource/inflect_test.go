package resource

import (
	"strings"
	"testing"
)

func TestSingular(t *testing.T) {
	for plural, want := range map[string]string{
		"items": "item", "blog_posts": "blog_post", "people": "person", "children": "child",
		"news": "news", "series": "series", "species": "species", "status": "status",
		"statuses": "status", "analysis": "analysis", "analyses": "analysis", "address": "address",
		"addresses": "address", "box": "box", "boxes": "box", "category": "category",
		"categories": "category", "quizzes": "quiz", "quiz": "quiz", "men": "man", "women": "woman",
		"mice": "mouse", "geese": "goose", "feet": "foot", "teeth": "tooth", "oxen": "ox",
		"indices": "index", "indexes": "index", "vertices": "vertex", "matrices": "matrix",
		"criteria": "criterion", "phenomena": "phenomenon", "theses": "thesis", "crises": "crisis",
		"diagnoses": "diagnosis", "hypotheses": "hypothesis", "axes": "axis", "data": "data",
		"media": "media", "metadata": "metadata", "equipment": "equipment", "information": "information",
		"feedback": "feedback", "sheep": "sheep", "fish": "fish", "movies": "movie",
		"cookies": "cookie", "calories": "calorie", "leaves": "leaf", "lives": "life",
		"knives": "knife", "wives": "wife", "wolves": "wolf", "shelves": "shelf",
		"archives": "archive", "objectives": "objective", "wishes": "wish", "matches": "match",
		"branches": "branch", "caches": "cache", "buses": "bus", "bonuses": "bonus",
		"campuses": "campus", "viruses": "virus", "houses": "house", "warehouses": "warehouse",
		"courses": "course", "databases": "database", "releases": "release", "responses": "response",
		"licenses": "license", "cases": "case", "heroes": "hero", "potatoes": "potato",
		"shoes": "shoe", "toes": "toe", "classes": "class", "processes": "process",
		"businesses": "business", "taxes": "tax", "buzzes": "buzz", "aliases": "alias",
		"gases": "gas", "invoices": "invoice", "prices": "price", "devices": "device",
		"settings": "setting", "order_items": "order_item", "user_addresses": "user_address",
		"product_categories": "product_category", "sales_people": "sales_person",
		"days": "day", "keys": "key", "toys": "toy", "ties": "tie", "canvas": "canvas",
		"lenses": "lens", "physics": "physics", "s": "s", "x": "x",
	} {
		if got := Singular(plural); got != want {
			t.Errorf("Singular(%q) = %q, want %q", plural, got, want)
		}
	}
}

func TestModelNames(t *testing.T) {
	for _, tc := range []struct {
		r    Resource
		want Names
	}{
		{Resource{Name: "people"}, Names{Name: "people", Model: "Person", Verbose: "person", VerbosePlural: "people"}},
		{Resource{Name: "news"}, Names{Name: "news", Model: "News", Verbose: "news", VerbosePlural: "news"}},
		// An answers file of scaffold 1.2.0 records no model: its resources
		// keep the models it gave them.
		{Resource{Name: "news", Model: LegacyModel("news")}, Names{Name: "news", Model: "New", Verbose: "new", VerbosePlural: "news"}},
		{Resource{Name: "people", Model: LegacyModel("people")}, Names{Name: "people", Model: "People", Verbose: "people", VerbosePlural: "people"}},
		{Resource{Name: "people", Model: "HumanBeing"}, Names{Name: "people", Model: "HumanBeing", Verbose: "human being", VerbosePlural: "people"}},
		{Resource{Name: "logs", Model: "HTTPLog"}, Names{Name: "logs", Model: "HTTPLog", Verbose: "http log", VerbosePlural: "logs"}},
	} {
		if got := tc.r.Names(); got != tc.want {
			t.Errorf("%+v.Names() = %+v, want %+v", tc.r, got, tc.want)
		}
	}
}

// The resources of existing goldens and releases keep their models.
func TestLegacyModelsOfRegularWords(t *testing.T) {
	for _, name := range []string{"items", "blog_posts", "books", "authors", "tags", "categories", "boxes", "status", "products", "teams", "addresses", "analysis"} {
		if got, legacy := namesOf(name).Model, LegacyModel(name); got != legacy {
			t.Errorf("%s: model %s, but %s before", name, got, legacy)
		}
	}
}

func TestValidateModel(t *testing.T) {
	for _, ok := range []string{"Person", "BlogPost", "HTTPLog", "Item2"} {
		if err := ValidateModel("x", ok); err != nil {
			t.Errorf("ValidateModel(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "person", "Blog_Post", "Blog-Post", "None", "True", "Decimal", "Über", "A234567890123456789012345678901234567890123456789012345678901234"} {
		if err := ValidateModel("x", bad); err == nil {
			t.Errorf("ValidateModel(%q) = nil, want an error", bad)
		}
	}
	if err := Check([]Resource{{Name: "people", Fields: DefaultFields()}, {Name: "persons", Fields: DefaultFields()}}, Postgres); err == nil {
		t.Error("two resources with the model Person: no error")
	}
}

// A resource whose table an earlier release made gets the ordering index
// in a second migration, as makemigrations writes it when Meta.indexes
// gains the index; its initial migration stays as it was.
func TestLateIndexComesInASecondMigration(t *testing.T) {
	apps, err := Build([]Resource{{Name: "items", Fields: DefaultFields(), LateIndex: true}, {Name: "notes", Fields: DefaultFields()}}, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	items, notes := apps[0], apps[1]
	if items.InitialMigration != items.Migration {
		t.Errorf("the initial migration changed:\n%s", items.InitialMigration)
	}
	if items.Indexes != "" {
		t.Errorf("a resource an earlier release made gets no ordering index: %s", items.Indexes)
	}
	if !strings.Contains(notes.InitialMigration, `name="notes_note_created_`) {
		t.Errorf("a new resource's index belongs in its initial migration:\n%s", notes.InitialMigration)
	}
}

// A resource that an earlier release made gets no migration of an index:
// the migrations of fields added later follow its initial one.
func TestStepsOfAnOldResourceFollowItsInitialMigration(t *testing.T) {
	added, err := ParseFields([]string{"isbn:str:13:null"})
	if err != nil {
		t.Fatal(err)
	}
	apps, err := Build([]Resource{{Name: "books", Fields: DefaultFields(), LateIndex: true, Added: []Batch{{Fields: added, Order: 1}}}}, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	steps := apps[0].Steps
	if len(steps) != 1 || steps[0].Name != "0002_book_isbn" || !strings.Contains(steps[0].Code, `("books", "0001_initial")`) {
		t.Errorf("steps: %+v", steps)
	}
}
