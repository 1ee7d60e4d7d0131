//go:build linux

package main

import (
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/creack/pty"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"

	"github.com/djscaffold/scaffold/internal/cli"
	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
)

// runAsScaffold makes the test binary act as scaffold when a test runs it
// again, so that the tests drive the real main without building it.
const runAsScaffold = "SCAFFOLD_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsScaffold) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

const (
	keyDown  = "\x1b[B"
	keyEnter = "\r"
	keyCtlC  = "\x03"
)

// ptyRun is scaffold running in a pseudo-terminal. A vt10x terminal reads
// the screen and answers survey's cursor position queries, as a real
// terminal would.
type ptyRun struct {
	t    *testing.T
	c    *expect.Console
	term vt10x.Terminal
	cmd  *exec.Cmd
	done chan error
	read chan struct{} // closed when all the output is on the screen
}

func start(t *testing.T, dir string, args ...string) *ptyRun {
	t.Helper()
	ptm, pts, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	term := vt10x.New(vt10x.WithWriter(pts), vt10x.WithSize(100, 40))
	c, err := expect.NewConsole(expect.WithStdin(ptm), expect.WithStdout(term),
		expect.WithCloser(ptm, pts), expect.WithDefaultTimeout(30*time.Second))
	if err != nil {
		t.Fatalf("console: %v", err)
	}
	if err := pty.Setsize(c.Tty(), &pty.Winsize{Rows: 40, Cols: 100}); err != nil {
		t.Fatalf("size the terminal: %v", err)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	// No git or docker on PATH keeps the machine out of the test.
	cmd.Env = append(os.Environ(), runAsScaffold+"=1", "NO_COLOR=1", "PATH="+t.TempDir())
	cmd.Stdin, cmd.Stdout, cmd.Stderr = c.Tty(), c.Tty(), c.Tty()
	// The terminal is the process's own, as in a shell, so that Ctrl-C
	// pressed between two questions is a SIGINT it receives.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		c.Close()
		t.Fatalf("start scaffold: %v", err)
	}
	// Only scaffold holds the terminal now, so that its exit ends the output.
	if err := c.Tty().Close(); err != nil {
		t.Fatalf("close the terminal: %v", err)
	}
	s := &ptyRun{t: t, c: c, term: term, cmd: cmd, done: make(chan error, 1), read: make(chan struct{})}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		c.Close()
	})
	return s
}

// expect waits for text on the screen.
func (s *ptyRun) expect(text string) {
	s.t.Helper()
	if _, err := s.c.ExpectString(text); err != nil {
		s.t.Fatalf("waiting for %q: %v\nscreen:\n%s", text, err, s.screen())
	}
}

func (s *ptyRun) send(keys string) {
	s.t.Helper()
	if _, err := s.c.Send(keys); err != nil {
		s.t.Fatalf("send %q: %v", keys, err)
	}
}

func (s *ptyRun) screen() string {
	var lines []string
	for line := range strings.Lines(s.term.String()) {
		if l := strings.TrimRight(line, " \n"); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// wait reads the screen until scaffold exits, and returns its exit code.
func (s *ptyRun) wait() int {
	s.t.Helper()
	// The reading keeps the terminal answering until the end.
	go func() {
		defer close(s.read)
		_, _ = s.c.ExpectEOF()
	}()
	timeout := time.After(10 * time.Second)
	var err error
	select {
	case err = <-s.done:
	case <-timeout:
		s.t.Fatalf("scaffold did not exit\nscreen:\n%s", s.screen())
	}
	select {
	case <-s.read:
	case <-timeout:
		s.t.Fatalf("the output did not end\nscreen:\n%s", s.screen())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		s.t.Fatalf("scaffold: %v", err)
	}
	return 0
}

// keyByKey waits until survey reads keys one by one. Before, the terminal is
// in line mode, where Ctrl-C is a signal rather than a key.
func (s *ptyRun) keyByKey() {
	s.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		// On a pseudo-terminal's master side, this reads the mode of the
		// terminal scaffold uses.
		tio, err := unix.IoctlGetTermios(int(s.c.Fd()), unix.TCGETS)
		if err != nil {
			s.t.Fatalf("read the terminal mode: %v", err)
		}
		if tio.Lflag&unix.ICANON == 0 {
			return
		}
	}
	s.t.Fatalf("the terminal never left line mode\nscreen:\n%s", s.screen())
}

// screenQuestions are the questions a run of scaffold new asks, by the
// text that starts each on the screen: the question table's prompts, the
// example resource's fields, and the confirmation.
func screenQuestions() map[string]string {
	keys := map[string]string{"Fields of ": cli.FieldsQuestion, "Write the project?": "write"}
	for _, q := range generator.Questions() {
		keys[q.Prompt] = q.Key
	}
	return keys
}

// answerByKey answers each question that appears on the screen by its key,
// whatever the order: answers holds what to do at a question, and any
// other takes its default with Enter. It returns when the question last
// has been answered, and fails the test if one is asked twice.
func (s *ptyRun) answerByKey(answers map[string]func(s *ptyRun), last string) {
	s.t.Helper()
	keys := screenQuestions()
	prompts := slices.Collect(maps.Keys(keys))
	answered := map[string]bool{}
	for {
		out, err := s.c.Expect(expect.String(prompts...))
		if err != nil {
			s.t.Fatalf("waiting for a question: %v\nscreen:\n%s", err, s.screen())
		}
		i := slices.IndexFunc(prompts, func(p string) bool { return strings.HasSuffix(out, p) })
		key := keys[prompts[i]]
		if answered[key] {
			continue // the answered question, drawn again with its answer, or the summary
		}
		answered[key] = true
		if answer, ok := answers[key]; ok {
			answer(s)
		} else {
			s.send(keyEnter)
		}
		if key == last {
			return
		}
	}
}

func TestTerminalAnswersAreWritten(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, "new")

	s.answerByKey(map[string]func(s *ptyRun){
		"name": func(s *ptyRun) {
			s.send("2fast" + keyEnter)
			s.expect("must not start with a digit")
			s.send("shop-api" + keyEnter)
		},
		"database": func(s *ptyRun) {
			s.send(keyDown)
			s.expect("> mysql")
			s.send(keyEnter)
		},
	}, "write")
	s.expect("Next steps")
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d\nscreen:\n%s", code, s.screen())
	}

	data, err := os.ReadFile(filepath.Join(dir, "shop-api", ".scaffold.yaml"))
	if err != nil {
		t.Fatalf("read answers: %v\nscreen:\n%s", err, s.screen())
	}
	f, err := config.Parse(".scaffold.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := generator.DefaultOptions()
	want.Name, want.Database = "shop-api", "mysql"
	for _, q := range generator.Questions() {
		if a, ok := f.Answers.Lookup(q.Key); !ok || a.Value != q.Get(want) {
			t.Errorf("answer %s=%v; want %v\n%s", q.Key, a.Value, q.Get(want), data)
		}
	}
}

func TestTerminalInterruptWritesNothing(t *testing.T) {
	for name, interrupt := range map[string]func(s *ptyRun){
		// survey reads Ctrl-C as a key.
		"ctrl-c": func(s *ptyRun) {
			s.keyByKey()
			s.send(keyCtlC)
		},
		// A Ctrl-C pressed while a question is being drawn is a SIGINT.
		"sigint": func(s *ptyRun) {
			if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
				s.t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := start(t, dir, "new")
			s.answerByKey(map[string]func(s *ptyRun){
				"name":   func(s *ptyRun) { s.send("myapi" + keyEnter) },
				"django": interrupt,
			}, "django")
			if code := s.wait(); code != 130 {
				t.Errorf("exit %d; want 130\nscreen:\n%s", code, s.screen())
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 0 {
				t.Errorf("the folder holds %d entries after the interrupt; want none", len(entries))
			}
			lines := strings.Split(s.screen(), "\n")
			if last := lines[len(lines)-1]; last != "scaffold: interrupted; nothing was written" {
				t.Errorf("the screen does not end on a clean line:\n%s", s.screen())
			}
		})
	}
}
