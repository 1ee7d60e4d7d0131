//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// On a terminal with TERM=dumb, questions are asked one line at a time,
// and nothing scaffold prints holds an escape sequence.
func TestDumbTerminalGetsPlainQuestions(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "new", "--no-resource", "--git=false")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), runAsScaffold+"=1", "TERM=dumb", "PATH="+t.TempDir())
	ptm, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	var (
		mu  sync.Mutex
		out bytes.Buffer
	)
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 4096)
		for {
			n, err := ptm.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	screen := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Each question ends in ": ". It is answered by what it asks, as by key:
	// a name, yes to writing the project, and every other default.
	asked := 0
	deadline := time.After(10 * time.Second)
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("scaffold: %v\n%s", err, screen())
			}
			finished = true
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("scaffold did not finish\n%s", screen())
		case <-time.After(10 * time.Millisecond):
			s := screen()
			if strings.Count(s, ": ") == asked || !strings.HasSuffix(s, ": ") {
				continue
			}
			asked++
			answer := "\n"
			switch question := s[strings.LastIndex(s, "\n")+1:]; {
			case strings.Contains(question, "Project name"):
				answer = "shop\n"
			case strings.Contains(question, "Write the project?"):
				answer = "y\n"
			}
			if _, err := ptm.WriteString(answer); err != nil {
				t.Fatal(err)
			}
		}
	}
	ptm.Close()
	<-read
	if strings.Contains(screen(), "\x1b") {
		t.Errorf("escape sequences on a dumb terminal:\n%q", screen())
	}
	if !strings.Contains(screen(), "Project name") || !strings.Contains(screen(), "Write the project?") {
		t.Errorf("the questions were not asked:\n%s", screen())
	}
	if _, err := os.Stat(filepath.Join(dir, "shop", ".scaffold.yaml")); err != nil {
		t.Errorf("no project: %v\n%s", err, screen())
	}
}
