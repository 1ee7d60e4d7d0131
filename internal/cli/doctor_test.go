package cli

import (
	"strings"
	"testing"
)

func TestDoctor(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*fakeMachine)
		code   int
		want   []string
	}{
		"ready": {func(*fakeMachine) {}, ExitOK,
			[]string{"✔ Docker client   28.0.1", "✔ Docker server   28.0.1", "✔ Docker Compose  2.33.1", "✔ git             2.47.1", "Ready"}},
		"no server": {func(m *fakeMachine) {
			m.results["docker version --format "+dockerFmt] = fails("28.0.1|\n",
				"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n")
		}, ExitFailure,
			[]string{"✔ Docker client   28.0.1", "✘ Docker server   not reachable: Cannot connect to the Docker daemon", "systemctl start docker"}},
		"no permission": {func(m *fakeMachine) {
			m.results["docker version --format "+dockerFmt] = fails("28.0.1|\n",
				"permission denied while trying to connect to the Docker daemon socket\n")
		}, ExitFailure,
			[]string{"✘ Docker server   not reachable: permission denied", "usermod -aG docker"}},
		"no compose": {func(m *fakeMachine) {
			m.results["docker compose version --short"] = fails("", "docker: unknown command: docker compose\n")
		}, ExitFailure,
			[]string{"✘ Docker Compose  the Compose v2 plugin is not installed", "https://docs.docker.com/compose/install/"}},
		"no docker": {func(m *fakeMachine) { m.installed["docker"] = false }, ExitFailure,
			[]string{"✘ Docker client   not found", "✘ Docker server   needs the Docker client", "✘ Docker Compose  needs the Docker client"}},
		"no git": {func(m *fakeMachine) { m.installed["git"] = false }, ExitOK,
			[]string{"! git             not found", "Ready"}},
		"old compose": {func(m *fakeMachine) {
			m.results["docker compose version --short"] = prints("v2.24.6\n")
		}, ExitFailure,
			[]string{"✘ Docker Compose  2.24.6 is too old; generated projects need 2.24.7 or newer", "update Docker Desktop, or the Compose plugin"}},
		"oldest compose": {func(m *fakeMachine) {
			m.results["docker compose version --short"] = prints("2.24.7-desktop.1\n")
		}, ExitOK,
			[]string{"✔ Docker Compose  2.24.7-desktop.1", "Ready"}},
		"compose of unknown version": {func(m *fakeMachine) {
			m.results["docker compose version --short"] = prints("dev\n")
		}, ExitOK,
			[]string{`! Docker Compose  version "dev" not understood; generated projects need 2.24.7 or newer`, "Ready"}},
		"old engine": {func(m *fakeMachine) {
			m.results["docker version --format "+dockerFmt] = prints("28.0.1|19.03.15\n")
		}, ExitFailure,
			[]string{"✔ Docker client   28.0.1", "✘ Docker server   19.03.15 is too old; generated projects need 20.10 or newer", "update Docker Desktop, or Docker Engine"}},
		"oldest engine": {func(m *fakeMachine) {
			m.results["docker version --format "+dockerFmt] = prints("28.2.2|20.10.24+dfsg1\n")
		}, ExitOK,
			[]string{"✔ Docker server   20.10.24+dfsg1", "Ready"}},
	} {
		t.Run(name, func(t *testing.T) {
			m := healthyMachine()
			tc.change(m)
			code, stdout, stderr := run(t, harness{machine: m}, "doctor").outputs()
			if code != tc.code {
				t.Errorf("exit %d; want %d; stderr: %s", code, tc.code, stderr)
			}
			for _, want := range tc.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			if tc.code != ExitOK && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q; want one line", stderr)
			}
			if tc.code == ExitOK && stderr != "" {
				t.Errorf("stderr %q; want nothing", stderr)
			}
		})
	}
}

func TestDoctorColour(t *testing.T) {
	_, plain, _ := run(t, harness{machine: healthyMachine()}, "doctor").outputs()
	_, coloured, _ := run(t, harness{machine: healthyMachine(), color: true}, "doctor").outputs()
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("colour without Env.Color: %q", plain)
	}
	if !strings.Contains(coloured, "\x1b[32m✔") {
		t.Errorf("no green pass with Env.Color: %q", coloured)
	}
}
