package update

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/djscaffold/scaffold/internal/marker"
)

const (
	modelBefore = "class Book:\n    title = 1\n\n    def __str__(self):\n        return self.title\n"
	modelAfter  = "class Book:\n    title = 1\n    isbn = 2\n\n    def __str__(self):\n        return self.title\n"
	// The user's copy: a method of their own at the end.
	modelMine = modelBefore + "\n    def shout(self):\n        return self.title.upper()\n"
)

// The add-field planner adds the new migration, gives the files the user
// left alone the new render, and merges the new lines into the files the
// user changed.
func TestAddFieldsPlansMigrationAndMerges(t *testing.T) {
	base := plan("books/models.py", modelBefore, "books/views.py", "v1\n", "books/migrations/0001_initial.py", "m1\n", "README.md", "same\n", ".env", "K=1\n")
	theirs := plan("books/models.py", modelAfter, "books/views.py", "v2\n", "books/migrations/0001_initial.py", "m1\n",
		"books/migrations/0002_book_isbn.py", "m2\n", "README.md", "same\n", ".env", "K=2\n")
	fsys := project(t, map[string]string{"books/models.py": modelMine, "books/views.py": "v1\n", "books/migrations/0001_initial.py": "m1\n",
		"books/migrations/__init__.py": "", "README.md": "edited\n", ".env": "K=mine\n"})
	files, err := AddFields(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Merger: GitMerger{Git: systemGit(t)}}, "books/migrations")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Data)
	}
	want := map[string]string{
		"books/migrations/0002_book_isbn.py": "m2\n",
		"books/views.py":                     "v2\n",
		"books/models.py":                    modelAfter + "\n    def shout(self):\n        return self.title.upper()\n",
	}
	if len(got) != len(want) {
		t.Errorf("AddFields wrote %q, want %q", got, want)
	}
	for path, data := range want {
		if got[path] != data {
			t.Errorf("%s = %q, want %q", path, got[path], data)
		}
	}
}

// What the user can fix is a RefusedError that names the file: a change
// of theirs where the new lines go, a migration scaffold did not write
// (one in the way of the new migration too), a file gone.
func TestAddFieldsRefuses(t *testing.T) {
	base := plan("books/models.py", modelBefore, "books/migrations/0001_initial.py", "m1\n")
	theirs := plan("books/models.py", modelAfter, "books/migrations/0001_initial.py", "m1\n", "books/migrations/0002_book_isbn.py", "m2\n")
	for name, tc := range map[string]struct {
		disk map[string]string
		want string
	}{
		"a conflict": {map[string]string{"books/models.py": "class Book:\n    title = 1\n    mine = 3\n\n    def __str__(self):\n        return self.title\n", "books/migrations/0001_initial.py": "m1\n"},
			"books/models.py was changed since scaffold wrote it"},
		"a migration of the user's": {map[string]string{"books/models.py": modelBefore, "books/migrations/0001_initial.py": "m1\n", "books/migrations/0002_mine.py": "x\n"},
			"0002_mine.py is a migration that scaffold did not write"},
		"a file gone": {map[string]string{"books/migrations/0001_initial.py": "m1\n"}, "books/models.py is missing"},
	} {
		in := Input{Fs: project(t, tc.disk), Dir: "/p", Base: &base, Theirs: theirs, Merger: GitMerger{Git: systemGit(t)}}
		_, err := AddFields(context.Background(), in, "books/migrations")
		if _, ok := errors.AsType[*RefusedError](err); !ok || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a RefusedError saying %q", name, err, tc.want)
		}
	}
}

// The remove-resource planner removes the app's files the user left alone,
// keeps and lists those they changed (all of them with force), takes the
// resource's lines out at the markers, and leaves secrets files alone.
func TestRemoveResourcePlansRemovalsAndMarkers(t *testing.T) {
	base := plan("config/settings.py", settingsWith, "books/models.py", modelBefore, "books/views.py", "v1\n", "books/gone.py", "g\n", ".env", "K=1\n")
	theirs := plan("config/settings.py", settingsWithout, ".env", "K=2\n")
	disk := map[string]string{"config/settings.py": "APPS = [\n    \"items\",\n    \"mine\",\n    \"books\",\n    # scaffold: installed-apps\n]\n",
		"books/models.py": modelMine, "books/views.py": "v1\n", ".env": "K=mine\n"}
	for _, force := range []bool{false, true} {
		r, err := RemoveResource(context.Background(), Input{Fs: project(t, disk), Dir: "/p", Base: &base, Theirs: theirs}, force)
		if err != nil {
			t.Fatal(err)
		}
		wantRemove, wantKept := []string{"books/views.py"}, []string{"books/models.py"}
		if force {
			wantRemove, wantKept = []string{"books/models.py", "books/views.py"}, nil
		}
		if !slices.Equal(r.Remove, wantRemove) || !slices.Equal(r.Kept, wantKept) {
			t.Errorf("force %v: removes %v and keeps %v, want %v and %v", force, r.Remove, r.Kept, wantRemove, wantKept)
		}
		if len(r.Files) != 1 || r.Files[0].Path != "config/settings.py" || string(r.Files[0].Data) != settingsMine {
			t.Errorf("force %v: writes %v, want settings.py as %q", force, r.Files, settingsMine)
		}
	}
}

func TestRemoveResourceRefusesAMovedMarker(t *testing.T) {
	base := plan("config/settings.py", settingsWith)
	theirs := plan("config/settings.py", settingsWithout)
	in := Input{Fs: project(t, map[string]string{"config/settings.py": "APPS = [\n    \"items\",\n    \"books\",\n]\n"}), Dir: "/p", Base: &base, Theirs: theirs}
	_, err := RemoveResource(context.Background(), in, false)
	if _, ok := errors.AsType[*marker.MissingError](err); !ok {
		t.Errorf("%v, want a marker.MissingError", err)
	}
}

// A resource whose folder is gone is taken out of an update's plan whole;
// one with a file left is not.
func TestWithoutGone(t *testing.T) {
	p := Plan{Changes: []Change{
		{Path: "README.md", Kind: Updated},
		{Path: "books/models.py", Kind: Deleted},
		{Path: "books/new.py", Kind: Added},
		{Path: "tags/models.py", Kind: Deleted},
		{Path: "tags/views.py", Kind: Unchanged},
	}}
	got, gone := WithoutGone(p, []string{"books", "tags", "notes"})
	if !slices.Equal(gone, []string{"books"}) {
		t.Errorf("gone = %v, want [books]", gone)
	}
	var paths []string
	for _, c := range got.Changes {
		paths = append(paths, c.Path)
	}
	if !slices.Equal(paths, []string{"README.md", "tags/models.py", "tags/views.py"}) {
		t.Errorf("left %v", paths)
	}
	if len(p.Changes) != 5 {
		t.Error("WithoutGone changed the plan it was given")
	}
}
