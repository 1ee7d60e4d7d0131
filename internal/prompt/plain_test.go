package prompt

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestPlainAsksLineByLine(t *testing.T) {
	in := strings.NewReader("?\n\n2fast\nshop\n9\nmysql\n2\nmaybe\ny\n")
	var out strings.Builder
	p := NewPlain(context.Background(), in, &out)
	name, err := p.Input(Input{Message: "Project name", Help: "the folder name", Default: "", Validate: func(s string) error {
		if s == "" || s[0] >= '0' && s[0] <= '9' {
			return errors.New("start with a letter")
		}
		return nil
	}})
	if err != nil || name != "shop" {
		t.Fatalf("Input = %q, %v", name, err)
	}
	db, err := p.Select(Select{Message: "Database", Options: []string{"postgres", "mysql", "sqlite"}, Default: "postgres"})
	if err != nil || db != "mysql" {
		t.Fatalf("Select = %q, %v", db, err)
	}
	second, err := p.Select(Select{Message: "Auth", Options: []string{"session", "token"}})
	if err != nil || second != "token" {
		t.Fatalf("Select by number = %q, %v", second, err)
	}
	ok, err := p.Confirm(Confirm{Message: "Write?", Default: false})
	if err != nil || !ok {
		t.Fatalf("Confirm = %v, %v", ok, err)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("escape codes in plain output: %q", out.String())
	}
	for _, want := range []string{"Project name (? for help): ", "  the folder name", "  start with a letter", "Database (postgres, mysql, sqlite) [postgres]: ", "  choose one of", "  answer y or n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPlainStopsOnCancelAndEOF(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	defer w.Close()
	p := NewPlain(ctx, r, io.Discard)
	cancel()
	if _, err := p.Input(Input{Message: "x"}); !errors.Is(err, ErrInterrupted) {
		t.Errorf("cancelled: %v", err)
	}
	p = NewPlain(context.Background(), strings.NewReader(""), io.Discard)
	if _, err := p.Confirm(Confirm{Message: "x"}); !errors.Is(err, ErrInterrupted) {
		t.Errorf("end of input: %v", err)
	}
}
