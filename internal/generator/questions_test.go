package generator

import (
	"strings"
	"testing"
)

// TestQuestionsAreComplete keeps every entry of the table usable by flags,
// prompts, the summary, the answers file and the templates.
func TestQuestionsAreComplete(t *testing.T) {
	derived, err := newData(DefaultOptions(), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	keys, fields, flags := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i, q := range Questions() {
		switch {
		case q.Key == "" || keys[q.Key]:
			t.Errorf("question %d: key %q is empty or taken", i, q.Key)
		case q.Field == "" || fields[q.Field]:
			t.Errorf("%s: template field %q is empty or taken", q.Key, q.Field)
		case q.Title == "" || q.Prompt == "" || q.Help == "" || strings.Contains(q.Help, "\n"):
			t.Errorf("%s: want a title, a prompt, and one line of help", q.Key)
		case i > 0 && (q.Flag == "" || q.Usage == "" || flags[q.Flag]):
			t.Errorf("%s: flag %q is missing, taken or without usage", q.Key, q.Flag)
		case q.Kind == KindChoice && (len(q.Values) == 0 || q.Default == nil):
			t.Errorf("%s: a choice needs values and a default", q.Key)
		}
		keys[q.Key], fields[q.Field], flags[q.Flag] = true, true, true
		if _, ok := derived[q.Field]; !ok {
			t.Errorf("%s: the template data has no .%s", q.Key, q.Field)
		}
	}
	o := DefaultOptions()
	o.Name = "myapi"
	if err := o.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
}

func TestAQuestionWithoutAFieldKeepsItsAnswerInMore(t *testing.T) {
	q := Question{Key: "timezone", Field: "TimeZone", Default: "UTC"}
	o := DefaultOptions()
	q.Set(&o, "Europe/Paris")
	c := o.Clone()
	q.Set(&c, "UTC")
	if q.Get(o) != "Europe/Paris" || q.Get(c) != "UTC" {
		t.Errorf("Get = %v and %v; want the answers kept apart in each copy", q.Get(o), q.Get(c))
	}
}

// TestTwinsFollowTheAnswers: each value of a choice question with a Twin
// has a true-or-false twin in the template data, true for that answer
// alone, and named unlike every other field.
func TestTwinsFollowTheAnswers(t *testing.T) {
	names := map[string]string{}
	for _, q := range Questions() {
		names[q.Field] = q.Key
	}
	for _, q := range Questions() {
		twins := q.Twins()
		if q.twin != "" && len(twins) == 0 {
			t.Errorf("%s: a twin on a question without choices", q.Key)
		}
		for value, twin := range twins {
			if other, taken := names[twin]; taken {
				t.Errorf("%s=%s: twin .%s is taken by %s", q.Key, value, twin, other)
			}
			names[twin] = q.Key
			o := DefaultOptions()
			o.Name = "myapi"
			q.Set(&o, value)
			d, err := newData(o, fixedRand())
			if err != nil {
				t.Fatal(err)
			}
			for v, other := range twins {
				if d[other] != (v == value) {
					t.Errorf("%s=%s: .%s = %v", q.Key, value, other, d[other])
				}
			}
		}
	}
	for _, twin := range []string{"Postgres", "MySQL", "SQLite", "SessionAuth", "TokenAuth", "JWTAuth", "Uvicorn", "GitHubCI", "GitLabCI"} {
		if _, ok := names[twin]; !ok {
			t.Errorf("no twin .%s, which templates use", twin)
		}
	}
}
