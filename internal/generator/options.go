package generator

import (
	"fmt"
	"slices"
	"strings"
)

// Options are the answers that decide what a generated project contains.
type Options struct {
	Name     string
	Python   string
	Django   string
	Database string
	Auth     string
	Resource string // "" means no example resource
	APIDocs  bool
	Celery   bool
	CORS     bool
	Server   string
	CI       string
	// Extra holds the answers to a template pack's own questions.
	Extra map[string]any
	// Owner is who runs scaffold. It is no answer: only .env records it, which
	// is outside the promise that the same answers give the same files.
	Owner Owner
}

// Owner holds the user and group ids of whoever runs scaffold. .env passes
// them to the image build, so that what the containers write into the
// bind-mounted project belongs to that user.
type Owner struct{ UID, GID int }

// fallbackID stands in for an id that is unknown (-1 on Windows, 0 when
// unset) or root's: containers must never run as root by accident.
const fallbackID = 1000

// IDs returns the ids to write, with the fallback for unknown or root ids.
func (o Owner) IDs() (uid, gid int) {
	uid, gid = o.UID, o.GID
	if uid <= 0 {
		uid = fallbackID
	}
	if gid <= 0 {
		gid = fallbackID
	}
	return uid, gid
}

// Choice lists the values an option accepts, default first.
type Choice struct {
	Option  string
	Values  []string
	Default string
}

// The choices of every enumerated option, in the order questions are asked.
var (
	PythonChoice   = Choice{Option: "python", Values: []string{"3.12", "3.13", "3.14"}, Default: "3.13"}
	DjangoChoice   = Choice{Option: "django", Values: []string{"5.2", "6.1"}, Default: "5.2"}
	DatabaseChoice = Choice{Option: "database", Values: []string{"postgres", "mysql", "sqlite"}, Default: "postgres"}
	AuthChoice     = Choice{Option: "auth", Values: []string{"session", "token", "jwt"}, Default: "token"}
	ServerChoice   = Choice{Option: "server", Values: []string{"gunicorn", "uvicorn"}, Default: "gunicorn"}
	CIChoice       = Choice{Option: "ci", Values: []string{"github", "gitlab", "none"}, Default: "github"}
)

// Choices lists every enumerated option, in the order questions are asked.
var Choices = []Choice{PythonChoice, DjangoChoice, DatabaseChoice, AuthChoice, ServerChoice, CIChoice}

// DefaultResource is the example API resource of a new project.
const DefaultResource = "items"

// minPython is the oldest Python each Django release supports.
var minPython = map[string]string{"5.2": "3.10", "6.1": "3.12"}

// DefaultOptions returns the answers a project gets when nobody says otherwise.
func DefaultOptions() Options {
	return Options{
		Python:   PythonChoice.Default,
		Django:   DjangoChoice.Default,
		Database: DatabaseChoice.Default,
		Auth:     AuthChoice.Default,
		Resource: DefaultResource,
		APIDocs:  true,
		Server:   ServerChoice.Default,
		CI:       CIChoice.Default,
		Extra:    map[string]any{},
	}
}

// OptionError reports an answer that cannot be used. It is always the
// user's to fix, so callers treat it as a usage error.
type OptionError struct {
	Option string // as messages name it, such as "project name"
	Key    string // as the answers file names it, such as "name"
	Value  string
	Reason string
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s", e.Option, e.Value, e.Reason)
}

// Check reports whether value is one of the choice's values.
func (c Choice) Check(value string) error {
	if slices.Contains(c.Values, value) {
		return nil
	}
	return &OptionError{Option: c.Option, Key: c.Option, Value: value, Reason: "choose one of " + strings.Join(c.Values, ", ")}
}

// DjangoVersionsFor lists the Django releases that support the given Python.
func DjangoVersionsFor(python string) []string {
	var out []string
	for _, d := range DjangoChoice.Values {
		if versionAtLeast(python, minPython[d]) {
			out = append(out, d)
		}
	}
	return out
}

// Validate checks every answer, so that rendering never meets a bad value.
func (o Options) Validate() error {
	if err := ValidateName(o.Name); err != nil {
		return err
	}
	for _, c := range []struct {
		choice Choice
		value  string
	}{
		{PythonChoice, o.Python}, {DjangoChoice, o.Django}, {DatabaseChoice, o.Database},
		{AuthChoice, o.Auth}, {ServerChoice, o.Server}, {CIChoice, o.CI},
	} {
		if err := c.choice.Check(c.value); err != nil {
			return err
		}
	}
	if !slices.Contains(DjangoVersionsFor(o.Python), o.Django) {
		return &OptionError{Option: "django", Key: "django", Value: o.Django,
			Reason: fmt.Sprintf("Django %s needs Python %s or newer, not %s", o.Django, minPython[o.Django], o.Python)}
	}
	if o.Resource != "" {
		return ValidateResource(o.Resource)
	}
	return nil
}

// versionAtLeast compares two "major.minor" versions.
func versionAtLeast(v, min string) bool {
	var vMaj, vMin, mMaj, mMin int
	if _, err := fmt.Sscanf(v, "%d.%d", &vMaj, &vMin); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(min, "%d.%d", &mMaj, &mMin); err != nil {
		return false
	}
	return vMaj > mMaj || (vMaj == mMaj && vMin >= mMin)
}
