package generator

import (
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/djscaffold/scaffold/internal/version"
)

// Data is what every template sees: each builtin answer under its
// question's Field, such as .Python; a pack's answers in .Extra; and what
// scaffold derives from the answers, such as .Slug and .App. A templated
// path cannot hold quotes, so each choice also has a true-or-false twin,
// such as .Postgres, that older trees and packs test in their paths.
type Data map[string]any

// App names the example resource's Django app; its Name is empty without one.
type App struct {
	Name          string // package, app label and URL segment: blog_posts
	Model         string // model class: BlogPost
	Verbose       string // blog post
	VerbosePlural string // blog posts
}

// Secrets are generated for each project and only ever written to .env.
type Secrets struct {
	DjangoSecretKey  string
	DatabasePassword string
}

func newData(o Options, rnd io.Reader) (Data, error) {
	secrets, err := newSecrets(rnd)
	if err != nil {
		return nil, err
	}
	d := Data{}
	for _, q := range Questions {
		d[q.Field] = q.Get(o)
	}
	extra := o.Extra
	if extra == nil {
		extra = map[string]any{}
	}
	d["Extra"] = extra
	d["Slug"] = Slug(o.Name)
	d["App"] = newApp(o.Resource)
	d["Secrets"] = secrets
	d["ScaffoldVersion"] = version.String()
	for field, on := range map[string]bool{
		"Postgres": o.Database == "postgres", "MySQL": o.Database == "mysql", "SQLite": o.Database == "sqlite",
		"SessionAuth": o.Auth == "session", "TokenAuth": o.Auth == "token", "JWTAuth": o.Auth == "jwt",
		"Uvicorn":  o.Server == "uvicorn",
		"GitHubCI": o.CI == "github", "GitLabCI": o.CI == "gitlab",
	} {
		d[field] = on
	}
	return d, nil
}

// resources lists the API resources that the per-resource folder of a
// template tree is generated for: the example resource, if there is one.
func (d Data) resources() []App {
	if app, _ := d["App"].(App); app.Name != "" {
		return []App{app}
	}
	return nil
}

// forResource is the data of the per-resource folder, for one resource.
func (d Data) forResource(app App) Data {
	out := maps.Clone(d)
	out["App"] = app
	return out
}

func newApp(resource string) App {
	if resource == "" {
		return App{}
	}
	one := singular(resource)
	return App{
		Name:          resource,
		Model:         camel(one),
		Verbose:       strings.ReplaceAll(one, "_", " "),
		VerbosePlural: strings.ReplaceAll(resource, "_", " "),
	}
}

// singular covers the regular English plurals that resource names use.
func singular(word string) string {
	switch {
	case strings.HasSuffix(word, "ies") && len(word) > 3:
		return strings.TrimSuffix(word, "ies") + "y"
	case strings.HasSuffix(word, "sses"), strings.HasSuffix(word, "xes"),
		strings.HasSuffix(word, "ches"), strings.HasSuffix(word, "shes"):
		return strings.TrimSuffix(word, "es")
	case strings.HasSuffix(word, "ss"), strings.HasSuffix(word, "us"), strings.HasSuffix(word, "is"):
		return word
	case strings.HasSuffix(word, "s") && len(word) > 1:
		return strings.TrimSuffix(word, "s")
	}
	return word
}

func camel(snake string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(snake, "_") {
		if part == "" {
			continue
		}
		b.WriteString(title(part))
	}
	return b.String()
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
