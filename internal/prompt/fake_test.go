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
	f := prompt.NewFake("a", "bb", "ccc")
	got, err := f.Input(prompt.Input{Message: "Name", Validate: atLeastThree})
	if err != nil || got != "ccc" {
		t.Fatalf("Input = %q, %v; want ccc", got, err)
	}
	refused := f.Asked[0].Refused
	if len(refused) != 2 || !errors.Is(refused[0], errTooShort) || !errors.Is(refused[1], errTooShort) {
		t.Errorf("Refused = %v; want two errTooShort", refused)
	}
}

func TestFakeDefaults(t *testing.T) {
	f := prompt.NewFake(prompt.Default, "", prompt.Default, prompt.Default)
	if got, _ := f.Input(prompt.Input{Message: "a", Default: "items"}); got != "items" {
		t.Errorf("Input(Default) = %q; want items", got)
	}
	if got, _ := f.Input(prompt.Input{Message: "b", Default: "items"}); got != "items" {
		t.Errorf("Input(\"\") = %q; want the default, as Enter gives", got)
	}
	if got, _ := f.Select(prompt.Select{Message: "c", Options: []string{"x", "y"}, Default: "y"}); got != "y" {
		t.Errorf("Select(Default) = %q; want y", got)
	}
	if got, _ := f.Confirm(prompt.Confirm{Message: "d", Default: true}); !got {
		t.Errorf("Confirm(Default) = false; want true")
	}
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(f.Messages(), want) {
		t.Errorf("Messages() = %q; want %q", f.Messages(), want)
	}
}

func TestFakeErrors(t *testing.T) {
	f := prompt.NewFake(prompt.ErrInterrupted, "z")
	if _, err := f.Confirm(prompt.Confirm{Message: "go?"}); !errors.Is(err, prompt.ErrInterrupted) {
		t.Errorf("scripted ErrInterrupted: got %v", err)
	}
	if _, err := f.Select(prompt.Select{Message: "pick", Options: []string{"x"}}); err == nil {
		t.Error("an answer outside the options was accepted")
	}
	if _, err := f.Input(prompt.Input{Message: "more"}); !errors.Is(err, prompt.ErrNoAnswer) {
		t.Errorf("exhausted script: got %v; want ErrNoAnswer", err)
	}
}
