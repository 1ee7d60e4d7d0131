package cli

import (
	"context"
	"maps"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// stopAfterFs cancels a run at its nth call to the file system, as Ctrl-C
// would at that moment, and lets every call go through.
type stopAfterFs struct {
	afero.Fs
	n      int64
	calls  atomic.Int64
	cancel context.CancelFunc
}

func (s *stopAfterFs) tick() {
	if s.calls.Add(1) == s.n {
		s.cancel()
	}
}

func (s *stopAfterFs) Create(name string) (afero.File, error) { s.tick(); return s.Fs.Create(name) }
func (s *stopAfterFs) Mkdir(name string, perm os.FileMode) error {
	s.tick()
	return s.Fs.Mkdir(name, perm)
}
func (s *stopAfterFs) MkdirAll(name string, perm os.FileMode) error {
	s.tick()
	return s.Fs.MkdirAll(name, perm)
}
func (s *stopAfterFs) Open(name string) (afero.File, error) { s.tick(); return s.Fs.Open(name) }
func (s *stopAfterFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	s.tick()
	return s.Fs.OpenFile(name, flag, perm)
}
func (s *stopAfterFs) Remove(name string) error    { s.tick(); return s.Fs.Remove(name) }
func (s *stopAfterFs) RemoveAll(name string) error { s.tick(); return s.Fs.RemoveAll(name) }
func (s *stopAfterFs) Rename(o, n string) error    { s.tick(); return s.Fs.Rename(o, n) }
func (s *stopAfterFs) Stat(name string) (os.FileInfo, error) {
	s.tick()
	return s.Fs.Stat(name)
}
func (s *stopAfterFs) Chmod(name string, mode os.FileMode) error {
	s.tick()
	return s.Fs.Chmod(name, mode)
}
func (s *stopAfterFs) Chtimes(name string, a, m time.Time) error {
	s.tick()
	return s.Fs.Chtimes(name, a, m)
}

func (s *stopAfterFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	s.tick()
	if l, ok := s.Fs.(afero.Lstater); ok {
		return l.LstatIfPossible(name)
	}
	info, err := s.Fs.Stat(name)
	return info, false, err
}

// TestUpdateInterruptedLeavesTheProject stops an update at every call it
// makes to the file system in turn, from reading the answers file to the
// last rename: each time, the project is byte for byte as it was.
func TestUpdateInterruptedLeavesTheProject(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi")
	settings := readFile(t, env.Fs, "myapi/config/settings.py")
	writeFile(t, env.Fs, "myapi/config/settings.py", strings.Replace(settings, `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1))
	if err := env.Fs.Remove("myapi/conftest.py"); err != nil {
		t.Fatal(err)
	}
	before := tree(t, env.Fs, "myapi")
	base := env.Fs
	for n := int64(1); ; n++ {
		ctx, cancel := context.WithCancel(context.Background())
		stop := &stopAfterFs{Fs: base, n: n, cancel: cancel}
		env.Fs = stop
		r := run(t, harness{ctx: ctx, env: env}, "update", "myapi", "--celery", "--auth", "jwt")
		cancel()
		env.Fs = base
		if stop.calls.Load() < n {
			// The run ended before its nth call: every point was tried.
			if r.code != ExitOK {
				t.Fatalf("uninterrupted run: exit %d: %s", r.code, r.stderr)
			}
			t.Logf("stopped the update at each of its %d calls to the file system", n-1)
			if n < 50 {
				t.Fatalf("the update made only %d calls to the file system; the test stops nothing", n-1)
			}
			return
		}
		if r.code == ExitOK {
			// Cancelled after its last write: the update is done and whole.
			continue
		}
		if r.code != ExitInterrupted {
			t.Fatalf("stopped at call %d: exit %d, want %d: %s", n, r.code, ExitInterrupted, r.stderr)
		}
		if after := tree(t, base, "myapi"); !maps.Equal(before, after) {
			for name := range after {
				if before[name] != after[name] {
					t.Errorf("stopped at call %d: %s changed", n, name)
				}
			}
			for name := range before {
				if _, ok := after[name]; !ok {
					t.Errorf("stopped at call %d: %s is gone", n, name)
				}
			}
			t.FailNow()
		}
	}
}
