package update

import (
	"slices"
	"testing"
)

func TestLosses(t *testing.T) {
	changes := []Change{
		{Path: "config/migrations/0002_signintoken.py", Kind: Removed},
		{Path: "config/models.py", Kind: Removed},
		{Path: "items/apps.py", Kind: Removed},
		{Path: "items/migrations/0001_initial.py", Kind: Removed},
		{Path: "items/models.py", Kind: Kept, orphan: true},
		{Path: "items/views.py", Kind: Removed},
		{Path: "products/apps.py", Kind: Added},
	}
	p := Plan{Changes: changes, answersChanged: true}
	losses, apps := p.Losses()
	var paths []string
	for _, l := range losses {
		paths = append(paths, l.Path)
	}
	// config stays an app: its dropped migration is the new answers' own.
	if want := []string{"items/apps.py", "items/migrations/0001_initial.py", "items/models.py", "items/views.py"}; !slices.Equal(paths, want) {
		t.Errorf("losses %q, want %q", paths, want)
	}
	if !slices.Equal(apps, []string{"items"}) {
		t.Errorf("apps %q, want items", apps)
	}
	if !losses[2].Changed || losses[0].Changed {
		t.Errorf("only items/models.py is the user's changed file: %+v", losses)
	}

	// A template release that drops a file the user changed keeps it, and
	// needs no consent.
	p = Plan{Changes: []Change{{Path: "conftest.py", Kind: Kept, orphan: true}}}
	if losses, apps := p.Losses(); len(losses)+len(apps) != 0 {
		t.Errorf("a template update asks consent for %+v %q", losses, apps)
	}
}
