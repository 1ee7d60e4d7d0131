package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/prompt"
)

func answersOf(t testing.TB, fsys afero.Fs, project string) string {
	t.Helper()
	return readFile(t, fsys, project+"/.scaffold.yaml")
}

func TestNewWithDefaults(t *testing.T) {
	fsys := newFs(t)
	r := run(t, fsys, "new", "myapi", "--yes")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Wrote", "myapi", "cd myapi", "docker compose up --build"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour codes without a terminal")
	}
	answers := answersOf(t, fsys, "myapi")
	for _, want := range []string{"name: myapi", `python: "3.13"`, `django: "5.2"`, "database: postgres", "auth: token", "resource: items", "api_docs: true", "server: gunicorn", "ci: github"} {
		if !strings.Contains(answers, want) {
			t.Errorf(".scaffold.yaml lacks %q:\n%s", want, answers)
		}
	}
}

func TestNewTwiceLeavesTheFirstProjectAlone(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, fsys, "new", "myapi", "--yes"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	before := tree(t, fsys, "myapi")
	r := run(t, fsys, "new", "myapi", "--yes")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "myapi") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("second run: exit %d, stderr %q; want exit 1 and one line naming myapi", r.code, r.stderr)
	}
	after := tree(t, fsys, "myapi")
	if len(before) != len(after) {
		t.Fatal("the second run changed the project")
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed", k)
		}
	}
}

func TestNewForceKeepsOtherFilesAndSecrets(t *testing.T) {
	fsys := newFs(t)
	run(t, fsys, "new", "myapi", "--yes")
	if err := afero.WriteFile(fsys, "myapi/notes.md", []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	secrets, _ := afero.ReadFile(fsys, "myapi/.env")
	env := testEnv(fsys)
	env.Rand = rand.NewChaCha8([32]byte{9})
	if r := runEnv(context.Background(), env, "new", "myapi", "--yes", "--force", "--database", "sqlite"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if data, _ := afero.ReadFile(fsys, "myapi/notes.md"); string(data) != "mine" {
		t.Error("--force touched a file scaffold does not generate")
	}
	if data, _ := afero.ReadFile(fsys, "myapi/.env"); !bytes.Equal(data, secrets) {
		t.Error("--force replaced .env")
	}
	if !strings.Contains(answersOf(t, fsys, "myapi"), "database: sqlite") {
		t.Error("--force did not overwrite .scaffold.yaml")
	}
}

func TestPrecedence(t *testing.T) {
	fsys := newFs(t)
	cfg := "answers:\n  name: fromconfig\n  database: mysql\n  auth: jwt\n  celery: true\n  resource: products\n"
	if err := afero.WriteFile(fsys, "answers.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, fsys, "new", "--config", "answers.yaml", "--no-input", "--auth", "session", "--no-resource")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	answers := answersOf(t, fsys, "fromconfig")
	for _, want := range []string{
		"database: mysql",  // config over default
		"auth: session",    // flag over config
		"celery: true",     // config over default
		`resource: ""`,     // flag over config
		"server: gunicorn", // default
		"name: fromconfig", // config answers the name
	} {
		if !strings.Contains(answers, want) {
			t.Errorf(".scaffold.yaml lacks %q:\n%s", want, answers)
		}
	}
	// The argument beats the config's name.
	if r := run(t, fsys, "new", "other", "--config", "answers.yaml", "--no-input"); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(answersOf(t, fsys, "other"), "name: other") {
		t.Error("NAME did not override the config")
	}
}

func TestReplayGivesTheSameFiles(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, fsys, "new", "shop", "--yes", "--database", "mysql", "--auth", "jwt", "--celery", "--ci", "gitlab"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	if r := run(t, fsys, "new", "--config", "shop/.scaffold.yaml", "--no-input", "-o", "again"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	first, second := tree(t, fsys, "shop"), tree(t, fsys, "again/shop")
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	for k, v := range first {
		if second[k] != v {
			t.Errorf("%s differs after replaying .scaffold.yaml", k)
		}
	}
}

func TestRunsDifferOnlyInSecrets(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, fsys, "new", "a1", "--yes"); r.code != ExitOK {
		t.Fatalf("first run: exit %d: %s", r.code, r.stderr)
	}
	env := testEnv(fsys)
	env.Rand = rand.NewChaCha8([32]byte{42})
	if r := runEnv(context.Background(), env, "new", "a1", "--yes", "-o", "second"); r.code != ExitOK {
		t.Fatalf("second run: exit %d: %s", r.code, r.stderr)
	}
	first, second := tree(t, fsys, "a1"), tree(t, fsys, "second/a1")
	if len(first) != len(second) {
		t.Fatalf("%d files, then %d", len(first), len(second))
	}
	var differ []string
	for k, v := range first {
		if second[k] != v {
			differ = append(differ, k)
		}
	}
	sort.Strings(differ)
	if got := strings.Join(differ, ","); got != ".env,.env.db" {
		t.Errorf("files that differ between runs: %q; want .env and .env.db alone, with their own secrets", got)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"new", "myapi", "--database", "oracle"}, "choose one of postgres, mysql, sqlite"},
		{[]string{"new", "myapi", "--auth", "oauth"}, "choose one of session, token, jwt"},
		{[]string{"new", "myapi", "--python", "2.7"}, "choose one of 3.12, 3.13, 3.14"},
		{[]string{"new", "myapi", "--django", "4.2"}, "choose one of 5.2, 6.1"},
		{[]string{"new", "myapi", "--server", "daphne"}, "gunicorn, uvicorn"},
		{[]string{"new", "myapi", "--ci", "travis"}, "github, gitlab, none"},
		{[]string{"new", "myapi", "--resource", "Bad-Name"}, "invalid resource"},
		{[]string{"new", "myapi", "--resource", "x", "--no-resource"}, "resource"},
		{[]string{"new", "myapi", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"new", "myapi", "--celery=maybe"}, `scaffold: invalid value "maybe" for --celery: use true or false` + "\n"},
		{[]string{"new", "myapi", "--git=nah"}, `scaffold: invalid value "nah" for --git: use true or false` + "\n"},
		{[]string{"new", "a", "b"}, "more than one project NAME"},
		{[]string{"new", "1api"}, "must not start with a digit"},
		{[]string{"new", "../up"}, "path separators"},
		{[]string{"new", "django"}, "shadow"},
		{[]string{"new", "--", "-x"}, `must not start with "-"`},
		{[]string{"new", "my api"}, "spaces"},
		{[]string{"new"}, "missing the project NAME"},
		{[]string{"new", "--no-input"}, "missing the project NAME"},
		{[]string{"new", "--yes"}, "missing the project NAME"},
		{[]string{"new", "x", "--yes", "--no-input"}, "cannot be used together"},
		{[]string{"new", "x", "--config", "nope.yaml"}, "nope.yaml does not exist"},
		{[]string{"new", "x", "--config", "cfgdir"}, "scaffold: answers file cfgdir is a folder; pass the .scaffold.yaml file, such as cfgdir/.scaffold.yaml\n"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fsys := newFs(t)
			if err := fsys.Mkdir("cfgdir", 0o755); err != nil {
				t.Fatal(err)
			}
			r := run(t, fsys, tt.args...)
			if r.code != ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", r.code, ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "scaffold: ") {
				t.Errorf("stderr %q, want one line mentioning %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
				t.Error("stack trace on stderr")
			}
			if files := tree(t, fsys, "."); len(files) != 0 {
				t.Errorf("a usage error left files: %v", files)
			}
		})
	}
}

func TestConfigErrorsPointAtTheLine(t *testing.T) {
	tests := []struct {
		cfg, want string
	}{
		{"answers:\n  name: x\n  databse: mysql\n", `answers.yaml line 3: unknown key "answers.databse"`},
		{"answers:\n  name: x\n  celery: often\n", `answers.yaml line 3: answers.celery: "often" is not a boolean`},
		{"answers:\n  name: x\n\n  database: oracle\n", `answers.yaml line 4: invalid database "oracle"`},
		{"answers:\n  name: 9lives\n", `answers.yaml line 2: invalid project name "9lives"`},
	}
	for _, tt := range tests {
		fsys := newFs(t)
		if err := afero.WriteFile(fsys, "answers.yaml", []byte(tt.cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		r := run(t, fsys, "new", "--config", "answers.yaml", "--no-input")
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("config %q: exit %d, stderr %q; want 2 and %q", tt.cfg, r.code, r.stderr, tt.want)
		}
	}
	// A flag that overrides a bad config value is not blamed on the file.
	fsys := newFs(t)
	_ = afero.WriteFile(fsys, "answers.yaml", []byte("answers:\n  database: mysql\n"), 0o644)
	r := run(t, fsys, "new", "x", "--config", "answers.yaml", "--database", "oracle")
	if r.code != ExitUsage || strings.Contains(r.stderr, "answers.yaml") {
		t.Errorf("stderr %q blames the answers file for a flag", r.stderr)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	fsys := newFs(t)
	r := run(t, fsys, "new", "myapi", "--yes", "--dry-run")
	if r.code != ExitOK || !strings.Contains(r.stdout, "myapi/.scaffold.yaml") || !strings.Contains(r.stdout, "Nothing was written") {
		t.Fatalf("exit %d, stdout:\n%s", r.code, r.stdout)
	}
	if files := tree(t, fsys, "."); len(files) != 0 {
		t.Errorf("--dry-run wrote %v", files)
	}
}

func TestDryRunRefusesWhatTheRunRefuses(t *testing.T) {
	fsys := newFs(t)
	writeFile(t, fsys, "myapi/notes.txt", "mine\n")
	dry := run(t, fsys, "new", "myapi", "--yes", "--dry-run")
	real := run(t, fsys, "new", "myapi", "--yes")
	if dry.code != ExitFailure || dry.stderr != real.stderr || dry.code != real.code {
		t.Errorf("--dry-run: exit %d, stderr %q; want what the run gives: exit %d, stderr %q", dry.code, dry.stderr, real.code, real.stderr)
	}
	if strings.Contains(dry.stdout, "Would write") {
		t.Errorf("--dry-run says it would write into a folder the run refuses:\n%s", dry.stdout)
	}
	if r := run(t, fsys, "new", "myapi", "--yes", "--dry-run", "--force"); r.code != ExitOK {
		t.Errorf("--dry-run --force: exit %d: %s", r.code, r.stderr)
	}
}

func TestQuietPrintsNothing(t *testing.T) {
	r := run(t, newFs(t), "new", "myapi", "--yes", "--quiet")
	if r.code != ExitOK || r.stdout != "" || r.stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestOutputFolder(t *testing.T) {
	fsys := newFs(t)
	if r := run(t, fsys, "new", "my-api", "-y", "-o", "projects/deep"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	if _, err := fsys.Stat("projects/deep/my-api/.scaffold.yaml"); err != nil {
		t.Error(err)
	}
}

func TestColourOnTerminal(t *testing.T) {
	env := testEnv(newFs(t))
	env.Color = true
	if r := runEnv(context.Background(), env, "new", "myapi", "-y"); r.code != ExitOK || !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("exit %d; no colour with Color set:\n%s", r.code, r.stdout)
	}
}

func TestVersionAndCompletion(t *testing.T) {
	if r := run(t, newFs(t), "version"); r.code != ExitOK || !strings.HasPrefix(r.stdout, "scaffold dev\ncommit: ") ||
		!strings.Contains(r.stdout, "\nbuilt: ") || !strings.Contains(r.stdout, "\ngo: go1.") {
		t.Errorf("version: %+v", r)
	}
	if r := run(t, newFs(t), "--version"); r.code != ExitOK || r.stdout != "scaffold dev\n" {
		t.Errorf("--version: %+v", r)
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if r := run(t, newFs(t), "completion", shell); r.code != ExitOK || len(r.stdout) < 100 {
			t.Errorf("completion %s: exit %d", shell, r.code)
		}
	}
	for _, cmd := range []string{"new", "version", "completion"} {
		if r := run(t, newFs(t), cmd, "--help"); r.code != ExitOK || !strings.Contains(r.stdout, "Example") {
			t.Errorf("%s --help: exit %d\n%s", cmd, r.code, r.stdout)
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "foo"}, {"completion", "bash", "zsh"}} {
		if r := run(t, newFs(t), args...); r.code != ExitUsage || r.stdout != "" || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "bash, zsh, fish or powershell") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want a one-line usage error", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("disk full"), ExitFailure},
		{fmt.Errorf("wrapped: %w", &UsageError{Err: errors.New("bad flag")}), ExitUsage},
		{&config.Error{File: "a.yaml", Msg: "bad"}, ExitUsage},
		{&InterruptedError{Err: prompt.ErrInterrupted}, ExitInterrupted},
		{&InterruptedError{Signal: os.Interrupt}, ExitInterrupted},
		{&InterruptedError{Signal: syscall.SIGTERM}, ExitTerminated},
		// An error is told by its kind, never by its words.
		{errors.New("invalid value: interrupted"), ExitFailure},
	} {
		if got := ExitCode(tc.err); got != tc.want {
			t.Errorf("ExitCode(%v) = %d; want %d", tc.err, got, tc.want)
		}
	}
}

func TestSignalsExitWithTheirCode(t *testing.T) {
	for sig, want := range map[os.Signal]int{os.Interrupt: ExitInterrupted, syscall.SIGTERM: ExitTerminated} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&InterruptedError{Signal: sig, Err: context.Canceled})
		r := runEnv(ctx, testEnv(newFs(t)), "new", "myapi", "--yes")
		if r.code != want || r.stderr != "scaffold: interrupted; nothing was written\n" {
			t.Errorf("%v: exit %d, stderr %q; want %d", sig, r.code, r.stderr, want)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if r := run(b, afero.NewMemMapFs(), "new", "myapi", "--yes", "--quiet"); r.code != ExitOK {
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
		if r := run(b, fsys, "new", fmt.Sprintf("myapi%d", n), "--yes", "--quiet"); r.code != ExitOK {
			b.Fatal(r.stderr)
		}
	}
}

func TestPanicBecomesOneLine(t *testing.T) {
	env := testEnv(newFs(t))
	// A nil random source makes rendering the secrets panic.
	env.Rand = nil
	r := runEnv(context.Background(), env, "new", "myapi", "--yes")
	if r.code != ExitFailure || !strings.HasPrefix(r.stderr, "scaffold: internal error:") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
