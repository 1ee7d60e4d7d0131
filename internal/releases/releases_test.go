package releases

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/djscaffold/scaffold/templates"
)

// TestCurrentTemplatesAreReleased keeps templates.Version honest: once a
// version is released, projects record it and rely on rendering it again,
// so changed templates need a new version.
func TestCurrentTemplatesAreReleased(t *testing.T) {
	released, err := Files(templates.Version)
	if err != nil {
		t.Fatalf("%v; archive the templates with: go run ./internal/releases/release", err)
	}
	changed := differences(t, released, templates.Project())
	if len(changed) > 0 {
		shown := changed[:min(len(changed), 5)]
		if len(changed) > len(shown) {
			shown = append(shown, fmt.Sprintf("and %d more", len(changed)-len(shown)))
		}
		t.Fatalf("templates/project differs from the released templates %s (%s); raise Version in templates/embed.go, then run: go run ./internal/releases/release && go test ./internal/releases -update",
			templates.Version, strings.Join(shown, ", "))
	}
}

// differences lists the files that a and b do not hold alike.
func differences(t *testing.T, a, b fs.FS) []string {
	t.Helper()
	files := func(tree fs.FS) map[string][]byte {
		m := map[string][]byte{}
		err := fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			m[name], err = fs.ReadFile(tree, name)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	fa, fb := files(a), files(b)
	var out []string
	for name, data := range fa {
		if other, ok := fb[name]; !ok || !bytes.Equal(data, other) {
			out = append(out, name)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// TestArchiveIsWhole checks every release against its objects, and that no
// object is left that no release needs.
func TestArchiveIsWhole(t *testing.T) {
	arch := archive()
	versions := Versions()
	if !slices.Contains(versions, "1.0.0") {
		t.Fatalf("versions = %v; the first release, 1.0.0, is missing", versions)
	}
	used := map[string]bool{}
	for _, v := range versions {
		index, err := fs.ReadFile(arch, v+indexSuffix)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := parseIndex(index)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if !slices.IsSortedFunc(entries, func(a, b entry) int { return strings.Compare(a.path, b.path) }) {
			t.Errorf("%s: the index is not sorted by path", v)
		}
		for _, e := range entries {
			used[e.sum] = true
		}
		if _, err := Files(v); err != nil {
			t.Errorf("release %s does not open: %v", v, err)
		}
	}
	objects, err := fs.ReadDir(arch, objectsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objects {
		if !used[o.Name()] {
			t.Errorf("objects/%s belongs to no release; remove it", o.Name())
		}
	}
}

// Every release says what changed in it, and only releases have notes.
func TestEveryReleaseHasNotes(t *testing.T) {
	versions := Versions()
	for _, v := range versions {
		notes, err := Notes(v)
		if err != nil {
			t.Errorf("%v; write internal/releases/archive/notes/%s.md", err, v)
			continue
		}
		if strings.TrimSpace(notes) == "" || !strings.HasSuffix(notes, "\n") || strings.Contains(notes, "\r") {
			t.Errorf("notes of %s: empty, or not LF-terminated lines", v)
		}
	}
	entries, err := fs.ReadDir(archive(), notesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if v, ok := strings.CutSuffix(e.Name(), ".md"); !ok || !slices.Contains(versions, v) {
			t.Errorf("notes/%s belongs to no release", e.Name())
		}
	}
}

// Every release says the day it was cut, on the first line of its notes.
func TestEveryReleaseHasADate(t *testing.T) {
	for _, v := range Versions() {
		date, err := Date(v)
		if err != nil {
			t.Errorf("%v; start internal/releases/archive/notes/%s.md with a line \"Released YYYY-MM-DD.\"", err, v)
			continue
		}
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			t.Errorf("release %s: date %q: %v", v, date, err)
		}
	}
	if date, _ := Date("1.0.0"); date != "2026-12-01" {
		t.Errorf("release 1.0.0 is dated %q, want 2026-12-01", date)
	}
}

func TestNotesRefuseAMissingDate(t *testing.T) {
	folder := fstest.MapFS{"notes/1.0.0.md": {Data: []byte("- something\n")}}
	if _, _, err := notesIn(folder, "1.0.0"); err == nil {
		t.Error("notes without a date line are accepted")
	}
	folder["notes/1.0.0.md"] = &fstest.MapFile{Data: []byte("Released 2026-12-01.\n\n- something\n")}
	date, notes, err := notesIn(folder, "1.0.0")
	if err != nil || date != "2026-12-01" || notes != "- something\n" {
		t.Errorf("notesIn = %q, %q, %v", date, notes, err)
	}
}

func TestTreeRefusesUnknownVersions(t *testing.T) {
	for _, v := range []string{"0.9.0", "1.0", "../1.0.0", "", "01.0.0"} {
		if _, err := Files(v); !errors.Is(err, ErrUnknownVersion) {
			t.Errorf("Files(%q) = %v, want ErrUnknownVersion", v, err)
		}
	}
}

func TestArchiveRoundTripAndRefusesChangedRelease(t *testing.T) {
	dir := t.TempDir()
	tree := fstest.MapFS{
		"a.txt.tmpl":             {Data: []byte("{{.Name}}\n")},
		"same/one.py":            {Data: []byte("x = 1\n")},
		"same/two.py":            {Data: []byte("x = 1\n")},
		"{{if .Celery}}c{{end}}": {Data: []byte("")},
	}
	if err := Archive(dir, "2.0.0", tree); err != nil {
		t.Fatal(err)
	}
	if err := Archive(dir, "2.0.0", tree); err != nil {
		t.Errorf("archiving the same templates again: %v", err)
	}
	objects, _ := os.ReadDir(filepath.Join(dir, objectsDir))
	if len(objects) != 3 {
		t.Errorf("%d objects, want 3: equal files are stored once", len(objects))
	}
	got, err := treeIn(os.DirFS(dir), "2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if d := differences(t, tree, got); len(d) > 0 {
		t.Errorf("the archived tree differs in %v", d)
	}
	changed := fstest.MapFS{"a.txt.tmpl": {Data: []byte("changed\n")}}
	if err := Archive(dir, "2.0.0", changed); !errors.Is(err, ErrReleased) {
		t.Errorf("Archive of other templates as 2.0.0 = %v, want ErrReleased", err)
	}
}

func TestCompareVersions(t *testing.T) {
	sorted := []string{"dev", "1.0.0", "1.0.10", "1.2.0", "2.0.0", "10.0.0"}
	shuffled := []string{"10.0.0", "1.0.10", "dev", "2.0.0", "1.2.0", "1.0.0"}
	slices.SortFunc(shuffled, CompareVersions)
	if !slices.Equal(shuffled, sorted) {
		t.Errorf("sorted = %v, want %v", shuffled, sorted)
	}
}

func TestArchiveSortsTheIndexByPath(t *testing.T) {
	dir := t.TempDir()
	tree := fstest.MapFS{
		"docker/mariadb/x.sql":    {Data: []byte("1\n")},
		"docker-compose.yml.tmpl": {Data: []byte("2\n")},
	}
	if err := Archive(dir, "3.0.0", tree); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(filepath.Join(dir, "3.0.0"+indexSuffix))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := parseIndex(index)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].path != "docker-compose.yml.tmpl" {
		t.Errorf("index = %q, want docker-compose.yml.tmpl first", index)
	}
}
