package e2e

import (
	"fmt"

	"github.com/djscaffold/scaffold/internal/generator"
)

// The e2e suite's option space comes from the question table, so that a
// new question is covered, and labelled, without an edit here.

// optionQuestions are the builtin questions that `scaffold new` answers
// with a flag, in the order asked.
func optionQuestions() []generator.Question {
	var out []generator.Question
	for _, q := range generator.Questions() {
		if q.Flag != "" {
			out = append(out, q)
		}
	}
	return out
}

// paramsOf is the option space of questions, each named by its flag: every
// value of a choice, true and false, and for a text question its default
// and "" when a flag answers "" (as --no-resource does).
func paramsOf(questions []generator.Question) []param {
	var params []param
	for _, q := range questions {
		if q.Flag == "" {
			continue
		}
		var values []string
		switch q.Kind {
		case generator.KindChoice:
			values = q.Values
		case generator.KindBool:
			values = []string{"true", "false"}
		default:
			values = []string{fmt.Sprint(q.Default)}
			if q.NoFlag != "" {
				values = append(values, "")
			}
		}
		params = append(params, param{q.Flag, values})
	}
	return params
}

// optionsFrom turns a combination of scaffoldParams values, by flag, into
// options; every question with a flag must have a value.
func optionsFrom(c map[string]string) (generator.Options, error) {
	o := generator.DefaultOptions()
	questions := optionQuestions()
	if len(c) != len(questions) {
		return o, fmt.Errorf("combination %v does not set every option", c)
	}
	for _, q := range questions {
		text, ok := c[q.Flag]
		if !ok {
			return o, fmt.Errorf("combination %v does not set %s", c, q.Flag)
		}
		v, err := q.Parse(text)
		if err != nil {
			return o, err
		}
		q.Set(&o, v)
	}
	return o, nil
}
