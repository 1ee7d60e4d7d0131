package prompt

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Plain asks questions one line at a time, with no colours and no cursor
// movement, for a terminal that cannot draw survey's prompts, such as one
// with TERM=dumb. "?" shows a question's help.
type Plain struct {
	ctx   context.Context
	in    io.Reader
	lines chan line
	start sync.Once
	out   io.Writer
}

type line struct {
	text string
	err  error
}

// NewPlain returns a Prompter that reads answers from in, one a line, and
// writes questions to out. Cancelling ctx ends the question being asked
// with ErrInterrupted.
func NewPlain(ctx context.Context, in io.Reader, out io.Writer) *Plain {
	return &Plain{ctx: ctx, in: in, lines: make(chan line), out: out}
}

// read starts reading lines, once a question is asked. They are read on
// their own, so that a cancelled ctx need not wait for one; a read left
// behind that way ends with the process.
func (p *Plain) read() {
	r := bufio.NewReader(p.in)
	for {
		s, err := r.ReadString('\n')
		if s == "" && err != nil {
			p.lines <- line{err: err}
			return
		}
		p.lines <- line{text: strings.TrimRight(s, "\r\n")}
	}
}

// ask writes prompt and returns the line typed; "?" shows help and asks
// again.
func (p *Plain) ask(prompt, help string) (string, error) {
	p.start.Do(func() { go p.read() })
	for {
		if p.ctx.Err() != nil {
			return "", fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(p.ctx))
		}
		fmt.Fprint(p.out, prompt)
		select {
		case l := <-p.lines:
			if l.err != nil {
				fmt.Fprintln(p.out)
				return "", ErrInterrupted
			}
			if strings.TrimSpace(l.text) == "?" && help != "" {
				fmt.Fprintln(p.out, "  "+help)
				continue
			}
			return strings.TrimSpace(l.text), nil
		case <-p.ctx.Done():
			fmt.Fprintln(p.out)
			return "", fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(p.ctx))
		}
	}
}

func hint(help string) string {
	if help == "" {
		return ""
	}
	return " (? for help)"
}

// Input implements Prompter.
func (p *Plain) Input(q Input) (string, error) {
	prompt := q.Message + hint(q.Help)
	if q.Default != "" {
		prompt += " [" + q.Default + "]"
	}
	for {
		answer, err := p.ask(prompt+": ", q.Help)
		if err != nil {
			return "", err
		}
		if answer == "" {
			answer = q.Default
		}
		if q.Validate != nil {
			if err := q.Validate(answer); err != nil {
				fmt.Fprintln(p.out, "  "+err.Error())
				continue
			}
		}
		return answer, nil
	}
}

// Select implements Prompter. An answer is one of the options, or its
// number in the list.
func (p *Plain) Select(q Select) (string, error) {
	def := q.Default
	if def == "" && len(q.Options) > 0 {
		def = q.Options[0]
	}
	prompt := fmt.Sprintf("%s%s (%s) [%s]: ", q.Message, hint(q.Help), strings.Join(q.Options, ", "), def)
	for {
		answer, err := p.ask(prompt, q.Help)
		if err != nil {
			return "", err
		}
		if answer == "" {
			return def, nil
		}
		if slices.Contains(q.Options, answer) {
			return answer, nil
		}
		if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(q.Options) {
			return q.Options[n-1], nil
		}
		fmt.Fprintf(p.out, "  choose one of %s\n", strings.Join(q.Options, ", "))
	}
}

// Confirm implements Prompter.
func (p *Plain) Confirm(q Confirm) (bool, error) {
	choices := "y/N"
	if q.Default {
		choices = "Y/n"
	}
	for {
		answer, err := p.ask(fmt.Sprintf("%s%s (%s): ", q.Message, hint(q.Help), choices), q.Help)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(answer) {
		case "":
			return q.Default, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		fmt.Fprintln(p.out, "  answer y or n")
	}
}
