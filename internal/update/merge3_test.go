package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// conflictSizes lists, for each conflict block of a merged file, how many
// lines each side holds: "ours/base/theirs", base "-" when not shown.
func conflictSizes(b []byte) []string {
	var out []string
	var n [3]int
	part, hasBase := -1, false
	for _, line := range splitLines(b) {
		line = trimEOL(line)
		switch {
		case isMarker(line, markerOurs):
			part, n, hasBase = 0, [3]int{}, false
		case part == 0 && isMarker(line, markerBase):
			part, hasBase = 1, true
		case part >= 0 && line == markerSep:
			part = 2
		case part == 2 && isMarker(line, markerTheirs):
			base := "-"
			if hasBase {
				base = itoa(n[1])
			}
			out = append(out, itoa(n[0])+"/"+base+"/"+itoa(n[2]))
			part = -1
		case part >= 0:
			n[part]++
		}
	}
	return out
}

func itoa(n int) string { return fmt.Sprintf("%02d", n) }

// The settings.py of a lived-in project, from django-drf 1.0.0 to 1.1.0:
// the user set TIME_ZONE, added an app and turned HSTS preloading off; the
// templates rewrote the HSTS block and added CACHES, EMAIL_* and ADMINS
// right after it. git merge-file's styles all give one block of the user's
// 4 lines against the templates' 48, where choosing the user's side drops
// the new settings; refined, only the line both changed is in conflict.
func TestMergeStylesOnSettings(t *testing.T) {
	git := systemGit(t)
	ours, base, theirs := readSettings(t)
	dir := t.TempDir()
	for name, data := range map[string][]byte{"ours": ours, "base": base, "theirs": theirs} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, style := range []string{"--merge", "--diff3", "--zdiff3"} {
		args := []string{"merge-file", "--stdout", "ours", "base", "theirs"}
		if style != "--merge" {
			args = append([]string{"merge-file", style}, args[1:]...)
		}
		out, err := git(context.Background(), dir, args...)
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		t.Logf("git merge-file, %s style: conflicts %v", style, conflictSizes(out))
	}
	got, err := GitMerger{Git: git}.Merge(context.Background(), ours, base, theirs, testLabels)
	if err != nil {
		t.Fatal(err)
	}
	sizes := conflictSizes(got.Data)
	t.Logf("refined: conflicts %v", sizes)
	if got.Conflicts != 2 || strings.Join(sizes, " ") != "01/00/01 01/01/01" {
		t.Errorf("conflicts %d %v, want the app list's and HSTS preloading's, each of one line:\n%s", got.Conflicts, sizes, got.Data)
	}
	for _, kept := range []string{"CACHES = {", "EMAIL_BACKEND = EMAIL_BACKEND_PATH", "ADMINS = [", `TIME_ZONE = "Europe/Paris"`} {
		if !bytes.Contains(got.Data, []byte("\n"+kept)) {
			t.Errorf("the merge lost %q outside the conflicts", kept)
		}
	}
}

// readSettings reads the three versions of the lived-in settings.py.
func readSettings(t *testing.T) (ours, base, theirs []byte) {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "settings", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return read("ours.py"), read("base.py"), read("theirs.py")
}
