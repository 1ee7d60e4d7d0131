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

func TestMerge3(t *testing.T) {
	lines := func(s string) []string { return splitLines([]byte(s)) }
	for _, tc := range []struct {
		name, ours, base, theirs, want string
	}{
		{"touching changes both apply", "a\nB\nc\n", "a\nb\nc\n", "a\nb\nnew\nc\n", "a\nB\nnew\nc\n"},
		{"the same change once", "a\nX\nc\n", "a\nb\nc\n", "a\nX\nc\n", "a\nX\nc\n"},
		{"a setting changed in place pairs with itself", "A = 1\nB = 0\n", "A = 0\nB = 0\n", "A = 0\nB = 3\nC = 4\n", "A = 1\nB = 3\nC = 4\n"},
		{"the same line both ways", "a\nmine\n", "a\nb\n", "a\nnew\n", "a\n<mine|b|new>\n"},
		{"two inserts at one place", "a\nmine\nb\n", "a\nb\n", "a\nnew\nb\n", "a\n<mine||new>\nb\n"},
	} {
		var got strings.Builder
		for _, c := range merge3(lines(tc.ours), lines(tc.base), lines(tc.theirs)) {
			if c.conflict {
				got.WriteString("<" + strings.TrimSuffix(strings.Join(c.ours, ""), "\n") + "|" + strings.TrimSuffix(strings.Join(c.base, ""), "\n") + "|" + strings.TrimSuffix(strings.Join(c.theirs, ""), "\n") + ">\n")
			} else {
				got.WriteString(strings.Join(c.lines, ""))
			}
		}
		if got.String() != tc.want {
			t.Errorf("%s: got\n%s\nwant\n%s", tc.name, got.String(), tc.want)
		}
	}
}

func TestRefineKeepsOtherBlocksAndText(t *testing.T) {
	in := "x\n<<<<<<< a\nmine\n||||||| b\nold\n=======\nnew\n>>>>>>> c\ny\n"
	if got := string(refine([]byte(in), testLabels)); !strings.Contains(got, "x\n<<<<<<< myapi (yours)\nmine\n||||||| django-drf 1.0.0\nold\n=======\nnew\n>>>>>>> django-drf 1.1.0 (scaffold update)\ny\n") {
		t.Errorf("got\n%s", got)
	}
	// A block in another style is left alone.
	two := "<<<<<<< a\nmine\n=======\nnew\n>>>>>>> c\n"
	if got := string(refine([]byte(two), testLabels)); got != two {
		t.Errorf("got\n%s", got)
	}
}
