package generator

import (
	"fmt"
	"io"
	"slices"

	"github.com/djscaffold/scaffold/internal/marker"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/version"
)

// Data is what every template sees. Paths cannot hold quotes, so each choice
// also has a boolean that a templated path can test.
type Data struct {
	Options
	Slug string
	// App is the example resource, or, in the files of the per-resource
	// folder, the resource being rendered. Its Name is empty without one.
	App App
	// Resources are all the API resources of the project, the example one
	// first, then the others in the order they were added.
	Resources       []App
	Secrets         Secrets
	ScaffoldVersion string

	Postgres, MySQL, SQLite         bool
	SessionAuth, TokenAuth, JWTAuth bool
	Uvicorn                         bool
	GitHubCI, GitLabCI              bool
}

// App is one API resource as templates see it: its names, and the code its
// typed fields make.
type App = resource.App

// Secrets are generated for each project and only ever written to .env.
type Secrets struct {
	DjangoSecretKey  string
	DatabasePassword string
}

func newData(o Options, rnd io.Reader) (Data, error) {
	secrets, err := newSecrets(rnd)
	if err != nil {
		return Data{}, err
	}
	if o.Extra == nil {
		o.Extra = map[string]any{}
	}
	apps, err := resource.Build(o.AllResources(), o.Database)
	if err != nil {
		return Data{}, err
	}
	resources := make([]App, len(apps))
	for i, a := range apps {
		resources[i] = *a
	}
	var example App
	if o.Resource != "" {
		example = resources[0]
	}
	return Data{
		Options:         o,
		Slug:            Slug(o.Name),
		App:             example,
		Resources:       resources,
		Secrets:         secrets,
		ScaffoldVersion: version.String(),
		Postgres:        o.Database == "postgres",
		MySQL:           o.Database == "mysql",
		SQLite:          o.Database == "sqlite",
		SessionAuth:     o.Auth == "session",
		TokenAuth:       o.Auth == "token",
		JWTAuth:         o.Auth == "jwt",
		Uvicorn:         o.Server == "uvicorn",
		GitHubCI:        o.CI == "github",
		GitLabCI:        o.CI == "gitlab",
	}, nil
}

// ResourcesByName lists the resources in the order Ruff sorts imports of
// their modules.
func (d Data) ResourcesByName() []App {
	return slices.SortedStableFunc(slices.Values(d.Resources), func(a, b App) int { return marker.Compare(a.Name, b.Name) })
}

// resources lists the API resources that the per-resource folder of a
// template tree is generated for.
func (d Data) resources() []App {
	return d.Resources
}

const (
	secretKeyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	passwordAlphabet  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

func newSecrets(rnd io.Reader) (Secrets, error) {
	key, err := randomString(rnd, 64, secretKeyAlphabet)
	if err != nil {
		return Secrets{}, err
	}
	// Both go into .env files and URLs unquoted, so they keep to URL-safe characters.
	pw, err := randomString(rnd, 32, passwordAlphabet)
	if err != nil {
		return Secrets{}, err
	}
	return Secrets{DjangoSecretKey: key, DatabasePassword: pw}, nil
}

// randomString draws uniformly from alphabet, rejecting bytes that would bias it.
func randomString(rnd io.Reader, n int, alphabet string) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, n)
	for len(out) < n {
		if _, err := io.ReadFull(rnd, buf); err != nil {
			return "", fmt.Errorf("generate secrets: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
