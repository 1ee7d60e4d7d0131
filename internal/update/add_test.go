package update

import (
	"errors"
	"testing"

	"github.com/djscaffold/scaffold/internal/marker"
)

const (
	settingsWithout = "APPS = [\n    \"items\",\n    # scaffold: installed-apps\n]\n"
	settingsWith    = "APPS = [\n    \"items\",\n    \"books\",\n    # scaffold: installed-apps\n]\n"
	// The user's copy: an edit of their own, above the marker.
	settingsMine = "APPS = [\n    \"items\",\n    \"mine\",\n    # scaffold: installed-apps\n]\n"
)

// The add-resource planner adds the new files, carries the lines the
// resource adds over to the user's copy at their markers, and leaves the
// secrets files and the unchanged files alone.
func TestAddResourcePlansFilesAndMarkers(t *testing.T) {
	base := plan("config/settings.py", settingsWithout, "README.md", "same\n", ".env", "K=1\n")
	theirs := plan("config/settings.py", settingsWith, "README.md", "same\n", ".env", "K=2\n", "books/models.py", "class Book: ...\n")
	fsys := project(t, map[string]string{"config/settings.py": settingsMine, "README.md": "edited\n", ".env": "K=mine\n"})
	files, err := AddResource(Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Data)
	}
	want := map[string]string{
		"books/models.py":    "class Book: ...\n",
		"config/settings.py": "APPS = [\n    \"items\",\n    \"mine\",\n    \"books\",\n    # scaffold: installed-apps\n]\n",
	}
	if len(got) != len(want) || got["books/models.py"] != want["books/models.py"] || got["config/settings.py"] != want["config/settings.py"] {
		t.Errorf("AddResource wrote %q, want %q", got, want)
	}
}

// What the user can fix is a RefusedError: a file in the way of a new one,
// a marker that is gone, a file that is gone.
func TestAddResourceRefuses(t *testing.T) {
	base := plan("config/settings.py", settingsWithout)
	theirs := plan("config/settings.py", settingsWith, "books/models.py", "class Book: ...\n")
	for name, disk := range map[string]map[string]string{
		"a file in the way": {"config/settings.py": settingsMine, "books/models.py": "mine\n"},
		"a marker gone":     {"config/settings.py": "APPS = []\n"},
		"a file gone":       {},
	} {
		_, err := AddResource(Input{Fs: project(t, disk), Dir: "/p", Base: &base, Theirs: theirs})
		if _, ok := errors.AsType[*RefusedError](err); !ok {
			t.Errorf("%s: %v, want a RefusedError", name, err)
		}
		if _, missing := errors.AsType[*marker.MissingError](err); name != "a file in the way" && !missing {
			t.Errorf("%s: %v, want a marker.MissingError", name, err)
		}
	}
}
