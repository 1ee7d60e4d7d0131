package cli

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/templates"
)

// The scenarios under testdata/script are testscript files, as the Go tools
// and Hugo write theirs: command lines in, files and output out. Each
// `scaffold` line runs Run, as main does, in a process of its own in the
// script's folder, on the real file system, in a testEnv otherwise: fixed
// secrets (SEED changes them), no terminal, and a fake machine whose git
// and docker are installed, but whose git merges files for real, as
// scaffold update needs. $VERSION is the builtin templates' version. Go tests keep what needs the inside: prompts,
// fakes that fail, interrupts.

// scriptRun names the test binary when it runs as scaffold for a script.
const scriptRun = "scaffold-run"

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){scriptRun: runForScript})
}

// runForScript is scaffold's main, in a testEnv on the real file system.
func runForScript() {
	env := testEnv(afero.NewOsFs())
	env.Exec = healthyMachine().merging()
	env.Args = os.Args[1:]
	env.Stdout, env.Stderr = os.Stdout, os.Stderr
	if seed := os.Getenv("SEED"); seed != "" {
		n, err := strconv.Atoi(seed)
		if err != nil || n < 0 || n > 255 {
			panic("SEED is a number from 0 to 255")
		}
		env.Rand = rand.NewChaCha8([32]byte{byte(n)})
	}
	os.Exit(Run(context.Background(), *env))
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("VERSION", templates.Version)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"scaffold": cmdScaffold,
			"status":   cmdStatus,
			"cmptree":  cmdCmptree,
			"replace":  cmdReplace,
		},
	})
}

// cmdScaffold runs scaffold: `scaffold ARGS` must succeed, `! scaffold ARGS`
// must fail. A usage error (exit 2) must also keep the promise every bad
// input keeps: one line on stderr, starting with "scaffold: ".
func cmdScaffold(ts *testscript.TestScript, neg bool, args []string) {
	err := ts.Exec(scriptRun, args...)
	code := 0
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		code = exit.ExitCode()
	} else if err != nil {
		ts.Fatalf("run scaffold: %v", err)
	}
	ts.Setenv("EXIT", strconv.Itoa(code))
	switch {
	case neg && code == 0:
		ts.Fatalf("scaffold succeeded; want a failure")
	case !neg && code != 0:
		ts.Fatalf("scaffold: exit %d", code)
	}
	if stderr := ts.ReadFile("stderr"); code == ExitUsage &&
		(!strings.HasPrefix(stderr, "scaffold: ") || strings.Count(stderr, "\n") != 1) {
		ts.Fatalf("a usage error in %d lines; want one line starting with \"scaffold: \"", strings.Count(stderr, "\n"))
	}
}

// cmdStatus checks the exit code of the last scaffold: `status 2`.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: status CODE")
	}
	if got := ts.Getenv("EXIT"); got != args[0] {
		ts.Fatalf("exit %s; want %s", got, args[0])
	}
}

// cmdCmptree compares two folders file by file, contents and modes:
// `cmptree [-except NAME,...] DIR1 DIR2`, the names being paths in both.
func cmdCmptree(ts *testscript.TestScript, neg bool, args []string) {
	var except []string
	if len(args) == 4 && args[0] == "-except" {
		except, args = strings.Split(args[1], ","), args[2:]
	}
	if len(args) != 2 || neg {
		ts.Fatalf("usage: cmptree [-except NAME,...] DIR1 DIR2")
	}
	a, b := readTree(ts, args[0]), readTree(ts, args[1])
	for _, name := range except {
		delete(a, name)
		delete(b, name)
	}
	var differ []string
	for _, name := range slices.Sorted(maps.Keys(a)) {
		if a[name] != b[name] {
			differ = append(differ, name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			differ = append(differ, name)
		}
	}
	if len(differ) > 0 {
		ts.Fatalf("%s and %s differ: %s", args[0], args[1], strings.Join(differ, ", "))
	}
}

// readTree reads every file under dir into path -> mode and content.
func readTree(ts *testscript.TestScript, dir string) map[string]string {
	root := ts.MkAbs(dir)
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = info.Mode().String() + " " + string(data)
		return err
	})
	ts.Check(err)
	return out
}

// cmdReplace edits a file as its user would: `replace FILE OLD NEW` replaces
// the first OLD with NEW, in which \n stands for a new line, and fails if
// the file has no OLD.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	lines := strings.NewReplacer(`\n`, "\n")
	name, old, new := ts.MkAbs(args[0]), lines.Replace(args[1]), lines.Replace(args[2])
	data, err := os.ReadFile(name)
	ts.Check(err)
	if !strings.Contains(string(data), old) {
		ts.Fatalf("%s has no %q", args[0], old)
	}
	ts.Check(os.WriteFile(name, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}
