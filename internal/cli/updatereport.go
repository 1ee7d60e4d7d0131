package cli

// updatereport.go tells what an update does: the lines it prints, and the
// errors that end it without a failure of scaffold's own.

import (
	"fmt"
	"strings"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/update"
)

// describeChange says what an update changes: "from django-drf 1.0.0 to
// django-drf 1.1.0", and "with new answers (celery false → true)".
func describeChange(from, to string, answers []string) string {
	var parts []string
	if from != to {
		parts = append(parts, "from "+from+" to "+to)
	}
	if len(answers) > 0 {
		parts = append(parts, "with new answers ("+strings.Join(answers, ", ")+")")
	}
	if len(parts) == 0 {
		return "to " + to
	}
	return strings.Join(parts, ", ")
}

// changedAnswers lists the answers that differ from the recorded ones, as
// "celery false → true".
func changedAnswers(recorded *config.File, r resolved) []string {
	var out []string
	for _, q := range r.Questions {
		section := recorded.Answers
		if strings.HasPrefix(q.FileKey(), "extra.") {
			section = recorded.Extra
		}
		now := q.Get(r.Options)
		was, ok := section.Lookup(q.Key)
		if !ok || fmt.Sprint(was.Value) == fmt.Sprint(now) {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s → %s", q.Key, showAnswer(was.Value), showAnswer(now)))
	}
	return out
}

func showAnswer(v any) string {
	if s, ok := v.(string); ok && s == "" {
		return `""`
	}
	return fmt.Sprint(v)
}

// describeTemplates names templates as they are labelled: "django-drf 1.1.0".
func describeTemplates(t config.Template) string { return t.Name + " " + t.Version }

func describeRecorded(f *config.File) string { return f.Template.Name + " " + f.Template.Version }

// listPaths names up to five paths, then how many more there are.
func listPaths(paths []string) string {
	const most = 5
	shown := make([]string, 0, most)
	for _, p := range paths[:min(len(paths), most)] {
		shown = append(shown, escape.Path(p))
	}
	if len(paths) <= most {
		return strings.Join(shown, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(shown, ", "), len(paths)-most)
}

// printUpdate prints one line per file that the update changes or that
// the user should know about.
func printUpdate(out printer, plan update.Plan) {
	for _, l := range plan.Lines() {
		kind := fmt.Sprintf("%-9s", l.Kind)
		switch l.Kind {
		case update.Conflict:
			kind = out.style(red, kind)
		case update.Updated, update.Merged, update.Added:
			kind = out.style(green, kind)
		case update.Removed, update.Deleted:
			kind = out.style(yellow, kind)
		default:
			kind = out.style(dim, kind)
		}
		text := escape.Path(l.Path)
		if l.Note != "" {
			text += ": " + l.Note
		}
		_ = out.printf("  %s %s\n", kind, text)
	}
}

// ConflictError reports files that got conflict markers, or would have
// with --no-conflicts.
type ConflictError struct {
	Dir     string
	Paths   []string
	Written bool
}

func (e *ConflictError) Error() string {
	if !e.Written {
		return fmt.Sprintf("the update of %s has conflicts in %s, so nothing was written (--no-conflicts); run without it to get conflict markers to resolve", e.Dir, listPaths(e.Paths))
	}
	return fmt.Sprintf("%s is updated, with conflicts to resolve in %s: keep what you want between <<<<<<< and >>>>>>>, remove the markers, then run scaffold update again to check",
		e.Dir, listPaths(e.Paths))
}

// LagsError reports, for --check, a project that its templates have moved
// past.
type LagsError struct {
	Dir, To, Summary string
}

func (e *LagsError) Error() string {
	return fmt.Sprintf("%s lags %s (%s); run scaffold update to bring it up to date", e.Dir, e.To, e.Summary)
}
