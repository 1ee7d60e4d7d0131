package resource

import (
	"fmt"
	"slices"
	"strings"
)

// Limits of a choice field's values.
const (
	minChoices        = 2
	maxChoices        = 100
	maxChoiceLength   = 50
	choiceValueFormat = "a lowercase identifier: letters, digits and \"_\", starting with a letter, such as in_review"
)

// choiceValue is what a choice value may be: it is stored as it is, and
// upper-cased it names the member of the model's TextChoices class.
var choiceValue = lazyRegexp(`^[a-z][a-z0-9_]*$`)

// parseChoices reads a choice field's comma-separated values.
func (f *Field) parseChoices(list string) error {
	values := strings.Split(list, ",")
	seen := map[string]bool{}
	for _, v := range values {
		switch {
		case v == "":
			return badField("a choice value is empty; separate the values with single commas, such as draft,published")
		case !choiceValue().MatchString(v) || strings.HasSuffix(v, "_") || strings.Contains(v, "__"):
			return badField("the choice value %q is not %s", v, choiceValueFormat)
		case len(v) > maxChoiceLength:
			return badField("the choice value %q has %d characters; use at most %d", v, len(v), maxChoiceLength)
		case seen[v]:
			return badField("the choice value %q is given twice", v)
		}
		seen[v] = true
	}
	switch {
	case len(values) < minChoices:
		return badField("a choice field needs at least %d values, such as %s:choice:%s,other; use bool for yes or no", minChoices, f.Name, values[0])
	case len(values) > maxChoices:
		return badField("a choice field has at most %d values, not %d; use an fk to a resource for longer lists", maxChoices, len(values))
	}
	f.Choices = list
	return nil
}

// Values are a choice field's values, in the order given.
func (f Field) Values() []string {
	if f.Choices == "" {
		return nil
	}
	return strings.Split(f.Choices, ",")
}

// choiceDefault checks that a choice field's default is one of its values.
func choiceDefault(f Field) (string, error) {
	if !slices.Contains(f.Values(), f.Default) {
		hint := ""
		if strings.Contains(f.Default, ":") {
			hint = "; default= comes last, after the other modifiers"
		}
		return "", fmt.Errorf("the default %q is not one of the choices %s%s", f.Default, strings.ReplaceAll(f.Choices, ",", ", "), hint)
	}
	return f.Default, nil
}

// choiceLength is the max_length of a choice field: its longest value.
func (f Field) choiceLength() int {
	n := 0
	for _, v := range f.Values() {
		n = max(n, len(v))
	}
	return n
}

// ChoicesClass names the model's TextChoices class of a choice field, such
// as Status for status.
func (f Field) ChoicesClass() string { return camel(f.Name) }

// member names a value's member of the TextChoices class: DRAFT.
func member(value string) string { return strings.ToUpper(value) }

// label is a value as people read it, the member's label: In review.
func label(value string) string {
	words := strings.ReplaceAll(value, "_", " ")
	return strings.ToUpper(words[:1]) + words[1:]
}

// choicesClass declares a choice field's TextChoices class, nested in the
// model's class body, as Django's documentation does.
func (f Field) choicesClass() string {
	lines := []string{fmt.Sprintf("    class %s(models.TextChoices):", f.ChoicesClass())}
	for _, v := range f.Values() {
		lines = append(lines, fmt.Sprintf("        %s = %s, %s", member(v), pyStr(v), pyStr(label(v))))
	}
	return strings.Join(lines, "\n")
}

// migrationChoices are the choices as makemigrations serializes them: a
// list of (value, label) tuples.
func (f Field) migrationChoices() expr {
	var items []expr
	for _, v := range f.Values() {
		items = append(items, tuple(pyStr(v), pyStr(label(v))))
	}
	return list(items...)
}

// checkChoiceClasses refuses choice fields whose TextChoices classes would
// clash: with each other, or with the model's Meta class.
func checkChoiceClasses(fields []Field) error {
	byClass := map[string]string{}
	for _, f := range fields {
		if f.Kind != Choice {
			continue
		}
		class := f.ChoicesClass()
		if class == "Meta" {
			return &Error{Spec: f.String(), Reason: "its choices class would be Meta, the model's options; choose another field name"}
		}
		if other, ok := byClass[class]; ok {
			return &Error{Spec: f.String(), Reason: fmt.Sprintf("its choices class would be %s, the class of %s already; choose another field name", class, other)}
		}
		byClass[class] = f.Name
	}
	return nil
}
