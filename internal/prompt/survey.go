package prompt

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
)

func init() {
	// The reason alone reads better under the question than survey's
	// "Sorry, your reply was invalid:" before it.
	survey.ErrorTemplate = `{{color .Icon.Format }}{{ .Icon.Text }} {{ .Error.Error }}{{color "reset"}}
`
}

// Survey asks questions with survey/v2 on a real terminal.
type Survey struct {
	ctx  context.Context
	out  terminal.FileWriter
	opts []survey.AskOpt
}

// NewSurvey returns a Prompter that reads keys from in and draws on out.
// Cancelling ctx ends the question being asked with ErrInterrupted.
func NewSurvey(ctx context.Context, in terminal.FileReader, out terminal.FileWriter, errOut io.Writer) *Survey {
	keys := &keyReader{in: in, ctx: ctx}
	return &Survey{
		ctx:  ctx,
		out:  out,
		opts: []survey.AskOpt{survey.WithStdio(keys, out, errOut)},
	}
}

// Input implements Prompter.
func (s *Survey) Input(q Input) (string, error) {
	var answer string
	opts := s.opts
	if q.Validate != nil {
		opts = append(opts[:len(opts):len(opts)], survey.WithValidator(func(v any) error {
			str, _ := v.(string)
			return q.Validate(str)
		}))
	}
	err := s.ask(&survey.Input{Message: q.Message, Help: q.Help, Default: q.Default}, &answer, opts)
	return answer, err
}

// Select implements Prompter.
func (s *Survey) Select(q Select) (string, error) {
	var answer string
	p := &survey.Select{Message: q.Message, Help: q.Help, Options: q.Options}
	if q.Default != "" {
		p.Default = q.Default
	}
	err := s.ask(p, &answer, s.opts)
	return answer, err
}

// Confirm implements Prompter.
func (s *Survey) Confirm(q Confirm) (bool, error) {
	var answer bool
	err := s.ask(&survey.Confirm{Message: q.Message, Help: q.Help, Default: q.Default}, &answer, s.opts)
	return answer, err
}

func (s *Survey) ask(p survey.Prompt, answer any, opts []survey.AskOpt) error {
	if s.ctx.Err() != nil {
		return ErrInterrupted
	}
	err := survey.AskOne(p, answer, opts...)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, terminal.InterruptErr):
		// survey has already moved to a fresh line.
		return ErrInterrupted
	case errors.Is(err, ErrInterrupted), errors.Is(err, io.EOF):
		// A signal or the end of input leaves a text question mid-line, while
		// a list has put the cursor on the line below itself, where the
		// terminal may have echoed ^C.
		if _, isSelect := p.(*survey.Select); isSelect {
			fmt.Fprint(s.out, "\r\x1b[K")
		} else {
			fmt.Fprint(s.out, "\r\n")
		}
		return ErrInterrupted
	}
	return err
}

// keyReader stands between the terminal and survey. survey ignores Esc in
// text questions and toggles vim keys with it in lists, while scaffold
// promises that Esc cancels, so a lone Esc becomes Ctrl-C. It also ends a
// read when ctx is cancelled: survey turns off signals only while it waits
// for a key, so a Ctrl-C pressed while a question is being drawn arrives as
// SIGINT instead, and survey would otherwise wait for the next key forever.
type keyReader struct {
	in      terminal.FileReader
	ctx     context.Context
	pending chan chunk // the read in flight, if any
	rest    []byte     // what the caller's buffer could not take
	err     error      // returned once rest is drained
}

type chunk struct {
	data []byte
	err  error
}

func (r *keyReader) Fd() uintptr { return r.in.Fd() }

func (r *keyReader) Read(p []byte) (int, error) {
	// Once cancelled, every read fails: survey goes on reading after some
	// errors, and keys read then would meet a half-initialised prompt.
	if err := r.interrupted(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if len(r.rest) > 0 || r.err != nil {
		n := copy(p, r.rest)
		r.rest = r.rest[n:]
		if len(r.rest) == 0 && r.err != nil {
			err := r.err
			r.err = nil
			return n, err
		}
		return n, nil
	}
	if r.pending == nil {
		// The read runs on its own so that a cancelled ctx need not wait
		// for a key; a read left behind that way ends with the process.
		ch := make(chan chunk, 1)
		buf := make([]byte, max(len(p), 64))
		go func() {
			n, err := r.in.Read(buf)
			ch <- chunk{data: buf[:n], err: err}
		}()
		r.pending = ch
	}
	select {
	case c := <-r.pending:
		r.pending = nil
		data := escToInterrupt(c.data)
		n := copy(p, data)
		r.rest = data[n:]
		if len(r.rest) > 0 {
			r.err = c.err
			return n, nil
		}
		return n, c.err
	case <-r.ctx.Done():
		return 0, r.interrupted()
	}
}

func (r *keyReader) interrupted() error {
	if r.ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(r.ctx))
}

// escToInterrupt turns each Esc pressed on its own into Ctrl-C. A key
// sequence (an arrow, the terminal's answer to a cursor query) arrives in one
// read and goes on with '[' or 'O', so an Esc that ends a read, or that
// another Esc follows, was pressed on its own; survey itself tells them apart
// the same way. Alt with a key sends Esc and the key, which survey would
// reject as an unknown sequence: the key alone goes through.
func escToInterrupt(data []byte) []byte {
	out := data[:0]
	for i := 0; i < len(data); i++ {
		b := data[i]
		if b == terminal.KeyEscape {
			switch {
			case i == len(data)-1 || data[i+1] == terminal.KeyEscape:
				b = terminal.KeyInterrupt
			case data[i+1] != '[' && data[i+1] != 'O':
				continue
			}
		}
		out = append(out, b)
	}
	return out
}
