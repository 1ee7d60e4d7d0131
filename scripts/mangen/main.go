// Command mangen writes scaffold's man pages, one for the command and one for
// each subcommand, with cobra's doc generator, into the folder it is given.
// The release build ships them in its archives and packages.
//
//	go run ./scripts/mangen dist/man
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/djscaffold/scaffold/internal/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mangen DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	root := cli.Command()
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "SCAFFOLD", Section: "1", Source: "scaffold", Manual: "scaffold manual"}
	// The commit's time, as the release build's files have, so that two builds
	// of one commit give the same pages.
	if t, err := time.Parse(time.RFC3339, os.Getenv("SOURCE_DATE")); err == nil {
		header.Date = &t
	} else {
		epoch := time.Unix(0, 0).UTC()
		header.Date = &epoch
	}
	if err := doc.GenManTree(root, header, dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
