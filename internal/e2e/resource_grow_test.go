package e2e

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os/exec"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/cli"
)

// dynGrowth is what a user does to a project's resources after adding
// them: fields added later, the second of two references that point to
// each other, and a resource added, then removed.
var dynGrowth = [][]string{
	{"add", "field", "books", "cover:url:null", "stock:int:default=0", "blurb:text:null", "on_sale:bool", "restocked:date:default=today"},
	{"add", "field", "authors", "favourite:fk:books:null", "born:date:null"},
	{"add", "field", "books", "translator:fk:authors:null", "genres:m2m:tags:null"},
	{"add", "resource", "scratch", "note:str", "book:fk:books"},
	{"add", "field", "scratch", "done:bool"},
	{"remove", "resource", "scratch"},
	// The project now renders as it is: an update changes nothing.
	{"update", "--check"},
}

// growResources runs dynGrowth in the project, as a user would; the steps
// that follow prove the project: makemigrations --check, migrate, its
// tests and its API.
func (p *dynProject) growResources() {
	for _, args := range dynGrowth {
		if args[0] == "update" {
			args = append(args, p.dir)
		} else {
			args = append(args, "--project", p.dir, "--quiet")
		}
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), cli.Env{
			Args: args, Stdout: &stdout, Stderr: &stderr,
			Fs: afero.NewOsFs(), Rand: rand.NewChaCha8([32]byte{}),
			LookPath: exec.LookPath, Exec: cli.SystemExec,
		})
		if code != 0 {
			p.fail("1 grow resources", "exit %d: %s%s\n$ scaffold %s", code, stdout.String(), stderr.String(), strings.Join(args, " "))
		}
	}
}
