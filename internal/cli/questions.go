package cli

import (
	"errors"
	"fmt"
	"slices"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/prompt"
)

// noResource is what a user types for a project without the example
// resource; it can never be a resource name, being a Python keyword.
const noResource = "none"

// errDeclined means the user said no at the confirmation.
var errDeclined = errors.New("not confirmed; nothing was written")

// askMissing asks, in order, the questions that no flag or answers file
// answered, and reports whether it asked any. validName checks the name as
// it is typed.
func askMissing(p prompt.Prompter, opts *generator.Options, given answered, validName func(string) error) (bool, error) {
	asked := false
	ask := func(key string, question func() error) error {
		if given.keys[key] {
			return nil
		}
		asked = true
		return question()
	}
	selectOne := func(key, message, help string, values []string, target *string) error {
		return ask(key, func() error {
			switch len(values) {
			case 0:
				// Validation reports the value that left nothing to choose.
				return nil
			case 1:
				*target = values[0]
				return nil
			}
			def := *target
			if !slices.Contains(values, def) {
				def = values[len(values)-1]
			}
			answer, err := p.Select(prompt.Select{Message: message, Help: help, Options: values, Default: def})
			if err != nil {
				return err
			}
			*target = answer
			return nil
		})
	}
	confirm := func(key, message, help string, target *bool) error {
		return ask(key, func() error {
			answer, err := p.Confirm(prompt.Confirm{Message: message, Help: help, Default: *target})
			if err != nil {
				return err
			}
			*target = answer
			return nil
		})
	}

	steps := []func() error{
		func() error {
			return ask("name", func() error {
				name, err := p.Input(prompt.Input{
					Message:  "Project name",
					Help:     "The folder to create; Python code uses it lowercased, with dashes turned into underscores.",
					Default:  opts.Name,
					Validate: validName,
				})
				opts.Name = name
				return err
			})
		},
		func() error {
			return selectOne("python", "Python version",
				"The Python version of the Docker image and of CI.",
				pythonsFor(opts.Django, given.keys["django"]), &opts.Python)
		},
		func() error {
			return selectOne("django", "Django version",
				"The Django release the project depends on; 5.2 is the long-term support release.",
				generator.DjangoVersionsFor(opts.Python), &opts.Django)
		},
		func() error {
			return selectOne("database", "Database",
				"The database Django uses; postgres and mysql run as a compose service, sqlite is a file.",
				generator.DatabaseChoice.Values, &opts.Database)
		},
		func() error {
			return selectOne("auth", "API authentication",
				"How API clients log in: session cookies, DRF tokens, or JWT access and refresh tokens.",
				generator.AuthChoice.Values, &opts.Auth)
		},
		func() error {
			return ask("resource", func() error {
				def := opts.Resource
				if def == "" {
					def = noResource
				}
				answer, err := p.Input(prompt.Input{
					Message:  "Example API resource",
					Help:     "An example app with a model, serializer, viewset and tests, served at /api/NAME/; type " + noResource + " to leave it out.",
					Default:  def,
					Validate: validateResourceAnswer,
				})
				if err != nil {
					return err
				}
				opts.Resource = resourceOf(answer)
				return nil
			})
		},
		func() error {
			return confirm("api_docs", "API docs (OpenAPI schema and Swagger UI)?",
				"An OpenAPI schema and a Swagger UI page, made by drf-spectacular.", &opts.APIDocs)
		},
		func() error {
			return confirm("celery", "Celery worker?",
				"A Celery worker with a Redis broker, as extra compose services.", &opts.Celery)
		},
		func() error {
			return confirm("cors", "CORS headers?",
				"django-cors-headers, for browsers that call the API from another origin.", &opts.CORS)
		},
		func() error {
			return selectOne("server", "Application server",
				"What serves Django in the container: gunicorn (WSGI) or uvicorn (ASGI).",
				generator.ServerChoice.Values, &opts.Server)
		},
		func() error {
			return selectOne("ci", "CI pipeline",
				"A pipeline that runs the tests on every push: GitHub Actions, GitLab CI, or none.",
				generator.CIChoice.Values, &opts.CI)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return asked, err
		}
	}
	return asked, nil
}

// pythonsFor lists the Python versions to offer: those the chosen Django
// supports when Django was already answered, all of them otherwise.
func pythonsFor(django string, djangoGiven bool) []string {
	if !djangoGiven {
		return generator.PythonChoice.Values
	}
	var out []string
	for _, py := range generator.PythonChoice.Values {
		if slices.Contains(generator.DjangoVersionsFor(py), django) {
			out = append(out, py)
		}
	}
	if len(out) == 0 {
		// Validation reports the impossible pairing with its reason.
		return generator.PythonChoice.Values
	}
	return out
}

func validateResourceAnswer(answer string) error {
	if answer == noResource {
		return nil
	}
	return generator.ValidateResource(answer)
}

func resourceOf(answer string) string {
	if answer == noResource {
		return ""
	}
	return answer
}

// confirmAnswers shows every answer and asks whether to write the project.
func confirmAnswers(p prompt.Prompter, out printer, opts generator.Options, extra extraAnswers, target string) error {
	var packRows [][2]string
	for _, q := range extra.pack.Questions {
		value := extra.values[q.Name]
		if b, ok := value.(bool); ok {
			value = yesNo(b)
		}
		packRows = append(packRows, [2]string{q.Name, fmt.Sprint(value)})
	}
	if err := out.summary(opts, target, packRows); err != nil {
		return err
	}
	ok, err := p.Confirm(prompt.Confirm{
		Message: "Write the project?",
		Help:    fmt.Sprintf("Yes writes the files to %s; no leaves everything as it is.", target),
		Default: true,
	})
	if err != nil {
		return err
	}
	if !ok {
		return errDeclined
	}
	return nil
}
