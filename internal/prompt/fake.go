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

// ErrNoAnswer means a Fake has no acceptable answer left for a question.
var ErrNoAnswer = errors.New("no scripted answer left")

// Asked records one question a Fake was asked.
type Asked struct {
	Kind    string // "input", "select" or "confirm"
	Name    string
	Message string
	Help    string
	Options []string // a select's options
	Default string   // a confirm's default is "yes" or "no"
	// Refused holds the validation errors of the answers turned down before
	// one was accepted.
	Refused []error
}

// Fake answers questions by name, so that tests can drive a question flow
// without a terminal. An answer is a string (for Input and Select), a bool
// (for Confirm), Default, or an error to return, such as ErrInterrupted; a
// []any holds one answer for each time the question is asked, and for each
// time an Input's Validate refuses the one before, as a person typing again
// would. A question without an answer takes its default, as Enter does.
type Fake struct {
	Answers map[string]any
	Asked   []Asked
}

// NewFake returns a Fake that gives the answers, by question name.
func NewFake(answers map[string]any) *Fake {
	return &Fake{Answers: answers}
}

// next takes the answer to the question q names.
func (f *Fake) next(q *Asked) (any, error) {
	a, ok := f.Answers[q.Name]
	if list, isList := a.([]any); isList {
		if len(list) == 0 {
			return nil, fmt.Errorf("%w for %q", ErrNoAnswer, q.Name)
		}
		a = list[0]
		if len(list) == 1 {
			delete(f.Answers, q.Name)
		} else {
			f.Answers[q.Name] = list[1:]
		}
	} else if ok {
		delete(f.Answers, q.Name)
	} else {
		a = Default
	}
	if err, ok := a.(error); ok {
		return nil, err
	}
	return a, nil
}

// Input implements Prompter.
func (f *Fake) Input(q Input) (string, error) {
	f.Asked = append(f.Asked, Asked{Kind: "input", Name: q.Name, Message: q.Message, Help: q.Help, Default: q.Default})
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
			return "", fmt.Errorf("answer %v (%T) to input %q: want a string", a, a, q.Name)
		}
		if q.Validate != nil {
			if err := q.Validate(answer); err != nil {
				asked.Refused = append(asked.Refused, err)
				if _, more := f.Answers[q.Name]; !more {
					return "", fmt.Errorf("%w for %q: %q was refused: %w", ErrNoAnswer, q.Name, answer, err)
				}
				continue
			}
		}
		return answer, nil
	}
}

// Select implements Prompter.
func (f *Fake) Select(q Select) (string, error) {
	f.Asked = append(f.Asked, Asked{Kind: "select", Name: q.Name, Message: q.Message, Help: q.Help,
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
			return "", fmt.Errorf("answer %q to select %q: not one of the options %q", v, q.Name, q.Options)
		}
		return v, nil
	}
	return "", fmt.Errorf("answer %v (%T) to select %q: want a string", a, a, q.Name)
}

// Confirm implements Prompter.
func (f *Fake) Confirm(q Confirm) (bool, error) {
	f.Asked = append(f.Asked, Asked{Kind: "confirm", Name: q.Name, Message: q.Message, Help: q.Help, Default: yesNo(q.Default)})
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
	return false, fmt.Errorf("answer %v (%T) to confirm %q: want a bool", a, a, q.Name)
}

// Messages lists the messages of the questions asked, in order.
func (f *Fake) Messages() []string {
	out := make([]string, len(f.Asked))
	for i, a := range f.Asked {
		out[i] = a.Message
	}
	return out
}

// Names lists the names of the questions asked, in order.
func (f *Fake) Names() []string {
	out := make([]string, len(f.Asked))
	for i, a := range f.Asked {
		out[i] = a.Name
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
