package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/spf13/afero"
	"github.com/spf13/pflag"

	"github.com/djscaffold/scaffold/internal/generator"
)

// The README's `scaffold new` flags table and its template-data table are
// checked against the question table and the command's flags. A failure
// names the row to add or change, so that whoever adds a question can fix
// the README in a minute.

const readmePath = "../../README.md"

// readmeRow is one row of a Markdown table, with its line in the README.
type readmeRow struct {
	line  int
	cells []string
	text  string
}

// readmeTable reads the table that follows the first line starting with
// after, without its header.
func readmeTable(t *testing.T, after string) []readmeRow {
	t.Helper()
	data, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, after) })
	if start < 0 {
		t.Fatalf("README.md has no line starting with %q", after)
	}
	var rows []readmeRow
	inTable := false
	for i := start + 1; i < len(lines); i++ {
		l := lines[i]
		if !strings.HasPrefix(l, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		if strings.HasPrefix(l, "|---") || len(rows) == 0 && !strings.Contains(l, "`") {
			continue // the header and its rule
		}
		rows = append(rows, readmeRow{line: i + 1, cells: tableCells(l), text: l})
	}
	if len(rows) == 0 {
		t.Fatalf("README.md has no table after %q", after)
	}
	return rows
}

// tableCells splits a Markdown table row at the bars that \| does not escape.
func tableCells(row string) []string {
	row = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(row), "|"), "|")
	var cells []string
	var cell strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row) && row[i+1] == '|':
			cell.WriteString(`\|`)
			i++
		case row[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(row[i])
		}
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

// flagCell is the first cell of the flags table's row for q, as f spells
// its argument: `--python 3.12\|3.13\|3.14`, `--celery`, or
// `--resource NAME` / `--no-resource`.
func flagCell(q generator.Question, f *pflag.Flag) string {
	cell := "--" + q.Flag
	switch q.Kind {
	case generator.KindChoice:
		cell += " " + strings.Join(q.Values, `\|`)
	case generator.KindBool:
	default:
		if name, _ := pflag.UnquoteUsage(f); name != "" {
			cell += " " + name
		}
	}
	cell = "`" + cell + "`"
	if q.NoFlag != "" {
		cell += " / `--" + q.NoFlag + "`"
	}
	return cell
}

// defaultWords is how a row says the question's default.
func defaultWords(q generator.Question) []string {
	d := fmt.Sprint(q.Default)
	return []string{"default " + d, "default `" + d + "`"}
}

// flagNames are the flags that a flags-table cell names, such as output
// for `-o, --output DIR`.
func flagNames(cell string) []string {
	var names []string
	for _, w := range strings.FieldsFunc(cell, func(r rune) bool { return r == ' ' || r == '`' || r == ',' || r == '=' }) {
		if name, ok := strings.CutPrefix(w, "--"); ok {
			names = append(names, name)
		}
	}
	return names
}

// TestReadmeFlagsTable: the README's `scaffold new` flags table has one row
// for each flag of the command, the rows of the questions' flags spelled
// from the question table, in its order.
func TestReadmeFlagsTable(t *testing.T) {
	rows := readmeTable(t, "## `scaffold new` flags")
	cmd, _, err := newRootCommand(testEnv(afero.NewMemMapFs())).Find([]string{"new"})
	if err != nil {
		t.Fatal(err)
	}
	flags := cmd.Flags()
	rowOf := map[string]readmeRow{}
	for _, r := range rows {
		for _, name := range flagNames(r.cells[0]) {
			rowOf[name] = r
			if flags.Lookup(name) == nil {
				t.Errorf("README.md:%d: scaffold new has no flag --%s; remove or change the row\n\t%s", r.line, name, r.text)
			}
		}
	}

	previous := "`-c, --config FILE`" // the row before the questions' flags
	last := 0                         // the line of the row of the question before
	for _, q := range generator.Questions() {
		if q.Flag == "" {
			continue
		}
		cell := flagCell(q, flags.Lookup(q.Flag))
		want := fmt.Sprintf("| %s | %s |", cell, defaultWords(q)[0])
		r, ok := rowOf[q.Flag]
		switch {
		case !ok:
			t.Errorf("README.md, `scaffold new` flags: add this row after the row of %s:\n\t%s", previous, want)
		case r.cells[0] != cell:
			t.Errorf("README.md:%d: the row of --%s starts with %s; change it to start with %s:\n\t%s", r.line, q.Flag, r.cells[0], cell, r.text)
		case len(r.cells) < 2 || !strings.Contains(r.cells[1], defaultWords(q)[0]) && !strings.Contains(r.cells[1], defaultWords(q)[1]):
			t.Errorf("README.md:%d: the row of --%s does not say %q; change it to say so, as in:\n\t%s", r.line, q.Flag, defaultWords(q)[0], want)
		case r.line < last:
			t.Errorf("README.md:%d: move the row of --%s after the row of %s, as the questions are asked", r.line, q.Flag, previous)
		}
		if ok {
			last = r.line
		}
		previous = cell
	}

	flags.VisitAll(func(f *pflag.Flag) {
		if _, ok := rowOf[f.Name]; !ok && !f.Hidden && !questionFlag(f.Name) {
			t.Errorf("README.md, `scaffold new` flags: add a row for --%s, whose help says: %s", f.Name, f.Usage)
		}
	})
}

// questionFlag reports whether a builtin question owns the flag; the rows of
// those are checked one by one.
func questionFlag(name string) bool {
	return slices.ContainsFunc(generator.Questions(), func(q generator.Question) bool {
		return q.Flag == name || q.NoFlag == name
	})
}

// templateDataKeys are the names of the data that every template sees,
// read by rendering a template that lists them.
func templateDataKeys(t *testing.T) []string {
	t.Helper()
	tree := generator.Tree{Sources: []generator.Source{{Label: "keys", FS: fstest.MapFS{
		"keys" + generator.TemplateSuffix: {Data: []byte("{{ range $k, $v := . }}{{ $k }}\n{{ end }}")},
	}}}}
	o := generator.DefaultOptions()
	o.Name = "myapi"
	plan, err := generator.Render(o, tree, rand.NewChaCha8([32]byte{}))
	if err != nil {
		t.Fatal(err)
	}
	f, ok := plan.Lookup("keys")
	if !ok {
		t.Fatal("the template that lists the data was not rendered")
	}
	return strings.Fields(string(f.Data))
}

// dataMeaning is what a new row of the template-data table could say of
// q's field.
func dataMeaning(q generator.Question) string {
	switch q.Kind {
	case generator.KindBool:
		return "true for " + strings.ToLower(q.Title)
	case generator.KindChoice:
		quoted := make([]string, len(q.Values))
		for i, v := range q.Values {
			quoted[i] = "`" + v + "`"
		}
		return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	}
	return q.Help
}

// dataNames are the top-level names that a template-data cell names, such
// as Postgres and MySQL for `.Postgres`, `.MySQL`.
func dataNames(cell string) []string {
	var names []string
	for _, w := range strings.Split(cell, "`") {
		if name, ok := strings.CutPrefix(w, "."); ok && name != "" && !strings.ContainsAny(name, ". ") {
			names = append(names, name)
		}
	}
	return names
}

// TestReadmeTemplateData: the README's template-data table has a row for
// each question's field and one for each question's true-or-false twins,
// and names no data that templates do not get.
func TestReadmeTemplateData(t *testing.T) {
	rows := readmeTable(t, "The data that templates get:")
	keys := templateDataKeys(t)
	cells := map[string]readmeRow{}
	rowOf := map[string]readmeRow{}
	for _, r := range rows {
		cells[r.cells[0]] = r
		for _, name := range dataNames(r.cells[0]) {
			rowOf[name] = r
			if !slices.Contains(keys, name) {
				t.Errorf("README.md:%d: templates get no .%s; remove or change the row\n\t%s", r.line, name, r.text)
			}
		}
	}
	previous := "`.Slug`"
	for _, q := range generator.Questions() {
		cell := "`." + q.Field + "`"
		if _, ok := cells[cell]; !ok {
			t.Errorf("README.md, template data: add this row after the row of %s:\n\t| %s | %s |", previous, cell, dataMeaning(q))
		}
		previous = cell
	}
	previous = "`.Resources`"
	for _, q := range generator.Questions() {
		twins := q.Twins()
		if len(twins) == 0 {
			continue
		}
		var names []string
		for _, v := range q.Values {
			if twin, ok := twins[v]; ok {
				names = append(names, "`."+twin+"`")
			}
		}
		cell := strings.Join(names, ", ")
		want := fmt.Sprintf("| %s | true for the chosen %s |", cell, strings.ToLower(q.Title))
		if _, ok := cells[cell]; !ok {
			i := slices.IndexFunc(names, func(n string) bool { _, ok := rowOf[strings.Trim(n, "`.")]; return ok })
			if i >= 0 {
				r := rowOf[strings.Trim(names[i], "`.")]
				t.Errorf("README.md:%d: change the row of .%s's twins to start with %s:\n\t%s", r.line, q.Field, cell, want)
			} else {
				t.Errorf("README.md, template data: add this row after the row of %s:\n\t%s", previous, want)
			}
		}
		previous = cell
	}
}
