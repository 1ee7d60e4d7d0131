package main

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// The module's own production code keeps to the limits.
func TestModuleUnitsAreSmall(t *testing.T) {
	found, err := check("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Error(f)
	}
}

func TestOversized(t *testing.T) {
	long := "package p\n\nfunc (s *S[T]) Long() {\n" + strings.Repeat("\t_ = 1\n", maxFuncLines-1) + "}\n\nfunc Short() {}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", long, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := oversized(fset, "p.go", f)
	if len(found) != 1 || found[0] != "p.go:3: S.Long: 81 lines, more than 80" {
		t.Errorf("oversized = %q", found)
	}
}
