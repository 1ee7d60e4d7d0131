package generator

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxNameLength keeps the name usable as a DNS label and a compose project name.
const maxNameLength = 63

// pythonKeywords are Python 3's reserved words, soft keywords included,
// because the slug becomes an identifier.
var pythonKeywords = setOf(
	"false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue",
	"def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
	"in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
	"with", "yield", "match", "case", "type",
)

// shadowedModules are modules a generated project imports (or that its tools
// import); a package of the same name would shadow them.
var shadowedModules = setOf(
	"django", "rest_framework", "rest_framework_simplejwt", "drf_spectacular", "django_filters",
	"corsheaders", "whitenoise", "dj_database_url", "psycopg", "mysqldb", "celery", "kombu", "redis",
	"gunicorn", "uvicorn", "uvicorn_worker", "pytest", "pytest_django", "test", "tests", "config",
	"manage", "settings", "site", "os", "sys", "io", "re", "json", "logging", "typing", "types",
	"string", "random", "time", "datetime", "email", "http", "collections", "abc", "asyncio",
	"unittest", "pathlib", "secrets", "signal", "socket", "ssl", "urllib", "uuid", "enum",
	"functools", "inspect", "copy", "math", "decimal", "queue", "threading", "select", "code",
	"operator", "platform", "tokenize", "token", "array", "builtins",
)

// reservedApps would clash with the labels of the Django apps a project installs,
// or with the project's own URL prefixes.
var reservedApps = setOf(
	"admin", "auth", "authtoken", "contenttypes", "sessions", "messages", "staticfiles", "api",
	"health", "static", "media", "token_blacklist", "conftest", "docker",
)

// shellMeta are characters that need quoting in a shell, named in errors
// because they are the likeliest typos.
const shellMeta = " \t\n'\"`$&|;<>()*?[]{}!#~=%^,:@+"

// ValidateName checks a project name. The folder keeps the name as given, and
// the Python code uses its slug, so both must be safe.
func validateName(name string) error {
	bad := func(reason string) error {
		return &OptionError{Option: "project name", Key: "name", Value: name, Reason: reason}
	}
	switch {
	case name == "":
		return &OptionError{Option: "project name", Key: "name", Value: name, Reason: "it is empty; give a name such as myapi"}
	case len(name) > maxNameLength:
		return bad(fmt.Sprintf("it has %d characters; use at most %d", len(name), maxNameLength))
	case strings.ContainsAny(name, `/\`) || strings.Contains(name, ".."):
		return bad("it must be a plain folder name, without path separators or \"..\"; use -o DIR to choose where it goes")
	case !isASCII(name):
		return bad("use only ASCII letters, digits, \"-\" and \"_\"")
	case strings.ContainsAny(name, shellMeta):
		return bad("spaces and shell characters are not allowed; use only letters, digits, \"-\" and \"_\"")
	case name[0] == '-':
		return bad("it must not start with \"-\"; start with a letter")
	case name[0] >= '0' && name[0] <= '9':
		return bad("it must not start with a digit; start with a letter")
	}
	for _, r := range name {
		if !isNameRune(r) {
			return bad("use only letters, digits, \"-\" and \"_\"")
		}
	}
	if !isLetter(name[0]) {
		return bad(fmt.Sprintf("it must not start with %q; start with a letter", name[:1]))
	}
	if windowsReserved(name) {
		return bad(fmt.Sprintf("%q is a reserved device name on Windows, where the project could not be cloned; choose another name", name))
	}
	slug := Slug(name)
	if pythonKeywords[slug] {
		return bad(fmt.Sprintf("%q is a Python keyword; choose another name", slug))
	}
	if shadowedModules[slug] {
		return bad(fmt.Sprintf("%q would shadow the Python module of that name; choose another name", slug))
	}
	return nil
}

// ValidateResource checks the example resource name, which becomes a Django
// app, a Python package and a URL segment, so it must be a plain identifier.
func ValidateResource(name string) error {
	bad := func(reason string) error {
		return &OptionError{Option: "resource", Key: "resource", Value: name, Reason: reason}
	}
	if len(name) > maxNameLength {
		return bad(fmt.Sprintf("it has %d characters; use at most %d", len(name), maxNameLength))
	}
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return bad("it must start with a lowercase letter, such as items")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return bad("use only lowercase letters, digits and \"_\", such as blog_posts")
		}
	}
	if reason := shadowsModule(name); reason != "" {
		return bad(reason)
	}
	switch {
	case windowsReserved(name):
		return bad("it is a reserved device name on Windows, where the project could not be cloned; choose another name")
	case pythonKeywords[name]:
		return bad("it is a Python keyword; choose another name")
	case shadowedModules[name]:
		return bad("it would shadow the Python module of that name; choose another name")
	case reservedApps[name]:
		return bad("it clashes with a Django app or a URL the project already has; choose another name")
	}
	return nil
}

// windowsReserved reports whether Windows reserves name for a device, in any
// case and with any extension (nul.txt is nul): such a file or folder cannot
// be made there, so a project that holds one cannot be cloned on Windows.
func windowsReserved(name string) bool {
	base, _, _ := strings.Cut(strings.ToLower(name), ".")
	base = strings.TrimRight(base, " ")
	switch base {
	case "con", "prn", "aux", "nul", "conin$", "conout$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "com") || strings.HasPrefix(base, "lpt")) {
		return base[3] >= '1' && base[3] <= '9'
	}
	return false
}

// Slug turns a project name into a Python-safe identifier: my-API becomes my_api.
func Slug(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "-", "_")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isNameRune(r rune) bool {
	return r < utf8.RuneSelf && isLetter(byte(r)) || r >= '0' && r <= '9' || r == '-' || r == '_'
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
