package update

// next.go works out what the user runs after an update, from what it
// changed: migrations to apply, an image to rebuild, variables to set,
// conflicts to resolve.

import (
	"path"
	"slices"
	"strings"
)

// Next is what to do after an update.
type Next struct {
	// Migrations are the migrations the update adds or changes.
	Migrations []string
	// Rebuild are the files the image or the containers are built from
	// (requirements*.txt, Dockerfile, docker-compose*.yml) that it changes.
	Rebuild []string
	// EnvMissing are the variables .env.example gains that .env lacks.
	EnvMissing []string
	// Conflicts are the files with conflict markers, or to compare by
	// hand.
	Conflicts []string
}

// Empty reports whether there is nothing to do.
func (n Next) Empty() bool {
	return len(n.Migrations)+len(n.Rebuild)+len(n.EnvMissing)+len(n.Conflicts) == 0
}

// NextSteps works out what to do once the plan is applied.
func (p Plan) NextSteps(in Input) (Next, error) {
	var n Next
	for _, c := range p.Changes {
		changes := c.Kind.Writes() || c.Kind == Removed
		switch {
		case c.Kind == Conflict:
			n.Conflicts = append(n.Conflicts, c.Path)
		}
		if !changes || c.Secrets {
			continue
		}
		dir, base := path.Split(c.Path)
		switch {
		case path.Base(strings.TrimSuffix(dir, "/")) == "migrations" && strings.HasSuffix(base, ".py") && base != "__init__.py" && c.Kind != Removed:
			n.Migrations = append(n.Migrations, c.Path)
		case isRequirements(base) || base == "Dockerfile" ||
			(strings.HasPrefix(base, "docker-compose") && (strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml"))):
			n.Rebuild = append(n.Rebuild, c.Path)
		}
	}
	missing, err := p.envMissing(in)
	n.EnvMissing = missing
	return n, err
}

// envMissing lists the variables that .env.example gains in this update
// and that .env, as the update leaves it, does not set, not even
// commented out: the optional ones, which the update does not append.
func (p Plan) envMissing(in Input) ([]string, error) {
	const example, env = ".env.example", ".env"
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Path == example })
	if i < 0 || !p.Changes[i].Kind.Writes() {
		return nil, nil
	}
	old, err := in.read(example)
	if err != nil {
		return nil, err
	}
	var after []byte
	if j := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Path == env }); j >= 0 && p.Changes[j].Kind.Writes() {
		after = p.Changes[j].Data
	} else {
		d, err := in.read(env)
		if err != nil {
			return nil, err
		}
		if !d.regular {
			return nil, nil // no .env: it is made from .env.example whole
		}
		after = d.data
	}
	had := map[string]bool{}
	for _, v := range parseEnv(old.data) {
		had[v.name] = true
	}
	for _, v := range parseEnv(after) {
		had[v.name] = true
	}
	var out []string
	for _, v := range parseEnv(p.Changes[i].Data) {
		if !had[v.name] && !slices.Contains(out, v.name) {
			out = append(out, v.name)
		}
	}
	return out, nil
}
