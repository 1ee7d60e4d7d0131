package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/prompt"
)

func TestColourOnTerminal(t *testing.T) {
	env := testEnv(newFs(t))
	env.Color = true
	if r := run(t, harness{env: env}, "new", "myapi", "-y"); r.code != ExitOK || !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("exit %d; no colour with Color set:\n%s", r.code, r.stdout)
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("disk full"), ExitFailure},
		{fmt.Errorf("wrapped: %w", &usageError{Err: errors.New("bad flag")}), ExitUsage},
		{&config.Error{File: "a.yaml", Msg: "bad"}, ExitUsage},
		{&interruptedError{Err: prompt.ErrInterrupted}, ExitInterrupted},
		{&interruptedError{Signal: os.Interrupt}, ExitInterrupted},
		{&interruptedError{Signal: syscall.SIGTERM}, ExitTerminated},
		// An error is told by its kind, never by its words.
		{errors.New("invalid value: interrupted"), ExitFailure},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d; want %d", tc.err, got, tc.want)
		}
	}
}

func TestSignalsExitWithTheirCode(t *testing.T) {
	for sig, want := range map[os.Signal]int{os.Interrupt: ExitInterrupted, syscall.SIGTERM: ExitTerminated} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&interruptedError{Signal: sig, Err: context.Canceled})
		r := run(t, harness{ctx: ctx, fs: newFs(t)}, "new", "myapi", "--yes")
		if r.code != want || r.stderr != "scaffold: interrupted; nothing was written\n" {
			t.Errorf("%v: exit %d, stderr %q; want %d", sig, r.code, r.stderr, want)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if r := run(b, harness{fs: afero.NewMemMapFs()}, "new", "myapi", "--yes", "--quiet"); r.code != ExitOK {
			b.Fatal(r.stderr)
		}
	}
}

// BenchmarkNewOnDisk is the same run onto the real filesystem.
func BenchmarkNewOnDisk(b *testing.B) {
	fsys := afero.NewBasePathFs(afero.NewOsFs(), b.TempDir())
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n++
		if r := run(b, harness{fs: fsys}, "new", fmt.Sprintf("myapi%d", n), "--yes", "--quiet"); r.code != ExitOK {
			b.Fatal(r.stderr)
		}
	}
}

func TestPanicBecomesOneLine(t *testing.T) {
	env := testEnv(newFs(t))
	// A nil random source makes rendering the secrets panic.
	env.Rand = nil
	r := run(t, harness{env: env}, "new", "myapi", "--yes")
	if r.code != ExitFailure || !strings.HasPrefix(r.stderr, "scaffold: internal error:") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
