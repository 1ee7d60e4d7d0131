//go:build linux

package prompt_test

import (
	"context"
	"errors"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"

	"github.com/djscaffold/scaffold/internal/prompt"
)

const (
	keyDown = "\x1b[B"
	keyEsc  = "\x1b"
	keyCtlC = "\x03"
)

// onTerminal asks with a Survey on a pseudo-terminal while keys, on its own
// goroutine, reads the screen and types. A vt10x terminal answers survey's
// cursor position queries, as a real one would.
func onTerminal(t *testing.T, ctx context.Context, keys func(c *expect.Console), ask func(p *prompt.Survey) error) {
	t.Helper()
	t.Parallel()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts))
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term),
		expect.WithCloser(ptm, pts), expect.WithDefaultTimeout(30*time.Second))
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	defer c.Close()

	typed := make(chan struct{})
	go func() {
		defer close(typed)
		keys(c)
		_, _ = c.ExpectEOF()
	}()
	asked := make(chan error, 1)
	go func() { asked <- ask(prompt.NewSurvey(ctx, c.Tty(), c.Tty(), c.Tty())) }()
	select {
	case err := <-asked:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the question did not end; screen:\n%s", term.String())
	}
	// A read left waiting by a cancelled question holds the terminal open
	// until it gets a key.
	_, _ = c.Send("\r")
	if err := c.Tty().Close(); err != nil {
		t.Errorf("close tty: %v", err)
	}
	<-typed
}

func expectString(t *testing.T, c *expect.Console, s string) {
	t.Helper()
	if out, err := c.ExpectString(s); err != nil {
		t.Errorf("waiting for %q: %v; got %q", s, err, out)
	}
}

// send types keys once survey reads keys one by one. Before that, the
// terminal is still in line mode, where Ctrl-C is a signal rather than a key,
// and this process has no controlling terminal to take it.
func send(t *testing.T, c *expect.Console, keys string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		tio, err := unix.IoctlGetTermios(int(c.Tty().Fd()), unix.TCGETS)
		if err != nil {
			t.Errorf("read terminal mode: %v", err)
			return
		}
		if tio.Lflag&unix.ICANON == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("survey never switched the terminal to raw mode")
			return
		}
	}
	if _, err := c.Send(keys); err != nil {
		t.Errorf("send %q: %v", keys, err)
	}
}

func TestSurveyArrowKeysStillSelect(t *testing.T) {
	onTerminal(t, context.Background(), func(c *expect.Console) {
		expectString(t, c, "Database")
		send(t, c, keyDown)
		expectString(t, c, "> mysql")
		send(t, c, "\r")
	}, func(p *prompt.Survey) error {
		got, err := p.Select(prompt.Select{Message: "Database", Options: []string{"postgres", "mysql", "sqlite"}, Default: "postgres"})
		if err != nil || got != "mysql" {
			t.Errorf("Select = %q, %v; want mysql", got, err)
		}
		return nil
	})
}

func TestSurveyInputReasksUntilValid(t *testing.T) {
	onTerminal(t, context.Background(), func(c *expect.Console) {
		expectString(t, c, "Name")
		send(t, c, "ab\r")
		expectString(t, c, "too short")
		send(t, c, "abc\r")
		expectString(t, c, "abc")
	}, func(p *prompt.Survey) error {
		got, err := p.Input(prompt.Input{Message: "Name", Validate: atLeastThree})
		if err != nil || got != "abc" {
			t.Errorf("Input = %q, %v; want abc", got, err)
		}
		return nil
	})
}

func TestSurveyEscAndCtrlCInterrupt(t *testing.T) {
	questions := map[string]func(p *prompt.Survey) error{
		"input": func(p *prompt.Survey) error {
			_, err := p.Input(prompt.Input{Message: "Question"})
			return err
		},
		"select": func(p *prompt.Survey) error {
			_, err := p.Select(prompt.Select{Message: "Question", Options: []string{"a", "b"}})
			return err
		},
		"confirm": func(p *prompt.Survey) error {
			_, err := p.Confirm(prompt.Confirm{Message: "Question"})
			return err
		},
	}
	for kind, ask := range questions {
		for key, name := range map[string]string{keyEsc: "esc", keyCtlC: "ctrl-c"} {
			t.Run(kind+"/"+name, func(t *testing.T) {
				onTerminal(t, context.Background(), func(c *expect.Console) {
					expectString(t, c, "Question")
					send(t, c, key)
				}, func(p *prompt.Survey) error {
					if err := ask(p); !errors.Is(err, prompt.ErrInterrupted) {
						t.Errorf("got %v; want ErrInterrupted", err)
					}
					return nil
				})
			})
		}
	}
}

func TestSurveyCancelledContextEndsTheQuestion(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	onTerminal(t, ctx, func(c *expect.Console) {
		expectString(t, c, "Question")
		cancel()
	}, func(p *prompt.Survey) error {
		if _, err := p.Input(prompt.Input{Message: "Question"}); !errors.Is(err, prompt.ErrInterrupted) {
			t.Errorf("got %v; want ErrInterrupted", err)
		}
		if _, err := p.Select(prompt.Select{Message: "Next", Options: []string{"a"}}); !errors.Is(err, prompt.ErrInterrupted) {
			t.Errorf("a question after the cancel: got %v; want ErrInterrupted", err)
		}
		return nil
	})
}
