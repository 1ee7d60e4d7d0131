package prompt

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Default, as a scripted answer, takes the question's default, as Enter does.
var Default = defaultAnswer{}

type defaultAnswer struct{}

// ErrNoAnswer means a Fake was asked more questions than it has answers.
var ErrNoAnswer = errors.New("no scripted answer left")

// Asked records one question a Fake was asked.
type Asked struct {
	Kind    string // "input", "select" or "confirm"
	Message string
	Help    string
	Options []string // a select's options
	Default string   // a confirm's default is "yes" or "no"
	// Refused holds the validation errors of the answers turned down before
	// one was accepted.
	Refused []error
}

// Fake answers questions from a script, so that tests can drive a question
// flow without a terminal. Each answer is a string (for Input and Select), a
// bool (for Confirm), Default, or an error to return, such as ErrInterrupted.
// An Input whose answer fails Validate takes the next answer, as a person
// typing again would.
type Fake struct {
	Answers []any
	Asked   []Asked
}

// NewFake returns a Fake that gives answers in order.
func NewFake(answers ...any) *Fake {
	return &Fake{Answers: answers}
}

func (f *Fake) next(q *Asked) (any, error) {
	if len(f.Answers) == 0 {
		return nil, fmt.Errorf("%w for %q", ErrNoAnswer, q.Message)
	}
	a := f.Answers[0]
	f.Answers = f.Answers[1:]
	if err, ok := a.(error); ok {
		return nil, err
	}
	return a, nil
}

// Input implements Prompter.
func (f *Fake) Input(q Input) (string, error) {
	f.Asked = append(f.Asked, Asked{Kind: "input", Message: q.Message, Help: q.Help, Default: q.Default})
	asked := &f.Asked[len(f.Asked)-1]
	for {
		a, err := f.next(asked)
		if err != nil {
			return "", err
		}
		var answer string
		switch v := a.(type) {
		case defaultAnswer:
			answer = q.Default
		case string:
			answer = v
			if answer == "" {
				answer = q.Default
			}
		default:
			return "", fmt.Errorf("answer %v (%T) to input %q: want a string", a, a, q.Message)
		}
		if q.Validate != nil {
			if err := q.Validate(answer); err != nil {
				asked.Refused = append(asked.Refused, err)
				continue
			}
		}
		return answer, nil
	}
}

// Select implements Prompter.
func (f *Fake) Select(q Select) (string, error) {
	f.Asked = append(f.Asked, Asked{Kind: "select", Message: q.Message, Help: q.Help,
		Options: slices.Clone(q.Options), Default: q.Default})
	a, err := f.next(&f.Asked[len(f.Asked)-1])
	if err != nil {
		return "", err
	}
	switch v := a.(type) {
	case defaultAnswer:
		if q.Default == "" && len(q.Options) > 0 {
			return q.Options[0], nil
		}
		return q.Default, nil
	case string:
		if !slices.Contains(q.Options, v) {
			return "", fmt.Errorf("answer %q to select %q: not one of the options %q", v, q.Message, q.Options)
		}
		return v, nil
	}
	return "", fmt.Errorf("answer %v (%T) to select %q: want a string", a, a, q.Message)
}

// Confirm implements Prompter.
func (f *Fake) Confirm(q Confirm) (bool, error) {
	f.Asked = append(f.Asked, Asked{Kind: "confirm", Message: q.Message, Help: q.Help, Default: yesNo(q.Default)})
	a, err := f.next(&f.Asked[len(f.Asked)-1])
	if err != nil {
		return false, err
	}
	switch v := a.(type) {
	case defaultAnswer:
		return q.Default, nil
	case bool:
		return v, nil
	case string:
		if b, err := strconv.ParseBool(v); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("answer %v (%T) to confirm %q: want a bool", a, a, q.Message)
}

// Messages lists the messages of the questions asked, in order.
func (f *Fake) Messages() []string {
	out := make([]string, len(f.Asked))
	for i, a := range f.Asked {
		out[i] = a.Message
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
