package update

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestMergeListsKeepsBothSidesEntries(t *testing.T) {
	base := "X = 1\nINSTALLED_APPS = [\n    \"django.contrib.admin\",\n    \"rest_framework\",\n    \"items\",\n]\n"
	ours := "X = 2\nINSTALLED_APPS = [\n    \"django.contrib.admin\",\n    \"rest_framework\",\n    \"items\",\n    \"blog\",\n]\n"
	theirs := "X = 1\nINSTALLED_APPS = [\n    \"django.contrib.admin\",\n    # The project itself.\n    \"config\",\n    \"rest_framework\",\n    \"items\",\n    # scaffold: installed-apps\n]\n"
	o, th := mergeLists("config/settings.py", []byte(ours), []byte(base), []byte(theirs))
	want := "INSTALLED_APPS = [\n    \"django.contrib.admin\",\n    # The project itself.\n    \"config\",\n    \"rest_framework\",\n    \"items\",\n    \"blog\",\n    # scaffold: installed-apps\n]\n"
	if string(o) != "X = 2\n"+want || string(th) != "X = 1\n"+want {
		t.Errorf("ours:\n%s\ntheirs:\n%s\nwant the list\n%s", o, th, want)
	}
}

func TestMergeListsLeavesBothChangedEntryToTheLineMerge(t *testing.T) {
	base := "MIDDLEWARE = [\n    \"a.A\",\n    # Why B.\n    \"b.B\",\n]\n"
	ours := "MIDDLEWARE = [\n    \"a.A\",\n]\n"
	theirs := "MIDDLEWARE = [\n    \"a.A\",\n    # Why B, better said.\n    \"b.B\",\n]\n"
	o, th := mergeLists("config/settings.py", []byte(ours), []byte(base), []byte(theirs))
	if string(o) != ours || string(th) != theirs {
		t.Errorf("an entry the user removed and the templates changed was merged:\n%s\n%s", o, th)
	}
	// An entry the user replaced, and the templates removed, stays the user's.
	ours = "MIDDLEWARE = [\n    \"a.A\",\n    \"b.Mine\",\n]\n"
	theirs = "MIDDLEWARE = [\n    \"a.A\",\n]\n"
	if o, _ := mergeLists("config/settings.py", []byte(ours), []byte(base), []byte(theirs)); string(o) != ours {
		t.Errorf("got\n%s\nwant\n%s", o, ours)
	}
}

func TestMergeListsRemovesWhatTheTemplatesRemoved(t *testing.T) {
	base := "urlpatterns = [\n    path(\"a/\", a),\n    path(\n        \"b/\",\n        b,\n    ),\n]\n"
	ours := "urlpatterns = [\n    path(\"a/\", a),\n    path(\n        \"b/\",\n        b,\n    ),\n    path(\"mine/\", mine),\n]\n"
	theirs := "urlpatterns = [\n    path(\"a/\", a),\n]\n"
	o, _ := mergeLists("config/urls.py", []byte(ours), []byte(base), []byte(theirs))
	want := "urlpatterns = [\n    path(\"a/\", a),\n    path(\"mine/\", mine),\n]\n"
	if string(o) != want {
		t.Errorf("got\n%s\nwant\n%s", o, want)
	}
}

func TestMergeListsRouter(t *testing.T) {
	base := "router = DefaultRouter()\nrouter.register(\"items\", ItemViewSet)\n\nurls = router.urls\n"
	ours := "router = DefaultRouter()\nrouter.register(\"items\", ItemViewSet)\nrouter.register(\"tags\", TagViewSet)\n\nurls = router.urls\n"
	theirs := "router = DefaultRouter()\nrouter.register(\"items\", ItemViewSet, basename=\"item\")\n\nurls = router.urls\n"
	o, _ := mergeLists("items/urls.py", []byte(ours), []byte(base), []byte(theirs))
	want := "router = DefaultRouter()\nrouter.register(\"items\", ItemViewSet, basename=\"item\")\nrouter.register(\"tags\", TagViewSet)\n\nurls = router.urls\n"
	if string(o) != want {
		t.Errorf("got\n%s\nwant\n%s", o, want)
	}
}

func TestMergeListsRequirements(t *testing.T) {
	base := "Django==5.2.1\ncelery==5.4\nwhitenoise==6.0\n"
	ours := "Django==5.2.1\ncelery==5.4\nwhitenoise==6.0\nrequests==2.32\n"
	theirs := "Django==5.2.2\nwhitenoise==6.1\nsentry-sdk==2.0\n"
	o, th := mergeLists("requirements.txt", []byte(ours), []byte(base), []byte(theirs))
	// After the entry it follows in the templates, and after the user's own.
	want := "Django==5.2.2\nwhitenoise==6.1\nrequests==2.32\nsentry-sdk==2.0\n"
	if string(o) != want || string(th) != want {
		t.Errorf("got\n%s\n%s\nwant\n%s", o, th, want)
	}
	// A package both pinned anew is the line merge's conflict.
	o, _ = mergeLists("requirements.txt", []byte("Django==5.1\n"), []byte("Django==5.2.1\n"), []byte("Django==5.2.2\n"))
	if string(o) != "Django==5.1\n" {
		t.Errorf("a pin both changed was merged: %q", o)
	}
}

func TestMergeListsOnlyWhereScaffoldEdits(t *testing.T) {
	ours := []byte("INSTALLED_APPS = [\n    \"a\",\n    \"mine\",\n]\n")
	if o, _ := mergeLists("README.md", ours, []byte("INSTALLED_APPS = [\n    \"a\",\n]\n"), []byte("INSTALLED_APPS = [\n]\n")); !bytes.Equal(o, ours) {
		t.Errorf("a Markdown file was merged by entry:\n%s", o)
	}
}

// The lived-in settings.py, as the update merges it: the user's app and
// the templates' merge by entry, TIME_ZONE merges, and HSTS preloading,
// which both changed, is the one conflict, with its base.
func TestMergeSettingsByEntryAndLine(t *testing.T) {
	git := systemGit(t)
	ours, base, theirs := readSettings(t)
	o, th := mergeLists("config/settings.py", ours, base, theirs)
	got, err := GitMerger{Git: git}.Merge(context.Background(), o, base, th, testLabels)
	if err != nil {
		t.Fatal(err)
	}
	want := "<<<<<<< myapi (yours)\nSECURE_HSTS_PRELOAD = False\n||||||| django-drf 1.0.0\nSECURE_HSTS_PRELOAD = True\n=======\n" +
		"SECURE_HSTS_PRELOAD = env_bool(\"DJANGO_SECURE_HSTS_PRELOAD\", default=False)\n>>>>>>> django-drf 1.1.0 (scaffold update)\n"
	if got.Conflicts != 1 || !strings.Contains(string(got.Data), want) {
		t.Errorf("%d conflicts, want the one of HSTS preloading:\n%s", got.Conflicts, got.Data)
	}
	if !strings.Contains(string(got.Data), "    \"items\",\n    \"blog\",\n    # scaffold: installed-apps\n]") {
		t.Errorf("the user's app is not merged beside the templates':\n%s", got.Data)
	}
}
