package prompt

import (
	"errors"
	"io"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

// Survey asks questions with survey/v2 on a real terminal.
type Survey struct {
	opts []survey.AskOpt
}

// NewSurvey returns a Prompter that reads keys from in and draws on out.
func NewSurvey(in terminal.FileReader, out terminal.FileWriter, errOut io.Writer) *Survey {
	return &Survey{opts: []survey.AskOpt{survey.WithStdio(in, out, errOut)}}
}

func (s *Survey) Input(q Input) (string, error) {
	var answer string
	opts := s.opts
	if q.Validate != nil {
		opts = append(opts[:len(opts):len(opts)], survey.WithValidator(func(v any) error {
			str, _ := v.(string)
			return q.Validate(str)
		}))
	}
	err := survey.AskOne(&survey.Input{Message: q.Message, Help: q.Help, Default: q.Default}, &answer, opts...)
	return answer, translate(err)
}

func (s *Survey) Select(q Select) (string, error) {
	var answer string
	p := &survey.Select{Message: q.Message, Help: q.Help, Options: q.Options}
	if q.Default != "" {
		p.Default = q.Default
	}
	err := survey.AskOne(p, &answer, s.opts...)
	return answer, translate(err)
}

func (s *Survey) Confirm(q Confirm) (bool, error) {
	var answer bool
	err := survey.AskOne(&survey.Confirm{Message: q.Message, Help: q.Help, Default: q.Default}, &answer, s.opts...)
	return answer, translate(err)
}

func translate(err error) error {
	if errors.Is(err, terminal.InterruptErr) {
		return ErrInterrupted
	}
	return err
}
