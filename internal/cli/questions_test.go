package cli

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/golden"
	"github.com/djscaffold/scaffold/internal/prompt"
	"github.com/djscaffold/scaffold/internal/writer"
)

// filesIn lists every file on fsys.
func filesIn(t *testing.T, fsys afero.Fs) []string {
	t.Helper()
	return slices.Sorted(func(yield func(string) bool) {
		for name := range tree(t, fsys, "/") {
			if !yield(name) {
				return
			}
		}
	})
}

// flagsOf is the scaffold new command line that answers every builtin
// question as o does.
func flagsOf(o generator.Options) []string {
	return strings.Fields(strings.TrimPrefix(golden.Command(o), "scaffold "))
}

// hasRow reports whether the summary in stdout shows value for title.
func hasRow(stdout, title, value string) bool {
	return regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(title) + ` +` + regexp.QuoteMeta(value) + `$`).MatchString(stdout)
}

// builtinKeys are the names of the builtin questions, in the order asked:
// the fields of the example resource right after its name.
func builtinKeys() []string {
	var keys []string
	for _, q := range generator.Questions() {
		keys = append(keys, q.Key)
		if q.Key == "resource" {
			keys = append(keys, FieldsQuestion)
		}
	}
	return keys
}

func TestQuestionsInOrderWithHelp(t *testing.T) {
	fake := prompt.NewFake(map[string]any{"name": "myapi"})
	r := run(t, harness{asked: fake}, "new")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if got, want := fake.Names(), append(builtinKeys(), "write"); !slices.Equal(got, want) {
		t.Errorf("questions:\n got %q\nwant %q", got, want)
	}
	for _, q := range generator.Questions() {
		i := slices.Index(fake.Names(), q.Key)
		if asked := fake.Asked[i]; asked.Message != q.Prompt || asked.Help == "" || strings.Contains(asked.Help, "\n") {
			t.Errorf("%s: asked %q with help %q; want %q and one line of help", q.Key, asked.Message, asked.Help, q.Prompt)
		}
	}
	want := generator.DefaultOptions()
	want.Name = "myapi"
	got := answersIn(t, r.fs, "myapi")
	for _, q := range generator.Questions() {
		if got[q.Key] != q.Get(want) {
			t.Errorf("Enter everywhere: %s = %v; want the default %v", q.Key, got[q.Key], q.Get(want))
		}
	}
}

func TestQuestionsAnsweredByFlagsOrConfigAreSkipped(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "answers.yaml", "answers:\n  auth: jwt\n  ci: gitlab\n")
	fake := prompt.NewFake(map[string]any{"write": true})
	r := run(t, harness{fs: fsys, asked: fake}, "new", "shop", "--config", "answers.yaml",
		"--python", "3.12", "--database", "mysql", "--no-resource", "--celery", "--api-docs=false")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	// Without a resource, there are no fields to ask for either, and no
	// owner of its objects.
	given := []string{"name", "python", "database", "resource", FieldsQuestion, "owner", "celery", "api_docs", "auth", "ci"}
	want := slices.DeleteFunc(append(builtinKeys(), "write"), func(k string) bool { return slices.Contains(given, k) })
	if got := fake.Names(); !slices.Equal(got, want) {
		t.Errorf("questions:\n got %q\nwant %q", got, want)
	}
	a := answersIn(t, fsys, "shop")
	if a["python"] != "3.12" || a["database"] != "mysql" || a["resource"] != "" || a["celery"] != true ||
		a["api_docs"] != false || a["auth"] != "jwt" || a["ci"] != "gitlab" {
		t.Errorf("answers %v lost a flag or the answers file", a)
	}
}

func TestDjangoChoicesFollowPython(t *testing.T) {
	python, _ := generator.QuestionByKey("python")
	for _, py := range python.Values {
		t.Run(py, func(t *testing.T) {
			fake := prompt.NewFake(map[string]any{"name": "myapi", "python": py, "django": prompt.ErrInterrupted})
			run(t, harness{asked: fake}, "new")
			if len(fake.Asked) != 3 {
				t.Fatalf("asked %q", fake.Names())
			}
			if want := generator.DjangoVersionsFor(py); !slices.Equal(fake.Asked[2].Options, want) {
				t.Errorf("Python %s: Django options %q; want %q", py, fake.Asked[2].Options, want)
			}
		})
	}
	t.Run("django given", func(t *testing.T) {
		fake := prompt.NewFake(map[string]any{"name": "myapi", "python": prompt.ErrInterrupted})
		run(t, harness{asked: fake}, "new", "--django", "6.1")
		var want []string
		for _, py := range python.Values {
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
	writeFile(t, fsys, "taken/README", "mine\n")
	fake := prompt.NewFake(map[string]any{"name": []any{"1bad", "my api", "django", "taken", "good-name"}})
	r := run(t, harness{fs: fsys, asked: fake}, "new")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	refused := fake.Asked[0].Refused
	if len(refused) != 4 {
		t.Fatalf("refused %v; want the four bad names", refused)
	}
	for _, err := range refused[:3] {
		if _, ok := errors.AsType[*generator.OptionError](err); !ok {
			t.Errorf("refused with %v; want a *generator.OptionError", err)
		}
	}
	if !errors.Is(refused[3], writer.ErrTargetNotEmpty) || strings.Contains(refused[3].Error(), "--force") {
		t.Errorf("a taken folder was refused with %q; want ErrTargetNotEmpty, without suggesting --force", refused[3])
	}
	if got := answersIn(t, fsys, "good-name"); got["name"] != "good-name" {
		t.Errorf("name %q; want good-name", got["name"])
	}
}

func TestBadResourceIsAskedAgainAndNoneMeansNone(t *testing.T) {
	fake := prompt.NewFake(map[string]any{"name": "myapi", "resource": []any{"Blog Posts", "admin", "none"}})
	r := run(t, harness{asked: fake}, "new")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if refused := fake.Asked[slices.Index(fake.Names(), "resource")].Refused; len(refused) != 2 {
		t.Errorf("refused %v; want the two bad resources", refused)
	}
	if got := answersIn(t, r.fs, "myapi"); got["resource"] != "" {
		t.Errorf("resource %q; want none", got["resource"])
	}
	if !hasRow(r.stdout, "Resource", "none") {
		t.Errorf("the summary does not say there is no resource:\n%s", r.stdout)
	}
}

func TestSummaryShowsEveryAnswer(t *testing.T) {
	fake := prompt.NewFake(map[string]any{"name": "myapi", "write": true})
	r := run(t, harness{asked: fake}, "new", "-o", "work", "--python", "3.14", "--django", "6.1",
		"--database", "sqlite", "--auth", "session", "--resource", "books", "--api-docs=false",
		"--celery", "--cors", "--server", "uvicorn", "--ci", "none")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	for _, want := range [][2]string{{"Name", "myapi"}, {"Folder", "work/myapi"}, {"Python", "3.14"}, {"Django", "6.1"},
		{"Database", "sqlite"}, {"Auth", "session"}, {"Resource", "books, at /api/books/"}, {"API docs", "no"},
		{"Celery", "yes"}, {"CORS", "yes"}, {"Server", "uvicorn"}, {"CI", "none"}} {
		if !hasRow(r.stdout, want[0], want[1]) {
			t.Errorf("summary lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour without Env.Color:\n%q", r.stdout)
	}
}

func TestDecliningWritesNothing(t *testing.T) {
	fake := prompt.NewFake(map[string]any{"name": "myapi", "write": false})
	r := run(t, harness{asked: fake}, "new")
	if r.code != ExitFailure {
		t.Errorf("exit %d; want %d", r.code, ExitFailure)
	}
	if files := filesIn(t, r.fs); len(files) != 0 {
		t.Errorf("wrote %q after no", files)
	}
	if want := "scaffold: not confirmed; nothing was written\n"; r.stderr != want {
		t.Errorf("stderr %q; want %q", r.stderr, want)
	}
}

func TestInterruptedQuestionsWriteNothing(t *testing.T) {
	for _, key := range []string{"name", "django", "ci", "write"} {
		fake := prompt.NewFake(map[string]any{"name": "myapi", key: prompt.ErrInterrupted})
		r := run(t, harness{asked: fake}, "new")
		if r.code != ExitInterrupted || r.stderr != "scaffold: interrupted; nothing was written\n" {
			t.Errorf("interrupted at %s: exit %d, stderr %q; want %d", key, r.code, r.stderr, ExitInterrupted)
		}
		if files := filesIn(t, r.fs); len(files) != 0 {
			t.Errorf("interrupted at %s: wrote %q", key, files)
		}
	}
}

func TestBadFlagIsReportedBeforeAnyQuestion(t *testing.T) {
	for _, args := range [][]string{
		{"new", "--database", "oracle"},
		{"new", "--python", "3.11"},
		{"new", "--resource", "Bad"},
		{"new", "1bad"},
	} {
		fake := prompt.NewFake(nil)
		r := run(t, harness{asked: fake}, args...)
		if r.code != ExitUsage || len(fake.Asked) != 0 {
			t.Errorf("%q: exit %d after %q; want exit 2 before any question", args, r.code, fake.Names())
		}
	}
}

func TestTakenFolderIsReportedBeforeAnyQuestion(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "myapi/README", "mine\n")
	fake := prompt.NewFake(nil)
	r := run(t, harness{fs: fsys, asked: fake}, "new", "myapi")
	if r.code != ExitFailure || len(fake.Asked) != 0 {
		t.Errorf("exit %d after %q; want exit 1 before any question", r.code, fake.Names())
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
		fake := prompt.NewFake(nil)
		env := testEnv(afero.NewMemMapFs())
		env.Interactive, env.Prompter = tc.interactive, fake
		r := run(t, harness{ctx: t.Context(), env: env}, tc.args...)
		if r.code != ExitOK || len(fake.Asked) != 0 {
			t.Errorf("%q (terminal: %v): exit %d, asked %q; want 0 and no questions; stderr: %s",
				tc.args, tc.interactive, r.code, fake.Names(), r.stderr)
		}
	}
}

func TestEverythingGivenAsksNothing(t *testing.T) {
	o := generator.DefaultOptions()
	o.Name = "myapi"
	fake := prompt.NewFake(nil)
	r := run(t, harness{asked: fake}, flagsOf(o)...)
	if r.code != ExitOK || len(fake.Asked) != 0 {
		t.Errorf("exit %d, asked %q; want no questions and no confirmation", r.code, fake.Names())
	}
}

func TestDryRunAsksNoConfirmation(t *testing.T) {
	fake := prompt.NewFake(map[string]any{"name": "myapi"})
	r := run(t, harness{asked: fake}, "new", "--dry-run")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	if slices.Contains(fake.Names(), "write") {
		t.Error("--dry-run asked to confirm writing")
	}
	if files := filesIn(t, r.fs); len(files) != 0 {
		t.Errorf("--dry-run wrote %q", files)
	}
}

func TestPackQuestionsComeBeforeTheSummary(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFile(t, fsys, "p/pack.yaml", "name: p\nversion: 1.0.0\nquestions:\n  - name: team\n    prompt: Owning team\n    default: platform\n")
	fake := prompt.NewFake(map[string]any{"name": "shop", "team": "payments", "write": true})
	r := run(t, harness{fs: fsys, asked: fake}, "new", "--template", "p")
	if r.code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", r.code, r.stderr)
	}
	msgs := fake.Messages()
	if got := msgs[len(msgs)-2:]; !slices.Equal(got, []string{"Owning team", "Write the project?"}) {
		t.Errorf("last questions %q; want the pack's, then the confirmation", got)
	}
	if !hasRow(r.stdout, "team", "payments") {
		t.Errorf("the summary lacks the pack's answer:\n%s", r.stdout)
	}
}

// otherAnswer is an answer to q other than its default, valid with the
// other defaults; ok is false for a text question without a sample here.
func otherAnswer(q generator.Question) (v any, ok bool) {
	switch {
	case q.Kind == generator.KindBool:
		return !q.Default.(bool), true
	case q.Kind == generator.KindChoice:
		for _, v := range slices.Backward(q.Values) {
			if v != q.Default {
				return v, true
			}
		}
	case q.Key == "resource":
		return "books", true
	}
	return nil, false
}

// TestAQuestionIsOneEntry proves, for every entry of the question table,
// that its flag, prompt, summary row, answers-file key and template field
// follow from the entry alone: a new question needs nothing else in Go.
func TestAQuestionIsOneEntry(t *testing.T) {
	for _, q := range generator.Questions()[1:] { // the name is the argument
		t.Run(q.Key, func(t *testing.T) {
			v, ok := otherAnswer(q)
			if !ok {
				t.Fatalf("no answer other than the default for %s: add one to otherAnswer", q.Key)
			}
			text := fmt.Sprint(v)
			fsys := afero.NewMemMapFs()
			writeFile(t, fsys, "p/pack.yaml", "name: p\nversion: 1.0.0\n")
			writeFile(t, fsys, "p/files/field.txt.tmpl", "{{ ."+q.Field+" }}\n")

			if r := run(t, harness{fs: fsys}, "new", "flagged", "--yes", "--template", "p", "--"+q.Flag+"="+text); r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := readFile(t, fsys, "flagged/field.txt"); got != text+"\n" {
				t.Errorf("{{ .%s }} = %q; want the flag's answer %q", q.Field, got, text)
			}
			if got := answersIn(t, fsys, "flagged")[q.Key]; got != v {
				t.Errorf("answers file: %s = %v; want %v", q.Key, got, v)
			}

			fake := prompt.NewFake(map[string]any{"name": "asked", q.Key: text})
			if q.Kind == generator.KindBool {
				fake.Answers[q.Key] = v
			}
			r := run(t, harness{fs: fsys, asked: fake}, "new", "--template", "p")
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			want := generator.DefaultOptions()
			q.Set(&want, v)
			if i := slices.Index(fake.Names(), q.Key); i < 0 || fake.Asked[i].Message != q.Prompt {
				t.Errorf("asked %q; want %s asked as %q", fake.Names(), q.Key, q.Prompt)
			}
			if !hasRow(r.stdout, q.Title, q.Display(want)) {
				t.Errorf("the summary lacks %s %q:\n%s", q.Title, q.Display(want), r.stdout)
			}

			// Replaying the answers file gives the answer back.
			if r := run(t, harness{fs: fsys}, "new", "--config", "asked/.scaffold.yaml", "--no-input", "-o", "again"); r.code != ExitOK {
				t.Fatalf("replay: exit %d: %s", r.code, r.stderr)
			}
			if got := readFile(t, fsys, "again/asked/field.txt"); got != text+"\n" {
				t.Errorf("replayed {{ .%s }} = %q; want %q", q.Field, got, text)
			}
		})
	}
}

// TestTheQuestionTableIsACopy: nothing, a test included, can change the
// table that every command reads.
func TestTheQuestionTableIsACopy(t *testing.T) {
	qs := generator.Questions()
	qs[0].Key = "changed"
	qs[2].Values[0] = "changed"
	again := generator.Questions()
	if again[0].Key == "changed" || again[2].Values[0] == "changed" {
		t.Error("changing the table Questions returned changed the next one")
	}
	q, _ := generator.QuestionByKey("database")
	q.Values[0] = "changed"
	if q, _ := generator.QuestionByKey("database"); q.Values[0] == "changed" {
		t.Error("changing a question QuestionByKey returned changed the table")
	}
}
