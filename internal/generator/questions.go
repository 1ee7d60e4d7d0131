package generator

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Kind is the kind of answer a question takes.
type Kind string

// The kinds of answer; a template pack's pack.yaml names them the same way.
const (
	KindString Kind = "string"
	KindBool   Kind = "bool"
	KindChoice Kind = "choice"
)

// Question is one answer a project needs: a builtin option, or one of a
// template pack's own questions. Flags, the answers file, prompts and the
// summary all read the same table, so a new question is one entry and the
// templates that use its answer.
type Question struct {
	// Key names the answer in the answers file (answers.<Key> for a builtin
	// question, extra.<Key> for a pack's), in --set and in messages.
	Key  string
	Kind Kind
	// Values lists what a choice question accepts.
	Values []string
	// twin, when set on a choice question, names the true-or-false twin
	// that the template data holds for each of its values: %s stands for
	// the value spelled as a Go name (see twinName), so "%sAuth" gives
	// .TokenAuth, true when the answer is token. "none" has no twin.
	twin string
	// Default is a string, or a bool for a bool question; nil means the
	// question must be answered.
	Default any
	// Field names the answer in the template data, as in .Python, and the
	// field of Options that keeps it; without such a field, Options.more
	// keeps it. A builtin question needs one; a pack's answer is kept in
	// Options.Extra, and read as .Extra.<Key>.
	Field string
	// check, when set, tells whether the answer is valid, given the others.
	check func(o Options) error

	// Title names the answer in the summary.
	Title  string
	Prompt string
	Help   string // one line, shown with ? at the prompt
	// Offer, when set, lists the values a choice question offers at the
	// prompt; answered tells which other questions were answered rather
	// than left at their defaults.
	Offer func(o Options, answered func(key string) bool) []string
	// None is what a user types for the answer "" at a prompt, and how the
	// summary shows it.
	None string
	// show, when set, is how the summary shows the answer.
	show func(o Options) string

	// Flag is the flag of `scaffold new` that answers a builtin question;
	// pack questions are answered with --set. NoFlag, when set, answers it
	// with "". Usage and NoUsage are their help.
	Flag, Usage     string
	NoFlag, NoUsage string

	extra bool // a template pack's question
}

// FileKey is the question's key in the answers file: answers.<Key>, or
// extra.<Key> for a pack's question.
func (q Question) FileKey() string {
	if q.extra {
		return "extra." + q.Key
	}
	return "answers." + q.Key
}

// Get returns the question's answer in o.
func (q Question) Get(o Options) any {
	if f := q.field(reflect.ValueOf(&o).Elem()); f.IsValid() {
		return f.Interface()
	}
	return q.bag(o)[q.Key]
}

// Set answers the question in o.
func (q Question) Set(o *Options, v any) {
	if f := q.field(reflect.ValueOf(o).Elem()); f.IsValid() {
		f.Set(reflect.ValueOf(v))
		return
	}
	if q.bag(*o) == nil {
		if q.extra {
			o.Extra = map[string]any{}
		} else {
			o.more = map[string]any{}
		}
	}
	q.bag(*o)[q.Key] = v
}

// bag is the map of Options that keeps the answer when no field does.
func (q Question) bag(o Options) map[string]any {
	if q.extra {
		return o.Extra
	}
	return o.more
}

// field is the field of Options that holds the answer, if there is one.
func (q Question) field(o reflect.Value) reflect.Value {
	if q.extra || q.Field == "" || q.Field == "Extra" {
		return reflect.Value{}
	}
	if f := o.FieldByName(q.Field); f.CanSet() { // an exported field
		return f
	}
	return reflect.Value{}
}

// Parse reads an answer typed on the command line or at a prompt.
func (q Question) Parse(text string) (any, error) {
	switch q.Kind {
	case KindBool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, &OptionError{Option: q.Key, Key: q.Key, Value: text, Reason: "use true or false"}
		}
		return b, nil
	case KindChoice:
		if err := q.checkValue(text); err != nil {
			return nil, err
		}
	}
	return text, nil
}

// Validate checks the question's answer in o.
func (q Question) Validate(o Options) error {
	if q.Kind == KindChoice {
		if s, ok := q.Get(o).(string); ok {
			if err := q.checkValue(s); err != nil {
				return err
			}
		}
	}
	if q.check != nil {
		return q.check(o)
	}
	return nil
}

func (q Question) checkValue(v string) error {
	if slices.Contains(q.Values, v) {
		return nil
	}
	return &OptionError{Option: q.Key, Key: q.Key, Value: v, Reason: "choose one of " + strings.Join(q.Values, ", ")}
}

// Display is the answer as the summary shows it.
func (q Question) Display(o Options) string {
	if q.show != nil {
		return q.show(o)
	}
	switch v := q.Get(o).(type) {
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case string:
		if v == "" && q.None != "" {
			return q.None
		}
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// Questions returns the builtin questions, in the order they are asked. A
// question without a Kind takes text. The table is a copy: changing it
// changes nothing else.
func Questions() []Question {
	out := slices.Clone(questions)
	for i := range out {
		out[i].Values = slices.Clone(out[i].Values)
	}
	return out
}

// questions is the table that Questions copies.
var questions = []Question{
	{Key: "name", Field: "Name", Title: "Name", Prompt: "Project name",
		Help:  "The folder to create; Python code uses it lowercased, with dashes turned into underscores.",
		check: func(o Options) error { return validateName(o.Name) }},
	{Key: "python", Field: "Python", Kind: KindChoice, Values: pythons, Default: "3.13", Title: "Python", Prompt: "Python version",
		Help: "The Python version of the Docker image and of CI.", Flag: "python", Usage: "Python version: 3.12|3.13|3.14",
		Offer: func(o Options, answered func(string) bool) []string {
			// Validation reports a Django that no Python supports.
			if offered := pythonsFor(o.Django); answered("django") && len(offered) > 0 {
				return offered
			}
			return pythons
		}},
	{Key: "django", Field: "Django", Kind: KindChoice, Values: djangos, Default: "5.2", Title: "Django", Prompt: "Django version",
		Help: "The Django release the project depends on; 5.2 is the long-term support release.",
		Flag: "django", Usage: "Django version: 5.2|6.1; 6.1 needs Python 3.12 or newer",
		Offer: func(o Options, _ func(string) bool) []string { return DjangoVersionsFor(o.Python) },
		check: func(o Options) error {
			if slices.Contains(DjangoVersionsFor(o.Python), o.Django) {
				return nil
			}
			return &OptionError{Option: "django", Key: "django", Value: o.Django,
				Reason: fmt.Sprintf("Django %s needs Python %s or newer, not %s", o.Django, minPython[o.Django], o.Python)}
		}},
	{Key: "database", Field: "Database", Kind: KindChoice, Values: []string{"postgres", "mysql", "sqlite"}, Default: "postgres",
		twin: "%s", Title: "Database", Prompt: "Database", Flag: "database", Usage: "database: postgres|mysql|sqlite",
		Help: "The database Django uses; postgres and mysql run as a compose service, sqlite is a file."},
	{Key: "auth", Field: "Auth", Kind: KindChoice, Values: []string{"session", "token", "jwt"}, Default: "token",
		twin: "%sAuth", Title: "Auth", Prompt: "API authentication", Flag: "auth", Usage: "API authentication: session|token|jwt",
		Help: "How API clients log in: session cookies, DRF tokens, or JWT access and refresh tokens."},
	{Key: "resource", Field: "Resource", Default: "items", None: "none", Title: "Resource", Prompt: "Example API resource",
		Help: "An example app with a model, serializer, viewset and tests, served at /api/NAME/; type none to leave it out.",
		Flag: "resource", Usage: "example API resource `NAME`, served at /api/NAME/",
		NoFlag: "no-resource", NoUsage: "generate no example resource",
		check: func(o Options) error {
			if o.Resource == "" {
				return nil
			}
			return ValidateResource(o.Resource)
		},
		show: func(o Options) string {
			if o.Resource == "" {
				return "none"
			}
			return fmt.Sprintf("%s, at /api/%s/", o.Resource, o.Resource)
		}},
	{Key: "owner", Field: "ResourceOwner", Kind: KindBool, Default: false, Title: "Owner", Prompt: "Objects of the example resource owned by their creator?",
		Help: "Each object gets an owner, the user who created it, who alone sees, changes and deletes it.",
		Flag: "owner", Usage: "give each object of the example resource an owner, who alone reaches it",
		check: func(o Options) error {
			if o.ResourceOwner && o.Resource == "" {
				return &OptionError{Option: "owner", Key: "owner", Value: "true",
					Reason: "it owns the example resource's objects, and there is none; drop --owner or name one with --resource"}
			}
			return nil
		}},
	{Key: "api_docs", Field: "APIDocs", Kind: KindBool, Default: true, Title: "API docs", Prompt: "API docs (OpenAPI schema and Swagger UI)?",
		Help: "An OpenAPI schema and a Swagger UI page, made by drf-spectacular.",
		Flag: "api-docs", Usage: "OpenAPI schema and Swagger UI; --api-docs=false turns them off"},
	{Key: "celery", Field: "Celery", Kind: KindBool, Default: false, Title: "Celery", Prompt: "Celery worker?",
		Help: "A Celery worker with a Redis broker, as extra compose services.", Flag: "celery", Usage: "Celery worker with a Redis broker"},
	{Key: "cors", Field: "CORS", Kind: KindBool, Default: false, Title: "CORS", Prompt: "CORS headers?", Flag: "cors",
		Usage: "CORS headers with django-cors-headers", Help: "django-cors-headers, for browsers that call the API from another origin."},
	{Key: "server", Field: "Server", Kind: KindChoice, Values: []string{"gunicorn", "uvicorn"}, Default: "gunicorn",
		twin: "%s", Title: "Server", Prompt: "Application server", Flag: "server", Usage: "application server: gunicorn|uvicorn",
		Help: "What serves Django in the container: gunicorn (WSGI) or uvicorn (ASGI)."},
	{Key: "ci", Field: "CI", Kind: KindChoice, Values: []string{"github", "gitlab", "none"}, Default: "github", twin: "%sCI", Title: "CI",
		Prompt: "CI pipeline", Help: "A pipeline that runs the tests on every push: GitHub Actions, GitLab CI, or none.",
		Flag: "ci", Usage: "CI pipeline: github|gitlab|none"},
	{Key: "kubernetes", Field: "Kubernetes", Kind: KindBool, Default: false, Title: "Kubernetes", Prompt: "Kubernetes manifests?",
		Help: "Kustomize manifests in deploy/kubernetes: a base, a production overlay and an overlay for a local cluster.",
		Flag: "kubernetes", Usage: "Kubernetes manifests (kustomize) in deploy/kubernetes; needs postgres or mysql",
		check: func(o Options) error {
			// Several web pods and the migration Job cannot share one SQLite file.
			if o.Kubernetes && o.Database == "sqlite" {
				return &OptionError{Option: "kubernetes", Key: "kubernetes", Value: "true",
					Reason: "a cluster runs several web pods, which cannot share one SQLite file; choose --database postgres or mysql"}
			}
			return nil
		}},
	{Key: "update_check", Field: "UpdateCheck", Kind: KindBool, Default: false, Title: "Update check", Prompt: "Weekly check for template updates in CI?",
		Help: "A scheduled CI job that runs scaffold update --check and fails when a newer template release exists.",
		Flag: "update-check", Usage: "scheduled CI job that fails when a newer template release exists"},
}

// QuestionByKey returns the builtin question with the given key.
func QuestionByKey(key string) (Question, bool) {
	i := slices.IndexFunc(questions, func(q Question) bool { return q.Key == key })
	if i < 0 {
		return Question{}, false
	}
	q := questions[i]
	q.Values = slices.Clone(q.Values)
	return q, true
}

// ExtraQuestion makes q a template pack's question, whose answer is
// .Extra.<Key>.
func ExtraQuestion(q Question) Question {
	q.extra = true
	return q
}

// The Python and Django releases a project can use, oldest first.
var (
	pythons = []string{"3.12", "3.13", "3.14"}
	djangos = []string{"5.2", "6.1"}
)

// minPython is the oldest Python each Django release supports.
var minPython = map[string]string{"5.2": "3.10", "6.1": "3.12"}

// DjangoVersionsFor lists the Django releases that support the given Python.
func DjangoVersionsFor(python string) []string {
	var out []string
	for _, d := range djangos {
		if versionAtLeast(python, minPython[d]) {
			out = append(out, d)
		}
	}
	return out
}

// pythonsFor lists the Python versions that the given Django supports.
func pythonsFor(django string) []string {
	var out []string
	for _, py := range pythons {
		if slices.Contains(DjangoVersionsFor(py), django) {
			out = append(out, py)
		}
	}
	return out
}

// Twins lists the true-or-false twins that the template data holds for the
// question's values, by value.
func (q Question) Twins() map[string]string {
	if q.twin == "" || q.Kind != KindChoice {
		return nil
	}
	out := map[string]string{}
	for _, v := range q.Values {
		if v != "" && v != "none" {
			out[v] = fmt.Sprintf(q.twin, twinName(v))
		}
	}
	return out
}

// properNames spells the values whose Go names are not simply capitalized.
var properNames = map[string]string{
	"mysql": "MySQL", "sqlite": "SQLite", "jwt": "JWT", "github": "GitHub", "gitlab": "GitLab",
}

// twinName spells a choice value as the start of a Go name: postgres gives
// Postgres, and mysql gives MySQL.
func twinName(v string) string {
	if name, ok := properNames[v]; ok {
		return name
	}
	return strings.ToUpper(v[:1]) + v[1:]
}
