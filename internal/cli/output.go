package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/writer"
)

// printer writes the human report of a run: plain text unless color is on,
// and nothing at all when quiet.
type printer struct {
	w     io.Writer
	color bool
	quiet bool
}

func newPrinter(w io.Writer, color, quiet bool) printer {
	return printer{w: w, color: color, quiet: quiet}
}

const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

func (p printer) style(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + reset
}

func (p printer) printf(format string, args ...any) error {
	if p.quiet {
		return nil
	}
	_, err := fmt.Fprintf(p.w, format, args...)
	return err
}

func (p printer) dryRun(target string, plan generator.Plan) error {
	if err := p.printf("Would write %d files to %s:\n", len(plan.Files), escape.Path(target)); err != nil {
		return err
	}
	for _, f := range plan.Files {
		if err := p.printf("  %s %s\n", p.style(dim, fmt.Sprintf("%04o", f.Mode.Perm())), escape.Path(filepath.ToSlash(filepath.Join(target, f.Path)))); err != nil {
			return err
		}
	}
	return p.printf("Nothing was written (--dry-run).\n")
}

func (p printer) created(res writer.Result) error {
	if err := p.printf("%s Wrote %d files to %s\n", p.style(green, "✔"), len(res.Written), escape.Path(res.Dir)); err != nil {
		return err
	}
	for _, kept := range res.Kept {
		if err := p.printf("  kept your existing %s\n", escape.Path(kept)); err != nil {
			return err
		}
	}
	p.notes(res.Notes)
	return nil
}

// notes tells what a run did beside its work, such as undoing a run that
// was stopped; quiet or not, since each may need the user to act.
func (p printer) notes(notes []string) {
	p.quiet = false
	for _, n := range notes {
		_ = p.note("%s", escape.Line(n))
	}
}

func (p printer) nextSteps(dir string) error {
	// Every endpoint asks for a signed-in user, so the first account comes with the first run.
	return p.printf("\n%s\n  cd %s\n  docker compose up --build\n  docker compose exec web python manage.py createsuperuser\n\nThen open http://localhost:8000/api/ and sign in. README.md has the rest.\n",
		p.style(bold, "Next steps:"), escape.Path(dir))
}

// done reports a step that worked. Its line is escaped whole, whatever
// names it holds (folders, template and pack names, answers), so that none
// reaches the terminal raw; a caller escapes a path with escape.Path too,
// to show where it starts and ends.
func (p printer) done(format string, args ...any) error {
	return p.printf("%s %s\n", p.style(green, "✔"), escape.Line(fmt.Sprintf(format, args...)))
}

// note reports something the user may want to act on, though nothing
// failed, escaped as done's line is.
func (p printer) note(format string, args ...any) error {
	return p.printf("%s %s\n", p.style(yellow, "!"), escape.Line(fmt.Sprintf(format, args...)))
}

// composeHint tells what to do when c says that generated projects cannot
// run here.
func (p printer) composeHint(c check) error {
	if c.problem == "" {
		return nil
	}
	return p.printf("\n%s %s; the project runs with docker compose.\n  %s\n", p.style(yellow, "!"), c.problem, c.fix)
}

const installDockerURL = "https://docs.docker.com/compose/install/"

// summary lists every answer before the project is written, in the order
// of the questions: the builtin ones, then a template pack's own.
func (p printer) summary(questions []generator.Question, o generator.Options, target string) error {
	var rows [][2]string
	for _, q := range questions {
		rows = append(rows, [2]string{q.Title, q.Display(o)})
		if q.FileKey() == "answers.name" && target != o.Name {
			rows = append(rows, [2]string{"Folder", target})
		}
	}
	width := 0
	for i, r := range rows {
		rows[i] = [2]string{escape.Line(r[0]), escape.Line(r[1])}
		width = max(width, columns(rows[i][0]))
	}
	if err := p.printf("\n%s\n", p.style(bold, "Summary")); err != nil {
		return err
	}
	for _, r := range rows {
		if err := p.printf("  %s %s\n", p.style(dim, padRight(r[0], width+1)), r[1]); err != nil {
			return err
		}
	}
	return p.printf("\n")
}
