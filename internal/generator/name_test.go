package generator

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateNameAccepts(t *testing.T) {
	for _, name := range []string{"myapi", "my-api", "my_api", "MyAPI", "a", "api2", "a_", "a__init__", strings.Repeat("a", 63)} {
		if err := validateName(name); err != nil {
			t.Errorf("validateName(%q) = %v, want nil", name, err)
		}
	}
}

func TestValidateNameRefuses(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"", "empty"},
		{"a/b", "path separators"},
		{`a\b`, "path separators"},
		{"..", "path separators"},
		{"a..b", "path separators"},
		{"-api", `start with "-"`},
		{"1api", "start with a digit"},
		{"_private", `start with "_"; start with a letter`},
		{"__init__", `start with "_"; start with a letter`},
		{"café", "ASCII"},
		{"my api", "spaces"},
		{"api;rm", "shell"},
		{"api$x", "shell"},
		{"my.api", "letters, digits"},
		{"class", "Python keyword"},
		{"match", "Python keyword"},
		{"django", "shadow"},
		{"rest_framework", "shadow"},
		{"rest-framework", "shadow"},
		{"Test", "shadow"},
		{"config", "shadow"},
		{"celery", "shadow"},
		{strings.Repeat("a", 64), "at most 63"},
		{"con", "reserved device name on Windows"},
		{"AUX", "reserved device name on Windows"},
		{"Nul", "reserved device name on Windows"},
		{"prn", "reserved device name on Windows"},
		{"com1", "reserved device name on Windows"},
		{"LPT9", "reserved device name on Windows"},
	}
	for _, tt := range tests {
		err := validateName(tt.name)
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Errorf("validateName(%q) = %v, want an *OptionError", tt.name, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
			t.Errorf("validateName(%q) = %q, want one line mentioning %q", tt.name, msg, tt.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{"my-api": "my_api", "MyAPI": "myapi", "a_b-c": "a_b_c"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateResource(t *testing.T) {
	for _, ok := range []string{"items", "blog_posts", "v2_things"} {
		if err := ValidateResource(ok); err != nil {
			t.Errorf("ValidateResource(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"Items", "1items", "my-items", "class", "admin", "config", "api", "django", "items!", "conftest", "docker", "tests", "con", "aux", "nul", "prn", "com1", "com9", "lpt1", "lpt9"} {
		var oe *OptionError
		if err := ValidateResource(bad); !errors.As(err, &oe) {
			t.Errorf("ValidateResource(%q) = %v, want an *OptionError", bad, err)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	base := DefaultOptions()
	base.Name = "myapi"
	if err := base.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	tests := []struct {
		mutate    func(*Options)
		want, key string
	}{
		{func(o *Options) { o.Database = "oracle" }, "choose one of postgres, mysql, sqlite", "database"},
		{func(o *Options) { o.Python = "3.11" }, "choose one of 3.12, 3.13, 3.14", "python"},
		{func(o *Options) { o.Django = "4.2" }, "choose one of 5.2, 6.1", "django"},
		{func(o *Options) { o.Auth = "oauth" }, "session, token, jwt", "auth"},
		{func(o *Options) { o.Server = "daphne" }, "gunicorn, uvicorn", "server"},
		{func(o *Options) { o.CI = "jenkins" }, "github, gitlab, none", "ci"},
		{func(o *Options) { o.Resource = "Items" }, "lowercase", "resource"},
		{func(o *Options) { o.Name = "" }, "empty", "name"},
		{func(o *Options) { o.Name = "_x" }, "start with a letter", "name"},
	}
	for _, tt := range tests {
		o := base
		tt.mutate(&o)
		err := o.Validate()
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate() = %v, want an *OptionError mentioning %q", err, tt.want)
			continue
		}
		if oe.Key != tt.key {
			t.Errorf("Validate() = %v with Key %q, want the answers file's key %q", err, oe.Key, tt.key)
		}
	}
}

func TestDjangoVersionsFor(t *testing.T) {
	if got := strings.Join(DjangoVersionsFor("3.12"), ","); got != "5.2,6.1" {
		t.Errorf("3.12: %s", got)
	}
	if got := strings.Join(DjangoVersionsFor("3.11"), ","); got != "5.2" {
		t.Errorf("3.11: %s", got)
	}
}

// FuzzValidateName checks that every accepted name is safe as a folder name
// and gives a Python identifier.
func FuzzValidateName(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string) {
		err := validateName(name)
		if err == nil {
			slug := Slug(name)
			if name == "" || len(name) > maxNameLength || strings.ContainsAny(name, "/\\. \x00") || !isLetter(name[0]) {
				t.Fatalf("accepted unsafe name %q", name)
			}
			for i, r := range slug {
				if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
					t.Fatalf("name %q gives slug %q, which is not an identifier", name, slug)
				}
			}
			return
		}
		var oe *OptionError
		if !errors.As(err, &oe) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("validateName(%q) = %v, want a one-line *OptionError", name, err)
		}
	})
}

func TestWindowsReserved(t *testing.T) {
	for _, name := range []string{"con", "CON", "Aux", "nul.txt", "NUL.tar.gz", "prn", "com1", "COM9", "lpt1", "Lpt5.log", "conin$"} {
		if !windowsReserved(name) {
			t.Errorf("windowsReserved(%q) = false", name)
		}
	}
	for _, name := range []string{"console", "com", "com0", "com10", "lpt", "lpt0", "auxiliary", "nullable", "icon", "myapi"} {
		if windowsReserved(name) {
			t.Errorf("windowsReserved(%q) = true", name)
		}
	}
}
