package cli

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

func TestGitInitInTheNewProject(t *testing.T) {
	m := healthyMachine()
	code, stdout, stderr := run(t, harness{machine: m}, "new", "myapi", "--yes").outputs()
	if code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
	if !m.ran(".myapi.scaffold-new$ git init --quiet") {
		t.Errorf("git init did not run in myapi before it appeared; calls: %q", m.calls)
	}
	if slices.ContainsFunc(m.calls, func(c string) bool { return strings.Contains(c, "commit") || strings.Contains(c, "add") }) {
		t.Errorf("scaffold committed: %q", m.calls)
	}
	if !strings.Contains(stdout, "Initialized a git repository") {
		t.Errorf("stdout does not report git init:\n%s", stdout)
	}
	if strings.Contains(stdout, "Compose") {
		t.Errorf("a Docker hint on a machine with Compose v2:\n%s", stdout)
	}
}

func TestGitOff(t *testing.T) {
	m := healthyMachine()
	if code, _, stderr := run(t, harness{machine: m}, "new", "myapi", "--yes", "--git=false").outputs(); code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", code, stderr)
	}
	if slices.ContainsFunc(m.calls, func(c string) bool { return strings.Contains(c, "git ") }) {
		t.Errorf("--git=false ran git: %q", m.calls)
	}
}

func TestGitMissingIsANote(t *testing.T) {
	for _, args := range [][]string{{"new", "myapi", "--yes"}, {"new", "myapi", "--yes", "--git"}} {
		m := healthyMachine()
		m.installed["git"] = false
		code, stdout, stderr := run(t, harness{machine: m}, args...).outputs()
		if code != ExitOK {
			t.Errorf("%q: exit %d; stderr: %s", args, code, stderr)
		}
		var notes []string
		for line := range strings.Lines(stdout) {
			if strings.Contains(line, "git") {
				notes = append(notes, line)
			}
		}
		if len(notes) != 1 || !strings.Contains(notes[0], "git was not found") {
			t.Errorf("%q: want one note that git is missing; got %q", args, notes)
		}
	}
}

func TestGitInsideARepository(t *testing.T) {
	// The current folder is the top of a repository.
	m := healthyMachine()
	m.results["git rev-parse --show-prefix"] = prints("\n")
	code, stdout, _ := run(t, harness{machine: m}, "new", "myapi", "--yes").outputs()
	if code != ExitOK || m.ran(".myapi.scaffold-new$ git init --quiet") {
		t.Errorf("exit %d, calls %q; want no nested repository by default", code, m.calls)
	}
	if !m.ran(".$ git rev-parse --show-prefix") {
		t.Errorf("calls %q; want git asked in the folder above the new project", m.calls)
	}
	if !strings.Contains(stdout, "inside a git repository") {
		t.Errorf("no note on the skipped git init:\n%s", stdout)
	}

	m = healthyMachine()
	m.results["git rev-parse --show-prefix"] = prints("src/\n")
	if code, _, _ := run(t, harness{machine: m}, "new", "myapi", "--yes", "--git").outputs(); code != ExitOK || !m.ran(".myapi.scaffold-new$ git init --quiet") {
		t.Errorf("exit %d, calls %q; want --git to run git init anyway", code, m.calls)
	}
}

func TestGitLeavesAProjectThatIsARepository(t *testing.T) {
	for _, args := range [][]string{{"new", "myapi", "--yes", "--force"}, {"new", "myapi", "--yes", "--force", "--git"}} {
		m := healthyMachine()
		m.results["git rev-parse --show-prefix"] = prints("myapi/\n")
		m.results["myapi$ git rev-parse --show-prefix"] = prints("\n")
		fsys := afero.NewMemMapFs()
		writeFile(t, fsys, "myapi/.git/HEAD", "ref: refs/heads/main\n")
		code, stdout, stderr := run(t, harness{fs: fsys, machine: m}, args...).outputs()
		if code != ExitOK || m.ran("myapi$ git init --quiet") {
			t.Errorf("%q: exit %d, calls %q; want no git init in a repository's own folder", args, code, m.calls)
		}
		if strings.Contains(stdout, "git") || stderr != "" {
			t.Errorf("%q: stdout %q, stderr %q; want nothing said about git", args, stdout, stderr)
		}
	}
}

func TestGitInAFolderOfARepository(t *testing.T) {
	// --force into a folder that exists inside a repository.
	m := healthyMachine()
	m.results["myapi$ git rev-parse --show-prefix"] = prints("myapi/\n")
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "myapi/notes.txt", "mine\n")
	code, stdout, _ := run(t, harness{fs: fsys, machine: m}, "new", "myapi", "--yes", "--force").outputs()
	if code != ExitOK || m.ran("myapi$ git init --quiet") || !strings.Contains(stdout, "inside a git repository") {
		t.Errorf("exit %d, calls %q, stdout:\n%s\nwant no nested repository, and a note", code, m.calls, stdout)
	}
}

func TestGitInitFailureDoesNotFailTheRun(t *testing.T) {
	m := healthyMachine()
	m.results["git init --quiet"] = fails("", "fatal: cannot mkdir .git: Permission denied\n")
	code, _, stderr := run(t, harness{machine: m}, "new", "myapi", "--yes").outputs()
	if code != ExitOK {
		t.Errorf("exit %d; want 0, the project is written", code)
	}
	if !strings.Contains(stderr, "Permission denied") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr %q; want one line with git's reason", stderr)
	}
}

func TestDockerHint(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*fakeMachine)
		want   string
	}{
		"no docker": {func(m *fakeMachine) { m.installed["docker"] = false }, "Docker was not found"},
		"no compose": {func(m *fakeMachine) { delete(m.plugins, "compose") },
			"Docker Compose: the Compose v2 plugin is not installed"},
		"compose not executable": {func(m *fakeMachine) {
			m.plugins["compose"] = errors.New("/usr/libexec/docker/cli-plugins/docker-compose is not an executable file")
		}, "Docker Compose: /usr/libexec/docker/cli-plugins/docker-compose is not an executable file"},
	} {
		t.Run(name, func(t *testing.T) {
			m := healthyMachine()
			tc.change(m)
			code, stdout, stderr := run(t, harness{machine: m}, "new", "myapi", "--yes").outputs()
			if code != ExitOK {
				t.Fatalf("exit %d; stderr: %s", code, stderr)
			}
			if !strings.Contains(stdout, tc.want) || !strings.Contains(stdout, "https://docs.docker.com/compose/install/") {
				t.Errorf("stdout lacks the hint %q:\n%s", tc.want, stdout)
			}
			if i, j := strings.Index(stdout, "Next steps"), strings.Index(stdout, tc.want); i < 0 || j < i {
				t.Errorf("the hint should follow the next steps:\n%s", stdout)
			}
			if slices.ContainsFunc(m.calls, func(c string) bool { return strings.Contains(c, "$ docker") }) {
				t.Errorf("new ran docker, which is for scaffold doctor: %q", m.calls)
			}
		})
	}
}

func TestQuietAndDryRunRunNoChecks(t *testing.T) {
	m := healthyMachine()
	m.installed["docker"] = false
	code, stdout, _ := run(t, harness{machine: m}, "new", "myapi", "--yes", "--quiet").outputs()
	if code != ExitOK || stdout != "" {
		t.Errorf("--quiet: exit %d, stdout %q; want 0 and nothing", code, stdout)
	}
	if slices.ContainsFunc(m.calls, func(c string) bool { return strings.Contains(c, "$ docker") }) {
		t.Errorf("--quiet ran docker: %q", m.calls)
	}

	m = healthyMachine()
	if code, _, _ := run(t, harness{machine: m}, "new", "myapi", "--yes", "--dry-run").outputs(); code != ExitOK || len(m.calls) != 0 {
		t.Errorf("--dry-run: exit %d, calls %q; want no programs run", code, m.calls)
	}
}
