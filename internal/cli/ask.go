package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/writer"
)

// errDeclined means the user said no at the confirmation.
var errDeclined = errors.New("not confirmed; nothing was written")

var errAnswerRequired = errors.New("this question has no default; type an answer")

// interview asks, in order, the questions that nothing answered, and
// reports whether it asked any. The answers given before it are checked
// first, so that a mistake in them is not reported after all the questions.
func interview(env *Env, a *answers, questions []generator.Question, req request) (bool, error) {
	for _, q := range questions {
		if a.answered(q) {
			if err := q.Validate(a.opts); err != nil {
				return false, a.locate(q, err)
			}
		}
	}
	newProject := req.Project == ""
	if newProject && a.opts.Name != "" {
		if err := writer.CheckTarget(env.Fs, req.dirOf(a.opts.Name), req.Force); err != nil {
			return false, err
		}
	}
	// The name says where a new project goes, so it is refused as it is
	// typed when that folder is taken.
	folderFree := func(name string) error {
		if !newProject {
			return nil
		}
		dir := req.dirOf(name)
		err := writer.CheckTarget(env.Fs, dir, req.Force)
		if errors.Is(err, writer.ErrTargetNotEmpty) {
			return &folderTakenError{dir: dir}
		}
		return err
	}
	answered := func(key string) bool {
		q, _ := generator.QuestionByKey(key)
		return a.answered(q)
	}
	asked := false
	for _, q := range questions {
		if a.answered(q) {
			continue
		}
		if q.Key == "owner" && a.opts.Resource == "" {
			continue // nothing to own
		}
		asked = true
		var more func(string) error
		if q.FileKey() == "answers.name" {
			more = folderFree
		}
		v, ok, err := ask(env.Prompter, q, a.opts, answered, more)
		if errors.Is(err, prompt.ErrInterrupted) {
			return asked, &interruptedError{Err: err}
		}
		if err != nil {
			return asked, err
		}
		if ok {
			a.set(q, v, origin{})
		}
		if q.Key == "resource" && newProject {
			if err := askFields(env.Prompter, a); err != nil {
				return asked, err
			}
		}
	}
	return asked, nil
}

// FieldsQuestion names the question that asks for the fields of the example
// resource, which has no answers-file key of its own: resource_fields
// records its answer.
const FieldsQuestion = "resource_fields"

// askFields asks for the typed fields of the example resource, right after
// its name, unless the command line or the answers file gave them.
func askFields(p prompt.Prompter, a *answers) error {
	if a.opts.Resource == "" || len(a.opts.ResourceFields) > 0 {
		return nil
	}
	parse := func(text string) ([]resource.Field, error) {
		fields, err := resource.ParseFields(strings.Fields(text))
		if err != nil {
			return nil, err
		}
		trial := a.opts.Clone()
		trial.ResourceFields = fields
		return fields, resource.Check(trial.AllResources(), trial.Database)
	}
	text, err := p.Input(prompt.Input{
		Name:    FieldsQuestion,
		Message: "Fields of " + a.opts.Resource,
		Help: "NAME:TYPE[:ARG][:MODIFIER...] separated by spaces, such as title:str price:decimal:8,2 published:date; " +
			"scaffold add resource --help lists the types. Empty gives " + strings.Join(resource.DefaultSpecs, " ") + ".",
		Validate: func(text string) error { _, err := parse(text); return err },
	})
	if errors.Is(err, prompt.ErrInterrupted) {
		return &interruptedError{Err: err}
	}
	if err != nil {
		return err
	}
	fields, err := parse(text)
	if err != nil {
		return &usageError{Err: err}
	}
	a.opts.ResourceFields = fields
	return nil
}

// ask asks one question; ok is false when there was nothing to choose
// from. A typed answer is checked as it is typed: by the question, and by
// more when it is set.
func ask(p prompt.Prompter, q generator.Question, o generator.Options, answered func(string) bool, more func(string) error) (v any, ok bool, err error) {
	current := q.Get(o)
	switch q.Kind {
	case generator.KindBool:
		def, _ := current.(bool)
		b, err := p.Confirm(prompt.Confirm{Name: q.Key, Message: q.Prompt, Help: q.Help, Default: def})
		return b, err == nil, err
	case generator.KindChoice:
		values := q.Values
		if q.Offer != nil {
			values = q.Offer(o, answered)
		}
		switch len(values) {
		case 0:
			// Validation reports the value that left nothing to choose.
			return nil, false, nil
		case 1:
			return values[0], true, nil
		}
		def, _ := current.(string)
		if !slices.Contains(values, def) && def != "" {
			def = values[len(values)-1]
		}
		s, err := p.Select(prompt.Select{Name: q.Key, Message: q.Prompt, Help: q.Help, Options: values, Default: def})
		return s, err == nil, err
	}
	valueOf := func(text string) string {
		if q.None != "" && text == q.None {
			return ""
		}
		return text
	}
	validate := func(text string) error {
		trial := o.Clone()
		q.Set(&trial, valueOf(text))
		if err := q.Validate(trial); err != nil {
			return err
		}
		if text == "" && q.Default == nil {
			return errAnswerRequired
		}
		if more != nil {
			return more(text)
		}
		return nil
	}
	def, _ := current.(string)
	if def == "" {
		def = q.None
	}
	text, err := p.Input(prompt.Input{Name: q.Key, Message: q.Prompt, Help: q.Help, Default: def, Validate: validate})
	return valueOf(text), err == nil, err
}

// confirmAnswers shows every answer and asks whether to write the project.
func confirmAnswers(env *Env, r resolved) error {
	out := newPrinter(env.Stdout, env.Color, false)
	if err := out.summary(r.Questions, r.Options, r.Dir); err != nil {
		return err
	}
	return confirm(env, prompt.Confirm{
		Name:    "write",
		Message: "Write the project?",
		Help:    fmt.Sprintf("Yes writes the files to %s; no leaves everything as it is.", escape.Path(r.Dir)),
		Default: true,
	})
}

// confirm asks c, and returns errDeclined when the answer is no.
func confirm(env *Env, c prompt.Confirm) error {
	ok, err := env.Prompter.Confirm(c)
	switch {
	case errors.Is(err, prompt.ErrInterrupted):
		return &interruptedError{Err: err}
	case err != nil:
		return err
	case !ok:
		return errDeclined
	}
	return nil
}
