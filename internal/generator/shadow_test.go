package generator

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/djscaffold/scaffold/templates"
)

// requirementLine is a pinned requirement as the templates write one:
// name, extras, version.
var requirementLine = regexp.MustCompile(`^([A-Za-z0-9._-]+(?:\[[a-z,]+\])?)==`)

// TestRequirementModulesCoverEveryRequirement keeps the modules a resource
// must not shadow in step with the templates' requirements files.
func TestRequirementModulesCoverEveryRequirement(t *testing.T) {
	names, err := fs.Glob(templates.Project(), "requirements*.txt.tmpl")
	if err != nil || len(names) < 2 {
		t.Fatalf("requirements templates: %v, %v", names, err)
	}
	seen := 0
	for _, name := range names {
		data, err := fs.ReadFile(templates.Project(), name)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(data)) {
			m := requirementLine.FindStringSubmatch(strings.TrimSpace(line))
			if m == nil {
				continue
			}
			seen++
			pkg := strings.ToLower(m[1])
			if _, ok := requirementModules[pkg]; !ok {
				t.Errorf("%s requires %s: add it to requirementModules with the modules it installs", name, pkg)
			}
		}
	}
	if seen < 20 {
		t.Errorf("read only %d requirements; has the file's format changed?", seen)
	}
}

func TestStdlibModules(t *testing.T) {
	for _, mod := range []string{"html", "json", "asyncio", "tomllib", "annotationlib", "compression", "__future__"} {
		if !stdlibModules[mod] {
			t.Errorf("%s is not in stdlib_modules.txt", mod)
		}
	}
	if len(stdlibModules) < 250 {
		t.Errorf("stdlib_modules.txt has %d modules", len(stdlibModules))
	}
}

func TestValidateResourceShadowing(t *testing.T) {
	tests := []struct{ name, want string }{
		{"html", "it would shadow html of Python's standard library"},
		{"statistics", "it would shadow statistics of Python's standard library"},
		{"factory", "it would shadow the module factory, which the project's requirement factory-boy installs"},
		{"faker", "which the project's requirement factory-boy installs"},
		{"celery", "requirement celery installs"},
		{"redis", "requirement celery installs"},
		{"corsheaders", "requirement django-cors-headers installs"},
		{"psycopg_pool", "requirement psycopg installs"},
		{"mysqldb", "requirement mysqlclient installs"},
		{"sentry_sdk", "requirement sentry-sdk installs"},
	}
	for _, tt := range tests {
		err := ValidateResource(tt.name)
		var oe *OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ValidateResource(%q) = %v, want an *OptionError saying %q", tt.name, err, tt.want)
		}
	}
	for _, ok := range []string{"books", "authors", "items", "blog_posts", "factories"} {
		if err := ValidateResource(ok); err != nil {
			t.Errorf("ValidateResource(%q) = %v", ok, err)
		}
	}
}
