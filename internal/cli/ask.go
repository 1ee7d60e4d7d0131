package cli

import (
	"errors"
	"fmt"
	"slices"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// errDeclined means the user said no at the confirmation.
var errDeclined = errors.New("not confirmed; nothing was written")

var errAnswerRequired = errors.New("this question has no default; type an answer")

// interview asks, in order, the questions that nothing answered, and
// reports whether it asked any. The answers given before it are checked
// first, so that a mistake in them is not reported after all the questions.
func interview(env *Env, a *answers, questions []generator.Question, req request, dirOf func(string) string) (bool, error) {
	for _, q := range questions {
		if a.answered(q) {
			if err := q.Validate(a.opts); err != nil {
				return false, a.locate(q, err)
			}
		}
	}
	newProject := req.Project == ""
	if newProject && a.opts.Name != "" {
		if err := generator.CheckTarget(env.Fs, dirOf(a.opts.Name), req.Force); err != nil {
			return false, err
		}
	}
	// The name says where a new project goes, so it is refused as it is
	// typed when that folder is taken.
	folderFree := func(name string) error {
		if !newProject {
			return nil
		}
		dir := dirOf(name)
		err := generator.CheckTarget(env.Fs, dir, req.Force)
		if errors.Is(err, generator.ErrTargetNotEmpty) {
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
		asked = true
		var more func(string) error
		if q.FileKey() == "answers.name" {
			more = folderFree
		}
		v, ok, err := ask(env.Prompter, q, a.opts, answered, more)
		if errors.Is(err, prompt.ErrInterrupted) {
			return asked, &InterruptedError{Err: err}
		}
		if err != nil {
			return asked, err
		}
		if ok {
			a.set(q, v, origin{})
		}
	}
	return asked, nil
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
	ok, err := env.Prompter.Confirm(prompt.Confirm{
		Name:    "write",
		Message: "Write the project?",
		Help:    fmt.Sprintf("Yes writes the files to %s; no leaves everything as it is.", escape.Path(r.Dir)),
		Default: true,
	})
	switch {
	case errors.Is(err, prompt.ErrInterrupted):
		return &InterruptedError{Err: err}
	case err != nil:
		return err
	case !ok:
		return errDeclined
	}
	return nil
}
