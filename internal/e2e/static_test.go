package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	"gopkg.in/yaml.v3"
)

const (
	composeFile         = "docker-compose.yml"
	composeOverrideFile = "docker-compose.override.yml"
	composeProdFile     = "docker-compose.prod.yml"
)

// secretFiles are the files that may hold the generated secrets: the app's
// settings, and the database container's own credentials.
var secretFiles = []string{".env", ".env.db"}

// checkProjectStatic checks the project-level rules of a generated project in
// dir that need neither Docker nor Python. secrets are the values the
// generator put in .env; none may appear anywhere else.
func checkProjectStatic(t *testing.T, dir string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		// A short value would match by accident and prove nothing.
		if len(s) < 8 {
			t.Fatalf("secret %q is too short to search for", s)
		}
	}
	var problems []string
	problems = append(problems, dockerignoreProblems(dir)...)
	problems = append(problems, secretProblems(dir, secrets)...)
	problems = append(problems, composeProblems(t, dir)...)
	for _, p := range problems {
		t.Error(p)
	}
}

// mustIgnore are build-context paths that must never reach the image: the
// secrets, the repository, and local artifacts that would shadow what the
// image builds itself. Docker's patterns are anchored at the context root,
// hence the nested __pycache__.
var mustIgnore = []string{
	".env",
	".env.db",
	".git/HEAD",
	"__pycache__/manage.cpython-313.pyc",
	"config/__pycache__/settings.cpython-313.pyc",
	".venv/bin/python",
	"venv/bin/python",
}

// dockerignoreProblems reads dir/.dockerignore as the Docker CLI does and
// reports paths it lets into the build context that must stay out, and
// sources the image needs that it keeps out.
func dockerignoreProblems(dir string) []string {
	f, err := os.Open(filepath.Join(dir, ".dockerignore"))
	if err != nil {
		return []string{fmt.Sprintf(".dockerignore: %v", err)}
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return []string{fmt.Sprintf(".dockerignore: %v", err)}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return []string{fmt.Sprintf(".dockerignore: %v", err)}
	}

	var problems []string
	for _, p := range mustIgnore {
		if ok, err := pm.MatchesOrParentMatches(p); err != nil || !ok {
			problems = append(problems, fmt.Sprintf(".dockerignore lets %s into the build context", p))
		}
	}
	for _, p := range neededInContext(dir) {
		if ok, err := pm.MatchesOrParentMatches(p); err != nil || ok {
			problems = append(problems, fmt.Sprintf(".dockerignore keeps out %s, which the image needs", p))
		}
	}
	return problems
}

// neededInContext lists the context paths the image is built from: the
// Python sources, scripts and production requirements, and every literal
// source the Dockerfile copies from the context.
func neededInContext(dir string) []string {
	var needed []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasSuffix(rel, ".py"), strings.HasSuffix(rel, ".sh"), rel == "requirements.txt":
			needed = append(needed, rel)
		}
		return nil
	})
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		return needed
	}
	for _, s := range dockerfileContextSources(src) {
		if !slices.Contains(needed, s) {
			needed = append(needed, s)
		}
	}
	return needed
}

// dockerfileContextSources returns the literal COPY and ADD sources that come
// from the build context. Like BuildKit's CopyIgnoredFile rule, it leaves out
// the context root, wildcards and variables, which cannot be judged statically.
func dockerfileContextSources(src []byte) []string {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil
	}
	var out []string
	for _, st := range stages {
		for _, cmd := range st.Commands {
			var paths []string
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				if c.From != "" {
					continue
				}
				paths = c.SourcePaths
			case *instructions.AddCommand:
				paths = c.SourcePaths
			}
			for _, p := range paths {
				p = path.Clean(strings.TrimPrefix(p, "/"))
				if p == "." || strings.ContainsAny(p, "*?[$") || strings.Contains(p, "://") {
					continue
				}
				out = append(out, p)
			}
		}
	}
	return out
}

// secretProblems reports every file other than the secret files that holds
// one of the secrets, and any secret that none of them holds (the search would
// prove nothing).
func secretProblems(dir string, secrets []string) []string {
	var problems []string
	var held [][]byte
	for _, f := range secretFiles {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err == nil {
			held = append(held, data)
		} else if f == ".env" {
			return []string{fmt.Sprintf(".env: %v", err)}
		}
	}
	for i, s := range secrets {
		if !slices.ContainsFunc(held, func(b []byte) bool { return bytes.Contains(b, []byte(s)) }) {
			problems = append(problems, fmt.Sprintf(".env does not hold secret #%d", i+1))
		}
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() || slices.Contains(secretFiles, rel) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				problems = append(problems, fmt.Sprintf("%s holds secret #%d; secrets belong in %s only", rel, i+1, strings.Join(secretFiles, " and ")))
			}
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}

// composeProblems checks the compose files in dir against the project's
// rules: the Compose Specification without `version:`, variables all defined
// in .env, health-gated dependencies, a one-shot migrate service that web
// waits for, and a production override without bind mounts or DEBUG.
func composeProblems(t testing.TB, dir string) []string {
	t.Helper()
	var problems []string
	var files []string
	for _, f := range []string{composeFile, composeOverrideFile, composeProdFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			files = append(files, f)
		}
	}
	env, err := dotenv.Read(filepath.Join(dir, ".env"))
	if err != nil {
		return []string{fmt.Sprintf(".env: %v", err)}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		problems = append(problems, composeFileProblems(f, data, env)...)
	}

	// The ways to run the project: `docker compose up`, which adds the override
	// to the base file, and the production-like run, which names its files.
	// An override repeats what it inherits from the base: report each problem
	// once, for the first stack of files that shows it.
	stacks := [][]string{{composeFile}}
	if slices.Contains(files, composeOverrideFile) {
		stacks[0] = append(stacks[0], composeOverrideFile)
	}
	if slices.Contains(files, composeProdFile) {
		stacks = append(stacks, []string{composeFile, composeProdFile})
	}
	seen := map[string]bool{}
	for _, stack := range stacks {
		label := strings.Join(stack, " + ")
		p, err := loadCompose(t, dir, stack...)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", label, err))
			continue
		}
		msgs := projectProblems(p)
		switch stack[len(stack)-1] {
		case composeProdFile:
			msgs = append(msgs, productionProblems(p)...)
			msgs = append(msgs, productionEnvironmentProblems(dir, p)...)
		case composeOverrideFile:
			msgs = append(msgs, developmentProblems(p)...)
		}
		for _, msg := range msgs {
			if !seen[msg] {
				seen[msg] = true
				problems = append(problems, fmt.Sprintf("%s: %s", label, msg))
			}
		}
	}
	return problems
}

var composeResetTag = regexp.MustCompile(`(?m):\s*!(reset|override)\b`)

// composeVar matches $$ (an escaped dollar), ${NAME...} and $NAME.
var composeVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// composeFileProblems checks one compose file as written: no obsolete
// `version:` key, and no variable that compose would silently replace with
// an empty string because .env lacks it.
func composeFileProblems(name string, data []byte, env map[string]string) []string {
	var problems []string
	var top map[string]any
	if err := yaml.Unmarshal(data, &top); err != nil {
		return []string{fmt.Sprintf("%s: %v", name, err)}
	}
	if _, ok := top["version"]; ok {
		problems = append(problems, fmt.Sprintf("%s: has the obsolete version key", name))
	}
	// Compose before 2.24.4 ignores these tags without a word and keeps what
	// they were meant to drop, such as the bind mount of the code.
	if m := composeResetTag.FindSubmatch(data); m != nil {
		problems = append(problems, fmt.Sprintf("%s: uses !%s, which Compose before 2.24.4 silently ignores", name, m[1]))
	}
	for _, m := range composeVar.FindAllSubmatch(data, -1) {
		varName, modifier := string(m[1]), string(m[2])
		if varName == "" {
			varName = string(m[3])
		}
		if varName == "" {
			continue // $$
		}
		// -, :- supply a default, ? and :? fail loudly, + and :+ expect unset.
		if modifier != "" {
			continue
		}
		if _, ok := env[varName]; !ok {
			problems = append(problems, fmt.Sprintf("%s: $%s is not set in .env and would be empty", name, varName))
		}
	}
	return problems
}

// projectProblems checks the dependency rules of a loaded project.
func projectProblems(p *types.Project) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		s := p.Services[name]
		for _, dep := range slices.Sorted(maps.Keys(s.DependsOn)) {
			target, ok := p.Services[dep]
			if !ok {
				continue // compose-go's consistency check reports it
			}
			cond := s.DependsOn[dep].Condition
			if hasHealthcheck(target) && cond != types.ServiceConditionHealthy {
				problems = append(problems, fmt.Sprintf("%s depends on %s with %s; %s has a healthcheck, use %s",
					name, dep, cond, dep, types.ServiceConditionHealthy))
			}
		}
	}

	problems = append(problems, exposureProblems(p)...)
	problems = append(problems, mediaProblems(p)...)

	web, ok := p.Services["web"]
	if !ok {
		return append(problems, "no web service")
	}
	if !hasHealthcheck(web) {
		problems = append(problems, "web has no healthcheck")
	}
	migrate, ok := p.Services["migrate"]
	if !ok {
		return append(problems, "no migrate service")
	}
	if !slices.Contains(migrate.Command, "migrate") && !slices.ContainsFunc(migrate.Command, func(s string) bool {
		return strings.Contains(s, "manage.py migrate")
	}) {
		problems = append(problems, fmt.Sprintf("migrate runs %q, not manage.py migrate", migrate.Command))
	}
	if migrate.Restart != "" && migrate.Restart != types.RestartPolicyNo {
		problems = append(problems, fmt.Sprintf("migrate restarts (%s); it must run once", migrate.Restart))
	}
	if migrate.Deploy != nil && migrate.Deploy.RestartPolicy != nil && migrate.Deploy.RestartPolicy.Condition != "none" {
		problems = append(problems, "migrate has a deploy restart policy; it must run once")
	}
	dep, ok := web.DependsOn["migrate"]
	if !ok || dep.Condition != types.ServiceConditionCompletedSuccessfully {
		problems = append(problems, fmt.Sprintf("web must depend on migrate with %s", types.ServiceConditionCompletedSuccessfully))
	}
	return problems
}

// databasePasswords are the variables that give a database container its
// password; the app's containers connect with DATABASE_URL and must not get them.
var databasePasswords = []string{"POSTGRES_PASSWORD", "MARIADB_PASSWORD", "MYSQL_PASSWORD", "MARIADB_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD"}

// exposureProblems reports what reaches further than it should: a published
// port on every interface, a database password in a container that is not the
// database, and a bind mount that SELinux hosts would refuse to the container.
func exposureProblems(p *types.Project) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		s := p.Services[name]
		for _, port := range s.Ports {
			if port.Published != "" && port.HostIP != "127.0.0.1" && port.HostIP != "::1" {
				problems = append(problems, fmt.Sprintf("%s publishes port %s on every interface; publish it on 127.0.0.1", name, port.Published))
			}
		}
		isDB := s.Image != "" && (strings.HasPrefix(s.Image, "postgres") || strings.HasPrefix(s.Image, "mariadb") || strings.HasPrefix(s.Image, "mysql"))
		if !isDB {
			for _, v := range databasePasswords {
				if _, ok := s.Environment[v]; ok {
					problems = append(problems, fmt.Sprintf("%s gets %s; only the database container may", name, v))
				}
			}
		}
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeBind && (v.Bind == nil || (v.Bind.SELinux != "z" && v.Bind.SELinux != "Z")) {
				problems = append(problems, fmt.Sprintf("%s bind-mounts %s without :z, which SELinux hosts refuse to the container", name, v.Source))
			}
		}
	}
	return problems
}

// mediaRoot is where the image keeps uploads (DJANGO_MEDIA_ROOT), a folder
// that the app user can write.
const mediaRoot = "/media"

// mediaProblems reports an app service without a named volume for uploads:
// without one they would be lost with the container.
func mediaProblems(p *types.Project) []string {
	var problems []string
	for _, name := range []string{"web", "worker"} {
		s, ok := p.Services[name]
		if !ok {
			continue
		}
		if !slices.ContainsFunc(s.Volumes, func(v types.ServiceVolumeConfig) bool {
			return v.Type == types.VolumeTypeVolume && v.Target == mediaRoot
		}) {
			problems = append(problems, fmt.Sprintf("%s keeps no named volume at %s, where uploads go", name, mediaRoot))
		}
	}
	return problems
}

// developmentProblems checks what `docker compose up` adds for development:
// the documented watch rules that rebuild the image when its inputs change.
func developmentProblems(p *types.Project) []string {
	web, ok := p.Services["web"]
	if !ok {
		return nil
	}
	if web.Develop == nil || !slices.ContainsFunc(web.Develop.Watch, func(w types.Trigger) bool {
		return w.Action == types.WatchActionRebuild && strings.HasSuffix(w.Path, "requirements.txt")
	}) {
		return []string{"web has no compose watch rule that rebuilds on a change of requirements.txt"}
	}
	return nil
}

// productionProblems checks that the production run serves the built image
// as is: no bind-mounted source, no file watching, DEBUG off. The one bind
// mount allowed is the database's read-only init scripts, which are no code of
// the app's and run once, when its volume is created.
func productionProblems(p *types.Project) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		s := p.Services[name]
		for _, v := range s.Volumes {
			// The database's init scripts and the proxy's configuration are read-only
			// settings of images that are not the app's; no code of the app is mounted.
			if v.Type == types.VolumeTypeBind && !(v.ReadOnly && (name == "db" && v.Target == "/docker-entrypoint-initdb.d" ||
				name == "proxy" && v.Target == "/etc/caddy/Caddyfile")) {
				problems = append(problems, fmt.Sprintf("%s bind-mounts %s in production", name, v.Source))
			}
		}
		if v, ok := s.Environment["DJANGO_DEBUG"]; ok && v != nil {
			if truthy(*v) {
				problems = append(problems, fmt.Sprintf("%s runs with DJANGO_DEBUG=%s in production", name, *v))
			}
		}
		if slices.Contains(s.Command, "runserver") {
			problems = append(problems, fmt.Sprintf("%s runs the development server in production", name))
		}
	}
	return problems
}

// appEnvRead finds the environment variables that the app's Python reads by name.
var appEnvRead = regexp.MustCompile(`(?:os\.environ\.get|os\.getenv|env_[a-z]+)\(\s*"([A-Z][A-Z0-9_]*)"|os\.environ\[\s*"([A-Z][A-Z0-9_]*)"`)

// imageEnvironment are the variables that the image or the code itself sets.
var imageEnvironment = []string{"DJANGO_SETTINGS_MODULE", "PORT", "DJANGO_MEDIA_ROOT"}

// productionEnvironmentProblems reports a variable that the app's settings or
// gunicorn's read but that web does not get in production, where no service gets
// the whole .env: a setting in .env that never reaches the app would be ignored
// without a word.
func productionEnvironmentProblems(dir string, p *types.Project) []string {
	web, ok := p.Services["web"]
	if !ok {
		return nil
	}
	if len(web.EnvFiles) > 0 {
		return []string{"web reads env_file in production; list the variables it uses instead"}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "config", "*.py"))
	files = append(files, filepath.Join(dir, "gunicorn.conf.py"))
	var missing []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, m := range appEnvRead.FindAllSubmatch(src, -1) {
			name := string(m[1]) + string(m[2])
			if _, ok := web.Environment[name]; !ok && !slices.Contains(imageEnvironment, name) && !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return []string{fmt.Sprintf("web does not get %s in production, which the app reads: add them to its environment list", strings.Join(missing, ", "))}
}

func hasHealthcheck(s types.ServiceConfig) bool {
	return s.HealthCheck != nil && !s.HealthCheck.Disable && len(s.HealthCheck.Test) > 0 && s.HealthCheck.Test[0] != "NONE"
}

// truthy follows what generated settings accept as DEBUG on.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "t", "yes", "y", "on":
		return true
	}
	return false
}
