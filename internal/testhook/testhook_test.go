package testhook

import (
	"testing"

	"github.com/spf13/afero"
)

// Without its variables, or with values that ask for nothing, a run's file
// system is the very one it was given: normal runs never meet a hook.
func TestFsIsInertUnlessAsked(t *testing.T) {
	osFs := afero.NewOsFs()
	for _, env := range []map[string]string{
		{},
		{KillAtRename: ""},
		{KillAtRename: "0"},
		{KillAtRename: "x"},
		{"SCAFFOLD_TEST_OTHER": "1"},
	} {
		if got := Fs(osFs, func(k string) string { return env[k] }); got != osFs {
			t.Errorf("%v: the file system is wrapped", env)
		}
	}
	if !supported {
		return
	}
	for _, env := range []map[string]string{{KillAtRename: "3"}, {StopAtRead: ".scaffold.yaml"}} {
		got := Fs(osFs, func(k string) string { return env[k] })
		if got == osFs {
			t.Errorf("%v: the file system is not wrapped", env)
		}
		if _, ok := got.(afero.Lstater); !ok {
			t.Errorf("%v: the wrapper hides Lstat", env)
		}
	}
}
