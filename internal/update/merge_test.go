package update

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// systemGit runs the git on PATH, as scaffold does, or skips the test.
func systemGit(t *testing.T) Git {
	t.Helper()
	bin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed: merges and repository checks run git")
	}
	return func(ctx context.Context, dir string, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return out, errors.Join(err, errors.New(stderr.String()))
		}
		return out, nil
	}
}

var testLabels = Labels{Ours: "myapi (yours)", Base: "django-drf 1.0.0", Theirs: "django-drf 1.1.0 (scaffold update)"}

func TestGitMergerMergesCleanly(t *testing.T) {
	m := GitMerger{Git: systemGit(t)}
	base := "a\nb\nc\nd\ne\n"
	ours := "a\nB\nc\nd\ne\n"
	theirs := "a\nb\nc\nd\nE\n"
	got, err := m.Merge(context.Background(), []byte(ours), []byte(base), []byte(theirs), testLabels)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\nB\nc\nd\nE\n"; string(got.Data) != want || got.Conflicts != 0 {
		t.Errorf("got %d conflicts and\n%s\nwant none and\n%s", got.Conflicts, got.Data, want)
	}
}

func TestGitMergerLabelsConflicts(t *testing.T) {
	m := GitMerger{Git: systemGit(t)}
	got, err := m.Merge(context.Background(), []byte("a\nmine\nc\n"), []byte("a\nb\nc\n"), []byte("a\nnew\nc\n"), testLabels)
	if err != nil {
		t.Fatal(err)
	}
	want := "a\n<<<<<<< myapi (yours)\nmine\n||||||| django-drf 1.0.0\nb\n=======\nnew\n>>>>>>> django-drf 1.1.0 (scaffold update)\nc\n"
	if string(got.Data) != want || got.Conflicts != 1 {
		t.Errorf("got %d conflicts and\n%s\nwant 1 and\n%s", got.Conflicts, got.Data, want)
	}
}

// The user's git configuration must not change what an update writes:
// merge.conflictStyle=merge there would drop the base's lines.
func TestGitMergerIgnoresUserConfig(t *testing.T) {
	git := systemGit(t)
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[merge]\n\tconflictStyle = merge\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	// Inside a repository, git reads its configuration too.
	repo := t.TempDir()
	if _, err := git(context.Background(), repo, "init", "-q"); err != nil {
		t.Fatal(err)
	}
	m := GitMerger{Git: git, TempDir: repo}
	got, err := m.Merge(context.Background(), []byte("mine\n"), []byte("b\n"), []byte("new\n"), testLabels)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(got.Data, []byte("||||||| django-drf 1.0.0\nb\n")) {
		t.Errorf("the user's conflictStyle leaked into the merge:\n%s", got.Data)
	}
}

func TestGitMergerIsDeterministic(t *testing.T) {
	m := GitMerger{Git: systemGit(t)}
	var first []byte
	for i := range 5 {
		got, err := m.Merge(context.Background(), []byte("x\n1\n2\n3\ny\n"), []byte("1\n2\n3\n"), []byte("1\n2\nthree\n4\n"), testLabels)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got.Data
		} else if !bytes.Equal(got.Data, first) {
			t.Fatalf("run %d merged differently:\n%s\nfirst:\n%s", i, got.Data, first)
		}
	}
}

func TestGitMergerRefusesBinary(t *testing.T) {
	m := GitMerger{Git: systemGit(t)}
	_, err := m.Merge(context.Background(), []byte("a\x00b"), []byte("a"), []byte("c"), testLabels)
	if !errors.Is(err, ErrBinary) {
		t.Errorf("err = %v, want ErrBinary", err)
	}
}

func TestGitMergerWithoutGit(t *testing.T) {
	_, err := GitMerger{}.Merge(context.Background(), nil, nil, nil, testLabels)
	if !errors.Is(err, ErrNoGit) {
		t.Errorf("err = %v, want ErrNoGit", err)
	}
}

func TestGitMergerStopsWhenCancelled(t *testing.T) {
	m := GitMerger{Git: systemGit(t)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := m.Merge(ctx, []byte("a\n"), []byte("b\n"), []byte("c\n"), testLabels)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestGitMergerLeavesNoTemporaryFiles(t *testing.T) {
	tmp := t.TempDir()
	m := GitMerger{Git: systemGit(t), TempDir: tmp}
	if _, err := m.Merge(context.Background(), []byte("a\n"), []byte("b\n"), []byte("c\n"), testLabels); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left %d entries in the temporary folder", len(left))
	}
}

func TestTwoWayMarksEveryDifference(t *testing.T) {
	ours := "a\nmine\nc\nd\ne\nextra\n"
	theirs := "a\nnew\nc\nd\ne\n"
	got := TwoWay([]byte(ours), []byte(theirs), testLabels)
	want := "a\n" +
		"<<<<<<< myapi (yours)\nmine\n=======\nnew\n>>>>>>> django-drf 1.1.0 (scaffold update)\n" +
		"c\nd\ne\n" +
		"<<<<<<< myapi (yours)\nextra\n=======\n>>>>>>> django-drf 1.1.0 (scaffold update)\n"
	if string(got.Data) != want || got.Conflicts != 2 {
		t.Errorf("got %d conflicts and\n%s\nwant 2 and\n%s", got.Conflicts, got.Data, want)
	}
	if countConflicts(got.Data) != 2 {
		t.Errorf("countConflicts = %d, want 2", countConflicts(got.Data))
	}
}

func TestTwoWayEndsLastLine(t *testing.T) {
	got := TwoWay([]byte("a\nb"), []byte("a\nc"), testLabels)
	want := "a\n<<<<<<< myapi (yours)\nb\n=======\nc\n>>>>>>> django-drf 1.1.0 (scaffold update)\n"
	if string(got.Data) != want {
		t.Errorf("got\n%q\nwant\n%q", got.Data, want)
	}
}

func TestHasConflictMarkers(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		want bool
	}{
		{"block", "x\n<<<<<<< yours\na\n=======\nb\n>>>>>>> theirs\n", true},
		{"bare markers", "<<<<<<<\na\n=======\nb\n>>>>>>>\n", true},
		{"CRLF", "<<<<<<< a\r\nx\r\n=======\r\ny\r\n>>>>>>> b\r\n", true},
		{"heading underline", "Title\n=======\n", false},
		{"unfinished", "<<<<<<< a\nx\n=======\n", false},
		{"out of order", ">>>>>>> b\n=======\n<<<<<<< a\n", false},
		{"longer marker", "<<<<<<<< a\nx\n=======\ny\n>>>>>>>> b\n", false},
		{"inside a line", "s = '<<<<<<< a'\n=======\n'>>>>>>> b'\n", false},
		{"none", "print('hello')\n", false},
	} {
		if got := hasConflictMarkers([]byte(tc.text)); got != tc.want {
			t.Errorf("%s: hasConflictMarkers = %v, want %v", tc.name, got, tc.want)
		}
	}
}
