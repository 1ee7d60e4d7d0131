// Package prompt asks the user questions in a terminal. It is the only
// package that knows how questions are drawn, so the rest of scaffold
// depends on the small Prompter interface alone.
package prompt

import "errors"

// ErrInterrupted means the user pressed Ctrl-C or Esc at a question.
var ErrInterrupted = errors.New("interrupted")

// Prompter asks one question at a time.
type Prompter interface {
	Input(q Input) (string, error)
	Select(q Select) (string, error)
	Confirm(q Confirm) (bool, error)
}

// Input asks for free text. Validate, when set, is checked as the answer is
// typed, and a bad answer is refused with its error and asked again.
type Input struct {
	Name     string // identifies the question, as the answers file names it
	Message  string
	Help     string
	Default  string
	Validate func(string) error
}

// Select asks for one of Options.
type Select struct {
	Name    string
	Message string
	Help    string
	Options []string
	Default string
}

// Confirm asks a yes/no question.
type Confirm struct {
	Name    string
	Message string
	Help    string
	Default bool
}
