package generator

import (
	"fmt"
	"io"
	"strings"
)

// Secrets are generated for each project and only ever written to its
// secrets files.
type Secrets struct {
	DjangoSecretKey  string
	DatabasePassword string
	// DatabaseAdminPassword is the database server's superuser's, which only
	// the db container reads (.env.db); the app connects with DatabasePassword.
	DatabaseAdminPassword string
	// JWTSigningKey signs JSON Web Tokens, apart from DjangoSecretKey, so that
	// either can be rotated alone.
	JWTSigningKey string
	// RedisPassword guards the Redis server that holds the cache and the broker.
	RedisPassword string
}

// IsZero reports whether no secret is set.
func (s Secrets) IsZero() bool { return s == Secrets{} }

// fields lists every secret, in a fixed order.
// New secrets go at the end: a project's existing secrets keep their places.
func (s *Secrets) fields() []*string {
	return []*string{&s.DjangoSecretKey, &s.DatabasePassword, &s.DatabaseAdminPassword, &s.JWTSigningKey, &s.RedisPassword}
}

// Values lists the secrets that are set.
func (s Secrets) Values() []string {
	var out []string
	for _, v := range s.fields() {
		if *v != "" {
			out = append(out, *v)
		}
	}
	return out
}

// overriddenBy returns s with each secret that given sets in its place.
func (s Secrets) overriddenBy(given Secrets) Secrets {
	mine, theirs := s.fields(), given.fields()
	for i, v := range theirs {
		if *v != "" {
			*mine[i] = *v
		}
	}
	return s
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
	// Drawn after the first two, so that the same random bytes still give the
	// same key and database password as before these existed.
	admin, err := randomString(rnd, 32, passwordAlphabet)
	if err != nil {
		return Secrets{}, err
	}
	jwtKey, err := randomString(rnd, 64, secretKeyAlphabet)
	if err != nil {
		return Secrets{}, err
	}
	redis, err := randomString(rnd, 32, passwordAlphabet)
	if err != nil {
		return Secrets{}, err
	}
	return Secrets{DjangoSecretKey: key, DatabasePassword: pw, DatabaseAdminPassword: admin, JWTSigningKey: jwtKey, RedisPassword: redis}, nil
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

// FindSecrets returns the secrets that a project already holds in its
// secrets files, so that a render with them (Options.Secrets) writes
// secrets files that agree with those on disk: a .env.db added beside an
// existing .env gets the database password that .env's DATABASE_URL uses.
// disk holds the text of the project's secrets files, by path; reading
// them is the caller's job (internal/project does it).
//
// The plans show where each secret goes: a line of a plan's secrets file
// that holds one of the plan's secrets, such as
// DATABASE_URL=postgres://myapi:SECRET@db:5432/myapi, and the first line of
// the same file on disk with the same text around it give that secret's
// value in the project. Earlier plans, and earlier lines, win. A secret
// found nowhere, or only with characters that a generated one never has,
// is left empty.
func FindSecrets(disk map[string][]byte, plans ...Plan) Secrets {
	var found Secrets
	for _, p := range plans {
		for _, f := range p.Files {
			data, ok := disk[f.Path]
			if !f.Keep || !ok {
				continue
			}
			lines := []string{}
			for line := range strings.Lines(string(data)) {
				lines = append(lines, strings.TrimRight(line, "\r\n"))
			}
			rendered, mine := p.Secrets.fields(), found.fields()
			for i, secret := range rendered {
				if *mine[i] == "" && *secret != "" {
					*mine[i] = findValue(string(f.Data), lines, *secret)
				}
			}
		}
	}
	return found
}

// findValue finds secret in a line of rendered, and returns what stands in
// its place in the first line of disk with the same text around it.
func findValue(rendered string, disk []string, secret string) string {
	for line := range strings.Lines(rendered) {
		before, after, ok := strings.Cut(strings.TrimRight(line, "\n"), secret)
		if !ok || before == "" {
			// Without the text before it, such as KEY=, any line would do.
			continue
		}
		for _, d := range disk {
			if len(d) > len(before)+len(after) && strings.HasPrefix(d, before) && strings.HasSuffix(d, after) {
				if v := d[len(before) : len(d)-len(after)]; reusable(v) {
					return v
				}
				break
			}
		}
	}
	return ""
}

// reusable accepts a value that needs no quoting in a .env file and no
// escaping in a URL, as generated secrets never do, so that it can go
// wherever the templates put a secret.
func reusable(v string) bool {
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)
		if !ok {
			return false
		}
	}
	return v != ""
}
