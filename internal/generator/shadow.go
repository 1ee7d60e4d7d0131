package generator

import (
	_ "embed"
	"fmt"
	"strings"
)

// stdlibModules are the modules of Python's standard library, as the newest
// supported Python names them (stdlib_modules.txt says how to regenerate it).
//
//go:embed stdlib_modules.txt
var stdlibModulesText string

var stdlibModules = func() map[string]bool {
	m := map[string]bool{}
	for line := range strings.Lines(stdlibModulesText) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// requirementModules maps each package of a generated project's
// requirements (templates/project/requirements*.txt.tmpl, by the name
// written there, extras included) to the top-level modules it installs,
// its own and those of the dependencies it brings. A resource of the same
// name, a package at the project's root, would come first on sys.path and
// shadow them. A test checks that every requirement is here.
var requirementModules = map[string][]string{
	"django":                        {"django", "asgiref", "sqlparse"},
	"djangorestframework":           {"rest_framework"},
	"django-filter":                 {"django_filters"},
	"dj-database-url":               {"dj_database_url"},
	"whitenoise":                    {"whitenoise"},
	"gunicorn":                      {"gunicorn", "packaging"},
	"uvicorn":                       {"uvicorn", "h11", "click"},
	"uvicorn-worker":                {"uvicorn_worker"},
	"psycopg":                       {"psycopg"},
	"psycopg[binary]":               {"psycopg", "psycopg_binary"},
	"psycopg[binary,pool]":          {"psycopg", "psycopg_binary", "psycopg_pool"},
	"mysqlclient":                   {"mysqldb"},
	"djangorestframework-simplejwt": {"rest_framework_simplejwt", "jwt"},
	"drf-spectacular":               {"drf_spectacular", "yaml", "uritemplate", "inflection", "jsonschema"},
	"drf-spectacular-sidecar":       {"drf_spectacular_sidecar"},
	"django-cors-headers":           {"corsheaders"},
	"django-csp":                    {"csp", "packaging"},
	"argon2-cffi":                   {"argon2", "_argon2_cffi_bindings", "_cffi_backend", "cffi", "pycparser"},
	"celery":                        {"celery", "kombu", "billiard", "vine", "amqp", "click"},
	"celery[redis]":                 {"celery", "kombu", "billiard", "vine", "amqp", "click", "redis"},
	"redis":                         {"redis"},
	"sentry-sdk":                    {"sentry_sdk", "urllib3", "certifi"},
	"pytest":                        {"pytest", "pluggy", "iniconfig", "packaging"},
	"pytest-django":                 {"pytest_django"},
	"pytest-cov":                    {"pytest_cov", "coverage"},
	"factory-boy":                   {"factory", "faker"},
	"ruff":                          {"ruff"},
	"watchfiles":                    {"watchfiles", "anyio"},
}

// requiredBy maps a module to the first requirement, in name order, that
// installs it, for the reason a refusal gives.
var requiredBy = func() map[string]string {
	m := map[string]string{}
	for pkg, mods := range requirementModules {
		name, _, _ := strings.Cut(pkg, "[")
		for _, mod := range mods {
			if cur, ok := m[mod]; !ok || name < cur {
				m[mod] = name
			}
		}
	}
	return m
}()

// shadowsModule says which module a resource of this name would shadow, as
// the reason of a refusal, or "" when it shadows none. Names compare in
// lower case: on a case-insensitive file system, mysqldb shadows MySQLdb.
func shadowsModule(name string) string {
	name = strings.ToLower(name)
	if stdlibModules[name] {
		return fmt.Sprintf("it would shadow %s of Python's standard library; choose another name", name)
	}
	if pkg, ok := requiredBy[name]; ok {
		return fmt.Sprintf("it would shadow the module %s, which the project's requirement %s installs; choose another name", name, pkg)
	}
	return ""
}
