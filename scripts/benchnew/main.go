//go:build unix

// Command benchnew times whole runs of scaffold new, beside django-admin
// startproject, and prints the medians. scripts/bench-new builds what it
// needs and runs it.
//
// The runs of all commands are interleaved, one of each per round, so that
// a burst of load on a shared machine falls on all of them alike.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// bench is one command line, run in a fresh empty folder each time.
type bench struct {
	name  string
	what  string
	argv  []string
	check func(stdout string) error // of the first run
	wall  []time.Duration
	cpu   []time.Duration
}

func main() {
	scaffold := flag.String("scaffold", "", "the scaffold binary")
	djangoAdmin := flag.String("django-admin", "", "django-admin, for startproject")
	runs := flag.Int("runs", 31, "timed runs of each command")
	warmup := flag.Int("warmup", 3, "untimed runs of each command first")
	work := flag.String("dir", "", "folder to run in (default: the system's temporary folder)")
	var others, floors []string
	flag.Func("floor", "also time `NAME=BIN`, a program that does nothing, to show what starting any process costs here; repeatable", func(v string) error {
		if name, bin, ok := strings.Cut(v, "="); !ok || name == "" || bin == "" {
			return errors.New("want NAME=BIN")
		}
		floors = append(floors, v)
		return nil
	})
	flag.Func("core-of", "also time the core run of another scaffold `NAME=BIN`, such as a branch's build; repeatable", func(v string) error {
		if name, bin, ok := strings.Cut(v, "="); !ok || name == "" || bin == "" {
			return errors.New("want NAME=BIN")
		}
		others = append(others, v)
		return nil
	})
	flag.Parse()
	if *scaffold == "" || *djangoAdmin == "" || *runs < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchnew -scaffold BIN -django-admin BIN [-runs N] [-warmup N] [-dir DIR]")
		os.Exit(2)
	}
	if err := run(*scaffold, *djangoAdmin, *runs, *warmup, *work, floors, others); err != nil {
		fmt.Fprintln(os.Stderr, "benchnew:", err)
		os.Exit(1)
	}
}

func run(scaffold, djangoAdmin string, runs, warmup int, work string, floors, others []string) error {
	work, err := os.MkdirTemp(work, "benchnew-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	benches := []*bench{
		{name: "version", what: "scaffold version: process start-up and package init alone",
			argv: []string{scaffold, "version"}},
		{name: "dry-run", what: "scaffold new x --yes --dry-run --quiet: start-up, answers, rendering; nothing written",
			argv: []string{scaffold, "new", "x", "--yes", "--dry-run", "--quiet"}},
		{name: "core", what: "scaffold new x --yes --git=false --quiet: the project written to disk",
			argv: []string{scaffold, "new", "x", "--yes", "--git=false", "--quiet"}, check: noOutput},
		{name: "default", what: "scaffold new x --yes: git init, the Docker and Compose check, the report",
			argv: []string{scaffold, "new", "x", "--yes"}, check: dockerFound},
		{name: "startproject", what: "django-admin startproject x",
			argv: []string{djangoAdmin, "startproject", "x"}},
	}
	for _, f := range floors {
		name, bin, _ := strings.Cut(f, "=")
		benches = append(benches, &bench{name: name, what: bin + ": a program that does nothing", argv: []string{bin}})
	}
	for _, o := range others {
		name, bin, _ := strings.Cut(o, "=")
		benches = append(benches, &bench{name: "core " + name, what: "the core run, with " + bin,
			argv: []string{bin, "new", "x", "--yes", "--git=false", "--quiet"}, check: noOutput})
	}
	n := 0
	for round := -warmup; round < runs; round++ {
		// Rotating the order keeps any one command from always running
		// right after another.
		for i := range benches {
			b := benches[(i+round+warmup)%len(benches)]
			n++
			dir := filepath.Join(work, fmt.Sprint(n))
			if err := os.Mkdir(dir, 0o755); err != nil {
				return err
			}
			wall, cpu, stdout, err := timeRun(dir, b.argv)
			if err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
			if round == -warmup && b.check != nil {
				if err := b.check(stdout); err != nil {
					return fmt.Errorf("%s: %w\n%s", b.name, err, stdout)
				}
			}
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			if round >= 0 {
				b.wall = append(b.wall, wall)
				b.cpu = append(b.cpu, cpu)
			}
		}
	}
	fmt.Printf("%d runs of each, interleaved, after %d warm-up runs; wall time from start to exit\n\n", runs, warmup)
	fmt.Printf("%-14s %8s %8s %8s %8s %8s  (ms)\n", "", "median", "p25", "p75", "min", "cpu")
	for _, b := range benches {
		fmt.Printf("%-14s %8s %8s %8s %8s %8s  %s\n", b.name, num(median(b.wall)), num(quantile(b.wall, 0.25)),
			num(quantile(b.wall, 0.75)), num(slices.Min(b.wall)), num(median(b.cpu)), b.what)
	}
	core, def, sp := median(benches[2].wall), median(benches[3].wall), median(benches[4].wall)
	fmt.Printf("\nstartproject / core %.0f×, startproject / default %.0f×\n", ratio(sp, core), ratio(sp, def))
	fmt.Printf("new: core %s ms, default %s ms; startproject %s ms\n", num(core), num(def), num(sp))
	return nil
}

// timeRun runs argv in dir, and returns its wall time, its CPU time (user
// and system, its children's included) and what it printed.
func timeRun(dir string, argv []string) (wall, cpu time.Duration, stdout string, err error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, "", fmt.Errorf("%s: %w\n%s%s", strings.Join(argv, " "), err, out.String(), errOut.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return wall, cpu, out.String(), nil
}

func noOutput(stdout string) error {
	if stdout != "" {
		return errors.New("--quiet printed something")
	}
	return nil
}

// dockerFound makes sure the default run timed the path of a machine with
// git, Docker and Compose: one that initializes a repository and has no
// hint to give.
func dockerFound(stdout string) error {
	if !strings.Contains(stdout, "Initialized a git repository") {
		return errors.New("git init did not run: time this on a machine with git")
	}
	if strings.Contains(stdout, "Docker") {
		return errors.New("scaffold did not find Docker or Compose: time this on a machine with both")
	}
	return nil
}

func median(d []time.Duration) time.Duration { return quantile(d, 0.5) }

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	pos := q * float64(len(s)-1)
	i := int(pos)
	if i+1 >= len(s) {
		return s[i]
	}
	frac := pos - float64(i)
	return s[i] + time.Duration(frac*float64(s[i+1]-s[i]))
}

// num is d in milliseconds, with one decimal below 100 ms.
func num(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	if v < 100 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
