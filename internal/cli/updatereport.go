package cli

// updatereport.go tells what an update does: the lines it prints, and the
// errors that end it without a failure of scaffold's own.

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/escape"
	"github.com/djscaffold/scaffold/internal/generator"
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

// editedAnswers lists the answers edited by hand in the answers file
// since the files were written, as "celery false → true (edited in
// .scaffold.yaml)".
func editedAnswers(written, recorded generator.Options) []string {
	var out []string
	for _, q := range generator.Questions() {
		was, now := q.Get(written), q.Get(recorded)
		if fmt.Sprint(was) != fmt.Sprint(now) {
			out = append(out, fmt.Sprintf("%s %s → %s, edited in %s", q.Key, showAnswer(was), showAnswer(now), config.FileName))
		}
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

// conflictError reports files that got conflict markers, or would have
// with --no-conflicts.
type conflictError struct {
	Dir     string
	Paths   []string
	Written bool
}

func (e *conflictError) Error() string {
	if !e.Written {
		return fmt.Sprintf("the update of %s has conflicts in %s, so nothing was written (--no-conflicts); run without it to get conflict markers to resolve", e.Dir, listPaths(e.Paths))
	}
	return fmt.Sprintf("%s is updated, with conflicts to resolve in %s: keep what you want between <<<<<<< and >>>>>>>, remove the markers, then run scaffold update again to check",
		e.Dir, listPaths(e.Paths))
}

// lagsError reports, for --check, a project that its templates have moved
// past.
type lagsError struct {
	Dir, To, Summary string
}

func (e *lagsError) Error() string {
	return fmt.Sprintf("%s lags %s (%s); run scaffold update to bring it up to date", e.Dir, e.To, e.Summary)
}

// migrateCommand is how the project runs its migrations: its compose
// file's migrate service, or else manage.py in the web container, as the
// project's README does.
func migrateCommand(theirs generator.Plan) string {
	if f, ok := theirs.Lookup("docker-compose.yml"); ok && bytes.Contains(f.Data, []byte("\n  migrate:\n")) {
		return "docker compose run --rm migrate"
	}
	return "docker compose exec web python manage.py migrate"
}

// unmigrateCommand drops an app's tables by its migrations.
func unmigrateCommand(app string) string {
	return "docker compose exec web python manage.py migrate " + path.Base(app) + " zero"
}

// printNextSteps ends the report with what to run, derived from what the
// update changes.
func printNextSteps(out printer, n update.Next, theirs generator.Plan, dryRun bool) {
	if n.Empty() {
		return
	}
	heading := "Next steps:"
	if dryRun {
		heading = "Next steps, once updated:"
	}
	_ = out.printf("\n%s\n", out.style(bold, heading))
	// In the order to do them: resolve, configure, build, migrate.
	if len(n.Conflicts) > 0 {
		_ = out.printf("  resolve the conflicts in %s; this lists the markers left:\n    git grep -n -e '^<<<<<<< ' -e '^>>>>>>> '\n", listPaths(n.Conflicts))
	}
	if len(n.EnvMissing) > 0 {
		// Most are optional, commented out in .env.example: a long list
		// names the first, and .env.example has the rest.
		const most = 8
		names := strings.Join(n.EnvMissing[:min(len(n.EnvMissing), most)], ", ")
		if len(n.EnvMissing) > most {
			names += fmt.Sprintf(" and %d more", len(n.EnvMissing)-most)
		}
		_ = out.printf("  set in .env what .env.example now has and .env lacks, where you need it: %s\n", escape.Line(names))
	}
	if len(n.Rebuild) > 0 {
		_ = out.printf("  rebuild the images, as %s changed:\n    docker compose up --build\n", listPaths(n.Rebuild))
	}
	if len(n.Migrations) > 0 {
		_ = out.printf("  apply the new migrations (%s):\n    %s\n", listPaths(n.Migrations), migrateCommand(theirs))
	}
}

// printLosses says, for each app the update removes, that the database
// keeps its tables, and how to drop them: the lines above name each file.
func printLosses(out printer, apps []string, allowed bool) {
	for _, app := range apps {
		name := escape.Path(app)
		if !allowed {
			_ = out.printf("\nDatabase tables and data are not touched: the tables of %s stay. To drop them, run this first, while %s/migrations is there:\n    %s\n",
				name, name, unmigrateCommand(app))
			continue
		}
		_ = out.note("the database keeps the tables and data of %s: scaffold never touches them. To drop them, bring the migrations back for a moment: git stash; %s; git stash pop",
			name, unmigrateCommand(app))
	}
}

// removeError refuses an update that removes an app with its migrations,
// or leaves files the user changed behind, without --allow-remove.
type removeError struct {
	Dir    string
	Losses []update.Loss
	Apps   []string
}

func (e *removeError) Error() string {
	var what, changed, migrations []string
	for _, l := range e.Losses {
		switch {
		case l.Changed:
			changed = append(changed, l.Path)
		case strings.Contains(l.Path, "/migrations/") && path.Base(l.Path) != "__init__.py":
			migrations = append(migrations, l.Path)
		}
	}
	if len(e.Apps) > 0 {
		w := fmt.Sprintf("remove %s %s", plural(len(e.Apps), "the app", "the apps"), listPaths(e.Apps))
		if len(migrations) > 0 {
			w += fmt.Sprintf(" with %s migrations (%s)", plural(len(e.Apps), "its", "their"), listPaths(migrations))
		}
		what = append(what, w)
	}
	if len(changed) > 0 {
		what = append(what, "leave behind "+listPaths(changed)+", which you changed")
	}
	return fmt.Sprintf("the update of %s would %s, so nothing was written; to go ahead, run it again with --allow-remove", e.Dir, strings.Join(what, ", and "))
}

// brokenImportError refuses an update whose own output would import a
// generated module that the project does not have.
type brokenImportError struct {
	Dir     string
	Imports []update.BrokenImport
}

func (e *brokenImportError) Error() string {
	b := e.Imports[0]
	more := ""
	if n := len(e.Imports) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more %s)", n, plural(n, "import", "imports"))
	}
	return fmt.Sprintf("the update of %s would leave %s importing %s%s, but %s is not in the project and the update does not write it, so nothing was written; restore it (git checkout -- %s), or remove its line from files: in %s so that the update writes it, then run scaffold update again",
		e.Dir, escape.Path(b.Path), escape.Line(b.Module), more, escape.Path(b.File), escape.Path(b.File), config.FileName)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
