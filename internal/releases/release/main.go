// Command release archives the builtin templates, templates/project, as the
// version that templates.Version names, so that every later scaffold can
// render them again. Run it from the repository root after changing the
// templates, raising templates.Version and writing the release's notes in
// internal/releases/archive/notes/VERSION.md:
//
//	go run ./internal/releases/release
//
// then write the golden projects of the new release:
//
//	go test ./internal/releases -update
package main

import (
	"fmt"
	"os"

	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/templates"
)

func main() {
	if err := releases.Archive("internal/releases/archive", templates.Version, templates.Project()); err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("templates %s archived in internal/releases/archive\n", templates.Version)
}
