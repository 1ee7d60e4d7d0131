package update

// destructive.go finds what an update would take away that cannot be
// generated back the same: an app with its migrations, which a database
// still has tables for, and files the user changed that the new answers
// no longer generate. An update does that only when asked to.

import (
	"path"
	"slices"
	"strings"
)

// Loss is one file that an update removes, or leaves behind, and that
// matters: a migration, an app's own file, or a file the user changed.
type Loss struct {
	Path string
	// Changed marks a file the user changed: the update keeps it, but the
	// project no longer uses it.
	Changed bool
}

// Losses lists what the plan takes away that needs the user's consent:
// the files of each app it removes (an app whose apps.py goes), its
// migrations among them, and, when answers change, every file the user
// changed that the new answers no longer generate (a new template release
// that drops one only keeps it, as it always did). Apps lists the apps
// removed, by package.
// A migration removed from an app that stays, such as the sign-in
// tokens' when auth changes, is the new answers' own business.
func (p Plan) Losses() (losses []Loss, apps []string) {
	for _, c := range p.Changes {
		if c.Kind != Removed && !(c.orphan && p.answersChanged) {
			continue
		}
		if dir, base := path.Split(c.Path); base == "apps.py" && dir != "" {
			apps = append(apps, strings.TrimSuffix(dir, "/"))
		}
	}
	for _, c := range p.Changes {
		switch {
		case c.Secrets:
		case c.orphan && p.answersChanged:
			losses = append(losses, Loss{Path: c.Path, Changed: true})
		case c.Kind == Removed && slices.ContainsFunc(apps, func(a string) bool { return strings.HasPrefix(c.Path, a+"/") }):
			losses = append(losses, Loss{Path: c.Path})
		}
	}
	return losses, apps
}
