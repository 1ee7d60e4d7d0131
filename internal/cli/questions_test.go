package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/cli"
	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// promptRun is one run of scaffold in a terminal whose questions a Fake answers.
type promptRun struct {
	code   int
	stdout string
	stderr string
	fs     afero.Fs
	fake   *prompt.Fake
}

func runWithPrompts(t *testing.T, fsys afero.Fs, fake *prompt.Fake, args ...string) promptRun {
	t.Helper()
	if fsys == nil {
		fsys = afero.NewMemMapFs()
	}
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{
		Args:        args,
		Stdin:       strings.NewReader(""),
		Stdout:      &stdout,
		Stderr:      &stderr,
		Fs:          fsys,
		Interactive: true,
		Prompter:    fake,
		Rand:        rand.NewChaCha8([32]byte{}),
	})
	if code == cli.ExitOK && len(fake.Answers) > 0 {
		t.Errorf("%d scripted answers left over; asked %q", len(fake.Answers), fake.Messages())
	}
	return promptRun{code: code, stdout: stdout.String(), stderr: stderr.String(), fs: fsys, fake: fake}
}

// answersIn reads the answers of the project written to dir.
func answersIn(t *testing.T, fsys afero.Fs, dir string) config.Answers {
	t.Helper()
	data, err := afero.ReadFile(fsys, dir+"/.scaffold.yaml")
	if err != nil {
		t.Fatalf("read answers: %v", err)
	}
	f, err := config.Parse(".scaffold.yaml", data)
	if err != nil {
		t.Fatalf("parse answers: %v", err)
	}
	return f.Answers
}

// filesIn lists every file on fsys.
func filesIn(t *testing.T, fsys afero.Fs) []string {
	t.Helper()
	var files []string
	err := afero.Walk(fsys, "/", func(path string, info fs.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// allQuestions are the messages of the questions, in the order asked.
var allQuestions = []string{
	"Project name", "Python version", "Django version", "Database", "API authentication",
	"Example API resource", "API docs (OpenAPI schema and Swagger UI)?", "Celery worker?",
	"CORS headers?", "Application server", "CI pipeline", "Write the project?",
}

func defaults(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = prompt.Default
	}
	return out
}

func TestQuestionsInOrderWithHelp(t *testing.T) {
	fake := prompt.NewFake(append([]any{"myapi"}, defaults(11)...)...)
	r := runWithPrompts(t, nil, fake, "new")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if got := fake.Messages(); !slices.Equal(got, allQuestions) {
		t.Errorf("questions:\n got %q\nwant %q", got, allQuestions)
	}
	for _, q := range fake.Asked {
		if q.Help == "" || strings.Contains(q.Help, "\n") {
			t.Errorf("%q: help %q; want one line", q.Message, q.Help)
		}
	}
	want := generator.AnswersOf(func() generator.Options { o := generator.DefaultOptions(); o.Name = "myapi"; return o }())
	if got := answersIn(t, r.fs, "myapi"); !sameAnswers(got, want) {
		t.Errorf("Enter everywhere: answers %s; want the defaults %s", dump(got), dump(want))
	}
}

func TestQuestionsAnsweredByFlagsOrConfigAreSkipped(t *testing.T) {
	fsys := afero.NewMemMapFs()
	cfg := "answers:\n  auth: jwt\n  ci: gitlab\n"
	if err := afero.WriteFile(fsys, "answers.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := prompt.NewFake(append(defaults(3), true)...)
	r := runWithPrompts(t, fsys, fake, "new", "shop", "--config", "answers.yaml",
		"--python", "3.12", "--database", "mysql", "--no-resource", "--celery", "--api-docs=false")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	want := []string{"Django version", "CORS headers?", "Application server", "Write the project?"}
	if got := fake.Messages(); !slices.Equal(got, want) {
		t.Errorf("questions:\n got %q\nwant %q", got, want)
	}
	a := answersIn(t, r.fs, "shop")
	if *a.Python != "3.12" || *a.Database != "mysql" || *a.Resource != "" || !*a.Celery || *a.APIDocs ||
		*a.Auth != "jwt" || *a.CI != "gitlab" {
		t.Errorf("answers %s lost a flag or the answers file", dump(a))
	}
}

func TestDjangoChoicesFollowPython(t *testing.T) {
	for _, py := range generator.PythonChoice.Values {
		t.Run(py, func(t *testing.T) {
			fake := prompt.NewFake("myapi", py, prompt.ErrInterrupted)
			runWithPrompts(t, nil, fake, "new")
			if len(fake.Asked) != 3 {
				t.Fatalf("asked %q", fake.Messages())
			}
			django := fake.Asked[2]
			if want := generator.DjangoVersionsFor(py); !slices.Equal(django.Options, want) {
				t.Errorf("Python %s: Django options %q; want %q", py, django.Options, want)
			}
		})
	}
	t.Run("django given", func(t *testing.T) {
		fake := prompt.NewFake("myapi", prompt.ErrInterrupted)
		runWithPrompts(t, nil, fake, "new", "--django", "6.1")
		var want []string
		for _, py := range generator.PythonChoice.Values {
			if slices.Contains(generator.DjangoVersionsFor(py), "6.1") {
				want = append(want, py)
			}
		}
		if got := fake.Asked[1].Options; !slices.Equal(got, want) {
			t.Errorf("with --django 6.1, Python options %q; want %q", got, want)
		}
	})
}

func TestBadNameIsAskedAgain(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := afero.WriteFile(fsys, "taken/README", []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := prompt.NewFake(append([]any{"1bad", "my api", "django", "taken", "good-name"}, defaults(11)...)...)
	r := runWithPrompts(t, fsys, fake, "new")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	refused := fake.Asked[0].Refused
	if len(refused) != 4 {
		t.Fatalf("refused %v; want the four bad names", refused)
	}
	for _, err := range refused[:3] {
		var oe *generator.OptionError
		if !errors.As(err, &oe) {
			t.Errorf("refused with %v; want a *generator.OptionError", err)
		}
	}
	if !errors.Is(refused[3], generator.ErrTargetNotEmpty) || strings.Contains(refused[3].Error(), "--force") {
		t.Errorf("a taken folder was refused with %q; want ErrTargetNotEmpty, without suggesting --force", refused[3])
	}
	if got := answersIn(t, r.fs, "good-name"); *got.Name != "good-name" {
		t.Errorf("name %q; want good-name", *got.Name)
	}
}

func TestBadResourceIsAskedAgainAndNoneMeansNone(t *testing.T) {
	fake := prompt.NewFake("myapi", prompt.Default, prompt.Default, prompt.Default, prompt.Default,
		"Blog Posts", "admin", "none", prompt.Default, prompt.Default, prompt.Default, prompt.Default, prompt.Default, true)
	r := runWithPrompts(t, nil, fake, "new")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if refused := fake.Asked[5].Refused; len(refused) != 2 {
		t.Errorf("refused %v; want the two bad resources", refused)
	}
	if got := answersIn(t, r.fs, "myapi"); *got.Resource != "" {
		t.Errorf("resource %q; want none", *got.Resource)
	}
	if !strings.Contains(r.stdout, "Resource  none") {
		t.Errorf("the summary does not say there is no resource:\n%s", r.stdout)
	}
}

func TestSummaryShowsEveryAnswer(t *testing.T) {
	fake := prompt.NewFake("myapi", true)
	r := runWithPrompts(t, nil, fake, "new", "-o", "work", "--python", "3.14", "--django", "6.1",
		"--database", "sqlite", "--auth", "session", "--resource", "books", "--api-docs=false",
		"--celery", "--cors", "--server", "uvicorn", "--ci", "none")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	for _, want := range []string{"Name      myapi", "Folder    work/myapi", "Python    3.14", "Django    6.1",
		"Database  sqlite", "Auth      session", "Resource  books, at /api/books/", "API docs  no",
		"Celery    yes", "CORS      yes", "Server    uvicorn", "CI        none"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour without Env.Color:\n%q", r.stdout)
	}
}

func TestDecliningWritesNothing(t *testing.T) {
	fake := prompt.NewFake(append(append([]any{"myapi"}, defaults(10)...), false)...)
	r := runWithPrompts(t, nil, fake, "new")
	if r.code != cli.ExitFailure {
		t.Errorf("exit %d; want %d", r.code, cli.ExitFailure)
	}
	if files := filesIn(t, r.fs); len(files) != 0 {
		t.Errorf("wrote %q after no", files)
	}
	if want := "scaffold: not confirmed; nothing was written\n"; r.stderr != want {
		t.Errorf("stderr %q; want %q", r.stderr, want)
	}
}

func TestInterruptedQuestionsWriteNothing(t *testing.T) {
	fake := prompt.NewFake("myapi", prompt.Default, prompt.Default, prompt.ErrInterrupted)
	r := runWithPrompts(t, nil, fake, "new")
	if r.code != cli.ExitInterrupted {
		t.Errorf("exit %d; want %d", r.code, cli.ExitInterrupted)
	}
	if files := filesIn(t, r.fs); len(files) != 0 {
		t.Errorf("wrote %q after an interrupt", files)
	}
}

func TestBadFlagIsReportedBeforeAnyQuestion(t *testing.T) {
	for _, args := range [][]string{
		{"new", "--database", "oracle"},
		{"new", "--python", "3.11"},
		{"new", "--resource", "Bad"},
		{"new", "1bad"},
	} {
		fake := prompt.NewFake(defaults(12)...)
		r := runWithPrompts(t, nil, fake, args...)
		if r.code != cli.ExitUsage || len(fake.Asked) != 0 {
			t.Errorf("%q: exit %d after %q; want exit 2 before any question", args, r.code, fake.Messages())
		}
	}
}

func TestTakenFolderIsReportedBeforeAnyQuestion(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := afero.WriteFile(fsys, "myapi/README", []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := prompt.NewFake(defaults(12)...)
	r := runWithPrompts(t, fsys, fake, "new", "myapi")
	if r.code != cli.ExitFailure || len(fake.Asked) != 0 {
		t.Errorf("exit %d after %q; want exit 1 before any question", r.code, fake.Messages())
	}
}

func TestNoQuestionsWithoutATerminalOrWithYes(t *testing.T) {
	for _, tc := range []struct {
		interactive bool
		args        []string
	}{
		{false, []string{"new", "myapi"}},
		{true, []string{"new", "myapi", "--yes"}},
		{true, []string{"new", "myapi", "--no-input"}},
	} {
		fake := prompt.NewFake()
		var stderr bytes.Buffer
		code := cli.Run(context.Background(), cli.Env{
			Args: tc.args, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr,
			Fs: afero.NewMemMapFs(), Interactive: tc.interactive, Prompter: fake, Rand: rand.NewChaCha8([32]byte{}),
		})
		if code != cli.ExitOK || len(fake.Asked) != 0 {
			t.Errorf("%q (terminal: %v): exit %d, asked %q; want 0 and no questions; stderr: %s",
				tc.args, tc.interactive, code, fake.Messages(), stderr.String())
		}
	}
}

func TestEverythingGivenAsksNothing(t *testing.T) {
	fake := prompt.NewFake()
	r := runWithPrompts(t, nil, fake, "new", "myapi", "--python", "3.13", "--django", "5.2",
		"--database", "postgres", "--auth", "token", "--resource", "items", "--api-docs",
		"--celery=false", "--cors=false", "--server", "gunicorn", "--ci", "github")
	if r.code != cli.ExitOK || len(fake.Asked) != 0 {
		t.Errorf("exit %d, asked %q; want no questions and no confirmation", r.code, fake.Messages())
	}
}

func TestDryRunAsksNoConfirmation(t *testing.T) {
	fake := prompt.NewFake(append([]any{"myapi"}, defaults(10)...)...)
	r := runWithPrompts(t, nil, fake, "new", "--dry-run")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if slices.Contains(fake.Messages(), "Write the project?") {
		t.Error("--dry-run asked to confirm writing")
	}
	if files := filesIn(t, r.fs); len(files) != 0 {
		t.Errorf("--dry-run wrote %q", files)
	}
}

func sameAnswers(a, b config.Answers) bool { return dump(a) == dump(b) }

func dump(a config.Answers) string {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	b := func(p *bool) string {
		if p == nil {
			return "<nil>"
		}
		if *p {
			return "true"
		}
		return "false"
	}
	return strings.Join([]string{s(a.Name), s(a.Python), s(a.Django), s(a.Database), s(a.Auth), s(a.Resource),
		b(a.APIDocs), b(a.Celery), b(a.CORS), s(a.Server), s(a.CI)}, " ")
}

func TestPackQuestionsComeBeforeTheSummary(t *testing.T) {
	fsys := afero.NewMemMapFs()
	pack := "name: p\nversion: 1.0.0\nquestions:\n  - name: team\n    prompt: Owning team\n    default: platform\n"
	if err := afero.WriteFile(fsys, "p/pack.yaml", []byte(pack), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := prompt.NewFake(append(append([]any{"shop"}, defaults(10)...), "payments", true)...)
	r := runWithPrompts(t, fsys, fake, "new", "--template", "p")
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	msgs := fake.Messages()
	if got := msgs[len(msgs)-2:]; !slices.Equal(got, []string{"Owning team", "Write the project?"}) {
		t.Errorf("last questions %q; want the pack's, then the confirmation", got)
	}
	if !strings.Contains(r.stdout, "  team      payments\n") {
		t.Errorf("the summary lacks the pack's answer:\n%s", r.stdout)
	}
}
