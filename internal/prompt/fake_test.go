package prompt_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/djscaffold/scaffold/internal/prompt"
)

var errTooShort = errors.New("too short")

func atLeastThree(s string) error {
	if len(s) < 3 {
		return errTooShort
	}
	return nil
}

func TestFakeInputTakesTheNextAnswerWhenValidateRefuses(t *testing.T) {
	f := prompt.NewFake(map[string]any{"name": []any{"a", "bb", "ccc"}})
	got, err := f.Input(prompt.Input{Name: "name", Message: "Name", Validate: atLeastThree})
	if err != nil || got != "ccc" {
		t.Fatalf("Input = %q, %v; want ccc", got, err)
	}
	refused := f.Asked[0].Refused
	if len(refused) != 2 || !errors.Is(refused[0], errTooShort) || !errors.Is(refused[1], errTooShort) {
		t.Errorf("Refused = %v; want two errTooShort", refused)
	}
	f = prompt.NewFake(map[string]any{"name": "a"})
	if _, err := f.Input(prompt.Input{Name: "name", Validate: atLeastThree}); !errors.Is(err, prompt.ErrNoAnswer) || !errors.Is(err, errTooShort) {
		t.Errorf("a refused last answer: %v; want ErrNoAnswer with the reason", err)
	}
}

func TestFakeDefaults(t *testing.T) {
	f := prompt.NewFake(map[string]any{"a": prompt.Default, "b": ""})
	if got, _ := f.Input(prompt.Input{Name: "a", Message: "A", Default: "items"}); got != "items" {
		t.Errorf("Input(Default) = %q; want items", got)
	}
	if got, _ := f.Input(prompt.Input{Name: "b", Default: "items"}); got != "items" {
		t.Errorf("Input(\"\") = %q; want the default, as Enter gives", got)
	}
	if got, _ := f.Select(prompt.Select{Name: "c", Options: []string{"x", "y"}, Default: "y"}); got != "y" {
		t.Errorf("Select without an answer = %q; want the default y", got)
	}
	if got, _ := f.Confirm(prompt.Confirm{Name: "d", Default: true}); !got {
		t.Errorf("Confirm without an answer = false; want the default, true")
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(f.Names(), want) {
		t.Errorf("Names() = %q; want %q", f.Names(), want)
	}
	if want := []string{"A", "", "", ""}; !slices.Equal(f.Messages(), want) {
		t.Errorf("Messages() = %q; want %q", f.Messages(), want)
	}
}

func TestFakeErrors(t *testing.T) {
	f := prompt.NewFake(map[string]any{"go": prompt.ErrInterrupted, "pick": "z", "again": []any{"x"}})
	if _, err := f.Confirm(prompt.Confirm{Name: "go"}); !errors.Is(err, prompt.ErrInterrupted) {
		t.Errorf("scripted ErrInterrupted: got %v", err)
	}
	if _, err := f.Select(prompt.Select{Name: "pick", Options: []string{"x"}}); err == nil {
		t.Error("an answer outside the options was accepted")
	}
	if got, err := f.Select(prompt.Select{Name: "again", Options: []string{"x"}}); got != "x" || err != nil {
		t.Errorf("Select = %q, %v", got, err)
	}
	if len(f.Answers) != 0 {
		t.Errorf("answers left: %v; want each taken once", f.Answers)
	}
}
