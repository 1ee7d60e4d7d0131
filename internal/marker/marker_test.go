package marker

import (
	"errors"
	"strings"
	"testing"
)

const settingsBefore = `INSTALLED_APPS = [
    "django.contrib.admin",
    "items",
    # scaffold: installed-apps
]
`

const settingsAfter = `INSTALLED_APPS = [
    "django.contrib.admin",
    "items",
    "books",
    # scaffold: installed-apps
]
`

const urlsBefore = `from rest_framework.routers import DefaultRouter

# scaffold: api-imports
from items.urls import router as items_router

router = DefaultRouter()
router.registry.extend(items_router.registry)
# scaffold: api-routes
`

const urlsAfter = `from rest_framework.routers import DefaultRouter

# scaffold: api-imports
from authors.urls import router as authors_router
from items.urls import router as items_router

router = DefaultRouter()
router.registry.extend(items_router.registry)
router.registry.extend(authors_router.registry)
# scaffold: api-routes
`

func TestInsertIntoAnUntouchedFileGivesTheNewRender(t *testing.T) {
	for _, tt := range []struct{ name, before, after string }{
		{"settings", settingsBefore, settingsAfter},
		{"urls", urlsBefore, urlsAfter},
	} {
		got, err := Insert(tt.name, []byte(tt.before), []byte(tt.before), []byte(tt.after))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if string(got) != tt.after {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, got, tt.after)
		}
	}
}

func TestInsertKeepsTheUsersChanges(t *testing.T) {
	current := strings.Replace(urlsBefore, "from items.urls import router as items_router\n",
		"from items.urls import router as items_router\nfrom zoo.urls import router as zoo_router\n", 1)
	current = strings.Replace(current, "# scaffold: api-routes\n", "# scaffold: api-routes\nrouter.registry.extend(zoo_router.registry)\n", 1)
	current = "# My project.\n" + current
	got, err := Insert("config/urls.py", []byte(current), []byte(urlsBefore), []byte(urlsAfter))
	if err != nil {
		t.Fatal(err)
	}
	want := `# My project.
from rest_framework.routers import DefaultRouter

# scaffold: api-imports
from authors.urls import router as authors_router
from items.urls import router as items_router
from zoo.urls import router as zoo_router

router = DefaultRouter()
router.registry.extend(items_router.registry)
router.registry.extend(authors_router.registry)
# scaffold: api-routes
router.registry.extend(zoo_router.registry)
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestInsertTwiceAddsNothing(t *testing.T) {
	once, err := Insert("config/urls.py", []byte(urlsBefore), []byte(urlsBefore), []byte(urlsAfter))
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Insert("config/urls.py", once, []byte(urlsBefore), []byte(urlsAfter))
	if err != nil {
		t.Fatal(err)
	}
	if string(twice) != string(once) {
		t.Errorf("second run changed the file:\n%s", twice)
	}
}

func TestInsertIntoEmptyBlocks(t *testing.T) {
	before := "import os\n\n# scaffold: api-imports\n\nrouter = 1\n# scaffold: api-routes\n"
	after := "import os\n\n# scaffold: api-imports\nfrom books.urls import router as books_router\n\nrouter = 1\nrouter.registry.extend(books_router.registry)\n# scaffold: api-routes\n"
	got, err := Insert("config/urls.py", []byte(before), []byte(before), []byte(after))
	if err != nil || string(got) != after {
		t.Errorf("got %v\n%s\nwant\n%s", err, got, after)
	}
}

func TestInsertKeepsCRLF(t *testing.T) {
	current := strings.ReplaceAll(settingsBefore, "\n", "\r\n")
	got, err := Insert("config/settings.py", []byte(current), []byte(settingsBefore), []byte(settingsAfter))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.ReplaceAll(settingsAfter, "\n", "\r\n"); string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMissingMarkerSaysWhatToAddAndWhere(t *testing.T) {
	current := strings.Replace(settingsBefore, "    # scaffold: installed-apps\n", "", 1)
	_, err := Insert("config/settings.py", []byte(current), []byte(settingsBefore), []byte(settingsAfter))
	var missing *MissingError
	if !errors.As(err, &missing) {
		t.Fatalf("err = %v, want a *MissingError", err)
	}
	msg := err.Error()
	for _, want := range []string{"config/settings.py", `"# scaffold: installed-apps"`, "INSTALLED_APPS"} {
		if !strings.Contains(msg, want) || strings.Contains(msg, "\n") {
			t.Errorf("message %q should say %s on one line", msg, want)
		}
	}
}

func TestChangesOutsideMarkersAreRefused(t *testing.T) {
	after := strings.Replace(settingsAfter, "django.contrib.admin", "django.contrib.auth", 1)
	if _, err := Insert("config/settings.py", []byte(settingsBefore), []byte(settingsBefore), []byte(after)); !errors.Is(err, ErrOutsideMarkers) {
		t.Errorf("a changed line: err = %v, want ErrOutsideMarkers", err)
	}
	after = settingsAfter + "X = 1\n"
	if _, err := Insert("config/settings.py", []byte(settingsBefore), []byte(settingsBefore), []byte(after)); !errors.Is(err, ErrOutsideMarkers) {
		t.Errorf("an added line away from markers: err = %v, want ErrOutsideMarkers", err)
	}
}

func TestMarkdownMarker(t *testing.T) {
	before := "| Path | What |\n|---|---|\n| `/api/items/` | items |\n<!-- scaffold: endpoints -->\n"
	after := "| Path | What |\n|---|---|\n| `/api/items/` | items |\n| `/api/books/` | books |\n<!-- scaffold: endpoints -->\n"
	got, err := Insert("README.md", []byte(before), []byte(before), []byte(after))
	if err != nil || string(got) != after {
		t.Errorf("got %v\n%s", err, got)
	}
}

func TestCompare(t *testing.T) {
	ordered := []string{
		"from Authors.urls import x", "from blog.urls import x", "from blog_posts.urls import x",
		"from items2.urls import x", "from items10.urls import x", "from zoo.urls import x",
	}
	for i := 0; i+1 < len(ordered); i++ {
		if Compare(ordered[i], ordered[i+1]) >= 0 || Compare(ordered[i+1], ordered[i]) <= 0 {
			t.Errorf("Compare should put %q before %q", ordered[i], ordered[i+1])
		}
	}
}

// A marker moved where its lines would not parse is refused with the file
// and line, before anything is inserted.
func TestMovedMarkerIsRefused(t *testing.T) {
	moved := strings.Replace(settingsBefore, "    # scaffold: installed-apps\n", "", 1) +
		"\nDEBUG = '''[\n'''  # a ( in a comment\n# scaffold: installed-apps\n"
	_, err := Insert("config/settings.py", []byte(moved), []byte(settingsBefore), []byte(settingsAfter))
	var pe *PlaceError
	if !errors.As(err, &pe) || pe.Line != 8 {
		t.Fatalf("Insert = %v, want a *PlaceError at line 8", err)
	}
	for _, want := range []string{"config/settings.py line 8:", `"# scaffold: installed-apps" is no longer inside its list [...]`, "INSTALLED_APPS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	indented := strings.Replace(urlsBefore, "# scaffold: api-routes\n", "if True:\n    # scaffold: api-routes\n", 1)
	if _, err := Insert("config/urls.py", []byte(indented), []byte(urlsBefore), []byte(urlsAfter)); !errors.As(err, &pe) || pe.Line != 9 || !strings.Contains(err.Error(), "at the top level") {
		t.Errorf("Insert with an indented top-level marker = %v, want a *PlaceError at line 9", err)
	}

	// A tuple for the list, and brackets and quotes elsewhere, are fine.
	tuple := "X = {'a': \"]\"}  # ]\nY = '''\n[\n'''\n" + strings.Replace(strings.Replace(settingsBefore, "= [", "= (", 1), "]\n", ")\n", 1)
	got, err := Insert("config/settings.py", []byte(tuple), []byte(settingsBefore), []byte(settingsAfter))
	if err != nil || !strings.Contains(string(got), "    \"books\",\n    # scaffold: installed-apps\n)") {
		t.Errorf("Insert into a tuple = %q, %v", got, err)
	}
}
