package cli

import (
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// askMissing asks the questions that no flag or answers file answered.
func askMissing(p prompt.Prompter, opts *generator.Options, given answered) error {
	if !given.keys["name"] {
		name, err := p.Input(prompt.Input{
			Message:  "Project name",
			Help:     "The folder to create; Python code uses it lowercased, with dashes turned into underscores.",
			Validate: generator.ValidateName,
		})
		if err != nil {
			return err
		}
		opts.Name = name
	}
	return nil
}
