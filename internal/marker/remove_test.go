package marker

import (
	"errors"
	"strings"
	"testing"
)

func TestRemoveUndoesInsert(t *testing.T) {
	for _, tt := range []struct{ name, before, after string }{
		{"settings", settingsBefore, settingsAfter},
		{"urls", urlsBefore, urlsAfter},
	} {
		got, err := Remove(tt.name, []byte(tt.after), []byte(tt.after), []byte(tt.before))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.before {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, got, tt.before)
		}
	}
}

// The user's own lines stay, those in the marker's block too, and so does
// a copy of the resource's line outside the block; a line the user removed
// already is no matter, and a second run changes nothing.
func TestRemoveKeepsTheUsersChanges(t *testing.T) {
	current := "# My project: authors_router.registry below is mine.\n" + strings.Replace(urlsAfter,
		"from items.urls import router as items_router\n", "from items.urls import router as items_router\nfrom zoo.urls import router as zoo_router\n", 1)
	current = strings.Replace(current, "router.registry.extend(authors_router.registry)\n", "", 1)
	got, err := Remove("config/urls.py", []byte(current), []byte(urlsAfter), []byte(urlsBefore))
	if err != nil {
		t.Fatal(err)
	}
	want := "# My project: authors_router.registry below is mine.\n" + strings.Replace(urlsBefore,
		"from items.urls import router as items_router\n", "from items.urls import router as items_router\nfrom zoo.urls import router as zoo_router\n", 1)
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	again, err := Remove("config/urls.py", got, []byte(urlsAfter), []byte(urlsBefore))
	if err != nil || string(again) != string(got) {
		t.Errorf("second run: %v\n%s", err, again)
	}
}

func TestRemoveNeedsTheMarkerOfItsLines(t *testing.T) {
	current := strings.Replace(settingsAfter, "    # scaffold: installed-apps\n", "", 1)
	_, err := Remove("config/settings.py", []byte(current), []byte(settingsAfter), []byte(settingsBefore))
	if _, ok := errors.AsType[*MissingError](err); !ok {
		t.Errorf("%v, want a MissingError", err)
	}
	// Without the marker and without the lines, there is nothing to remove.
	current = strings.Replace(settingsBefore, "    # scaffold: installed-apps\n", "", 1)
	got, err := Remove("config/settings.py", []byte(current), []byte(settingsAfter), []byte(settingsBefore))
	if err != nil || string(got) != current {
		t.Errorf("%v\n%s", err, got)
	}
}

func TestRemoveRefusesChangesOutsideMarkers(t *testing.T) {
	_, err := Remove("x.py", []byte("a\nb\n"), []byte("a\nb\n"), []byte("a\n"))
	if !errors.Is(err, ErrOutsideMarkers) {
		t.Errorf("%v, want ErrOutsideMarkers", err)
	}
}
