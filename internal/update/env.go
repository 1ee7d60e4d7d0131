package update

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// EnvReport says what an update does to a secrets file, such as .env, and
// what it leaves to the user.
type EnvReport struct {
	Path string
	// Appended are the variables added, with generated values.
	Appended []string
	// Changed are variables the templates now give another value, such as
	// DATABASE_URL after a change of database; the file keeps the user's.
	Changed []string
	// Unused are variables the templates no longer use.
	Unused []string
}

// Empty reports whether there is nothing to say about the file.
func (r EnvReport) Empty() bool {
	return len(r.Appended) == 0 && len(r.Changed) == 0 && len(r.Unused) == 0
}

// envAssign matches a variable's assignment, also when commented out: a
// variable the user turned off is theirs, and is never added back.
var envAssign = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:#\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$`)
})

// envVar is one assignment in a .env file.
type envVar struct {
	name, value, line string
	commented         bool
}

func parseEnv(b []byte) []envVar {
	var vars []envVar
	for line := range strings.Lines(string(b)) {
		line = strings.TrimRight(line, "\r\n")
		m := envAssign().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		commented := strings.HasPrefix(strings.TrimSpace(line), "#")
		vars = append(vars, envVar{name: m[1], value: m[2], line: line, commented: commented})
	}
	return vars
}

// lookupEnv finds the first uncommented assignment of name.
func lookupEnv(vars []envVar, name string) (envVar, bool) {
	i := slices.IndexFunc(vars, func(v envVar) bool { return v.name == name && !v.commented })
	if i < 0 {
		return envVar{}, false
	}
	return vars[i], true
}

func mentions(vars []envVar, name string) bool {
	return slices.ContainsFunc(vars, func(v envVar) bool { return v.name == name })
}

// mergeEnv appends to ours the variables of theirs that it lacks, under a
// comment saying where they come from. base, when known, is the previous
// render with the same secrets as theirs, so that a value that differs
// between them was changed by the templates, not by chance.
func mergeEnv(ours, base, theirs []byte, baseKnown bool, from string) ([]byte, EnvReport) {
	have, want := parseEnv(ours), parseEnv(theirs)
	var r EnvReport
	var add []string
	for _, v := range want {
		if v.commented {
			continue
		}
		if !mentions(have, v.name) {
			r.Appended = append(r.Appended, v.name)
			add = append(add, v.line)
		}
	}
	if baseKnown {
		was := parseEnv(base)
		for _, v := range want {
			old, inBase := lookupEnv(was, v.name)
			_, inOurs := lookupEnv(have, v.name)
			if !v.commented && inBase && inOurs && old.value != v.value {
				r.Changed = append(r.Changed, v.name)
			}
		}
		for _, v := range was {
			if _, stillWanted := lookupEnv(want, v.name); !v.commented && !stillWanted {
				if _, inOurs := lookupEnv(have, v.name); inOurs {
					r.Unused = append(r.Unused, v.name)
				}
			}
		}
	}
	if len(add) == 0 {
		return ours, r
	}
	var out bytes.Buffer
	out.Write(ours)
	if len(ours) > 0 && !bytes.HasSuffix(ours, []byte("\n")) {
		out.WriteByte('\n')
	}
	out.WriteString("\n# Added by scaffold update for " + from + "\n")
	for _, line := range add {
		out.WriteString(line + "\n")
	}
	return out.Bytes(), r
}
