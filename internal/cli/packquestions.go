package cli

import (
	"errors"

	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// askPackQuestions asks a pack's own questions that no flag or answers file
// answered, after the builtin ones, and reports whether it asked any.
func askPackQuestions(p prompt.Prompter, ea extraAnswers) (bool, error) {
	asked := false
	for _, q := range ea.pack.Questions {
		if ea.given[q.Name] {
			continue
		}
		asked = true
		v, err := askPackQuestion(p, q)
		if err != nil {
			return asked, err
		}
		ea.values[q.Name] = v
	}
	return asked, nil
}

var errAnswerRequired = errors.New("this question has no default; type an answer")

func askPackQuestion(p prompt.Prompter, q pack.Question) (any, error) {
	switch q.Type {
	case pack.Bool:
		def, _ := q.Default.(bool)
		return p.Confirm(prompt.Confirm{Message: q.Prompt, Help: q.Help, Default: def})
	case pack.Choice:
		def, _ := q.Default.(string)
		return p.Select(prompt.Select{Message: q.Prompt, Help: q.Help, Options: q.Choices, Default: def})
	}
	def, hasDefault := q.Default.(string)
	return p.Input(prompt.Input{Message: q.Prompt, Help: q.Help, Default: def, Validate: func(s string) error {
		if s == "" && !hasDefault {
			return errAnswerRequired
		}
		return nil
	}})
}
