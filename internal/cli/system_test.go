package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// hungDocker puts on PATH a docker that never answers, and whose child
// keeps stdout open after docker itself is killed.
func hungDocker(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake docker is a shell script")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\n" + sleep + " 5\necho done\n"
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
}

// systemEnv is a testEnv that runs the machine's own programs.
func systemEnv() *Env {
	env := testEnv(afero.NewMemMapFs())
	env.LookPath, env.Exec, env.FindDockerPlugin = exec.LookPath, SystemExec, FindDockerPlugin
	return env
}

func TestHungDockerTimesOut(t *testing.T) {
	hungDocker(t)
	defer func(d time.Duration) { toolTimeout = d }(toolTimeout)
	toolTimeout = 200 * time.Millisecond
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"doctor"}, ExitFailure, "✘ Docker client   did not answer within 200ms"},
		{[]string{"doctor"}, ExitFailure, "✘ Docker Compose  did not answer within 200ms"},
		// new never runs docker: a hung one cannot slow it down.
		{[]string{"new", "myapi", "--yes"}, ExitOK, "Next steps"},
	} {
		start := time.Now()
		r := run(t, harness{env: systemEnv()}, tc.args...)
		took := time.Since(start)
		if took > 3*time.Second {
			t.Errorf("%q took %s; want the 200ms timeout and little more", tc.args, took)
		}
		if r.code != tc.code || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%q: exit %d, stdout:\n%s\nwant exit %d and %q; stderr: %s", tc.args, r.code, r.stdout, tc.code, tc.want, r.stderr)
		}
		if strings.Contains(r.stdout, "killed") || tc.args[0] == "doctor" && strings.Contains(r.stdout, "not installed") {
			t.Errorf("%q: a hung docker is reported as missing or killed:\n%s", tc.args, r.stdout)
		}
	}
}

func TestHungDockerInterrupted(t *testing.T) {
	hungDocker(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	r := run(t, harness{ctx: ctx, env: systemEnv()}, "doctor")
	took := time.Since(start)
	if took > 3*time.Second {
		t.Errorf("doctor took %s after Ctrl-C", took)
	}
	if r.code != ExitInterrupted {
		t.Errorf("exit %d; want %d; stdout:\n%s", r.code, ExitInterrupted, r.stdout)
	}
}
