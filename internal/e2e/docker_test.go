package e2e

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/writer"
)

// The Docker stage: every step a developer takes with a generated project, on a real
// engine. .ci/docker-e2e prepares the engine, stand-in base images and a package index
// on 127.0.0.1, and runs these tests with SCAFFOLD_DOCKER_* set.

// dockerEnv is what .ci/docker-e2e provides.
type dockerEnv struct {
	index    string   // the package index, http://127.0.0.1:PORT; py3.13/simple/ and so on
	wheels   string   // the folder it serves
	pythons  []string // Pythons that have a stand-in python:X-slim image
	noPython []string // why the others have none
	uid, gid int      // the host user who owns the generated projects
}

var dockerEnvVars = []string{"DOCKER_HOST", "SCAFFOLD_DOCKER_INDEX", "SCAFFOLD_DOCKER_WHEELS", "SCAFFOLD_DOCKER_PYTHONS"}

// dockerLoadEnv skips without SCAFFOLD_E2E; with it, a missing piece is a failure.
func dockerLoadEnv(t *testing.T) *dockerEnv {
	t.Helper()
	requireE2EEnv(t, dockerEnvVars,
		"the Docker stage needs the engine, stand-in images and package index that .ci/docker-e2e starts",
		"run the Docker stage with .ci/docker-e2e")
	e := &dockerEnv{
		index:   strings.TrimRight(os.Getenv("SCAFFOLD_DOCKER_INDEX"), "/"),
		wheels:  os.Getenv("SCAFFOLD_DOCKER_WHEELS"),
		pythons: strings.Fields(os.Getenv("SCAFFOLD_DOCKER_PYTHONS")),
		uid:     os.Getuid(),
		gid:     os.Getgid(),
	}
	for _, n := range strings.Split(os.Getenv("SCAFFOLD_DOCKER_NO_PYTHON"), ";") {
		if n = strings.TrimSpace(n); n != "" {
			e.noPython = append(e.noPython, n)
		}
	}
	// As root, the projects belong to an ordinary user, as they do on a developer's
	// machine: a container running as root would hide every ownership problem.
	if e.uid == 0 {
		e.uid, e.gid = dockerProjectOwner, dockerProjectOwner
	}
	for _, argv := range [][]string{{"docker", "version"}, {"docker", "compose", "version"}, {"docker", "buildx", "version"}} {
		out, err := dynRunCommand(t.TempDir(), os.Environ(), argv, time.Minute)
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, dynTail(out, dynTailLines))
		}
	}
	resp, err := http.Get(e.index + "/")
	if err != nil {
		t.Fatalf("package index %s: %v (.ci/docker-e2e starts it)", e.index, err)
	}
	resp.Body.Close()
	return e
}

// dockerProjectOwner owns the projects when the suite runs as root.
const dockerProjectOwner = 1000

// dockerCombo is one generated project and what the stage does with it.
type dockerCombo struct {
	name string
	opts generator.Options
	// quick combinations only build, start and answer /health/: another Python for
	// an image that the full combinations prove already.
	quick bool
	// warm combinations keep the builder cache of the one before: breakages of the
	// default project, which need no cold build of their own.
	warm bool
}

// dockerImageBudget is what every runtime image may add to its base image: its
// virtual environment, code and static files, and the shared libraries its
// database driver needs. The MySQL, JWT, Celery, uvicorn and CORS project's came to
// 81 MB with templates 1.3.0: a 70 MB virtual environment (Django 50 MB, the Swagger
// UI sidecar 5 MB) and 10 MB of collected static files, each also gzipped.
const dockerImageBudget = 80_000_000

func dockerCombos(pythons []string) []dockerCombo {
	combo := func(name string, set func(o *generator.Options)) dockerCombo {
		o := generator.DefaultOptions()
		o.Name = "e2e_" + strings.ReplaceAll(name, "-", "_")
		set(&o)
		return dockerCombo{name: name, opts: o}
	}
	combos := []dockerCombo{
		combo("default", func(o *generator.Options) {}),
		combo("mysql-jwt-celery-uvicorn-cors", func(o *generator.Options) {
			o.Database, o.Auth, o.Celery, o.Server, o.CORS, o.Kubernetes = "mysql", "jwt", true, "uvicorn", true, true
		}),
		combo("sqlite-session-noresource", func(o *generator.Options) {
			o.Database, o.Auth, o.Resource = "sqlite", "session", ""
		}),
		combo("django61-py313", func(o *generator.Options) {
			o.Django, o.Python, o.Celery = "6.1", "3.13", true
		}),
	}
	for _, py := range pythons {
		if py == generator.DefaultOptions().Python {
			continue
		}
		c := combo("py"+strings.ReplaceAll(py, ".", ""), func(o *generator.Options) { o.Python = py })
		c.quick = true
		combos = append(combos, c)
	}
	return combos
}

// dockerResult is one combination's row of the table.
type dockerResult struct {
	name                  string
	build, healthy        time.Duration
	size                  int64
	rebuild               time.Duration // after a .py change, with the dependency layer cached
	prodBuild, prodHealth time.Duration
	prodSize, baseSize    int64 // the runtime (production) image and its base image
	ran, ok               bool
}

func TestDocker(t *testing.T) {
	env := dockerLoadEnv(t)
	for _, n := range env.noPython {
		t.Logf("no stand-in image for Python %s", n)
	}
	t.Logf("base images are stand-ins made from Debian's packages (python:X-slim, postgres, mariadb, redis); pip installs from Debian's builds served at %s", env.index)
	for _, py := range env.pythons {
		if subs, err := os.ReadFile(filepath.Join(env.wheels, "py"+py, "substitutes.txt")); err == nil && len(subs) > 0 {
			t.Logf("Python %s: wheels made here, not by Debian:\n%s", py, strings.TrimRight(string(subs), "\n"))
		}
	}
	t.Run("scaffold image", func(t *testing.T) { dockerScaffoldImage(t, env) })
	var results []*dockerResult
	for i, c := range dockerCombos(env.pythons) {
		r := &dockerResult{name: c.name}
		results = append(results, r)
		t.Run(c.name, func(t *testing.T) {
			r.ran = true
			s := dockerNewStack(t, env, c, r)
			if err := s.runAll(nil); err != nil {
				t.Fatal(err)
			}
			r.ok = true
		})
		if i == 0 {
			// While the builder cache holds the default project's layers.
			for _, b := range dockerBreakages() {
				t.Run("breakage "+b.name, func(t *testing.T) { dockerBreak(t, env, c, b) })
			}
		}
	}
	table := dockerTable(results)
	t.Log("\n" + table)
	// The stage prints it again beside its closing line.
	if f := os.Getenv("SCAFFOLD_DOCKER_TABLE"); f != "" {
		if err := os.WriteFile(f, []byte(table), 0o644); err != nil {
			t.Error(err)
		}
	}
}

// dockerBreakage is a project broken on purpose, and the step that must catch it.
type dockerBreakage struct {
	name   string
	step   string
	mutate func(dir string) error
}

func dockerBreakages() []dockerBreakage {
	return []dockerBreakage{
		{"wrong COPY path", "build", dockerBreakCopyPath},
		{"USER cannot read /app", "production", dockerBreakAppPermissions},
		{"migrate exits non-zero", "up", dockerBreakMigrate},
		{"production keeps the bind mount", "production", dockerBreakProductionMount},
	}
}

// dockerBreak runs the steps up to the one that must fail, with the builder cache
// of the combination before it, and checks that this step, and no earlier one, fails.
func dockerBreak(t *testing.T, env *dockerEnv, c dockerCombo, b dockerBreakage) {
	c.name = "breakage " + b.name
	c.warm = true
	s := dockerNewStack(t, env, c, &dockerResult{name: c.name})
	err := s.runAll(b.mutate)
	var se *dockerStepError
	switch {
	case err == nil:
		t.Fatalf("%s: every step passed; step %q should have failed", b.name, b.step)
	case !errors.As(err, &se):
		t.Fatalf("%s: %v", b.name, err)
	case se.step != b.step:
		t.Fatalf("%s: failed at step %q, want %q: %v", b.name, se.step, b.step, se.err)
	}
	t.Logf("%s: failed at step %q as it must: %s", b.name, se.step, dockerGist(se.err.Error()))
}

var dockerErrorLine = regexp.MustCompile(`(?i)\berror\b|failed|not found|permission denied|exited \(|want `)

// dockerGist is the line of a failure that says what went wrong: the first that
// reads like an error, else the first.
func dockerGist(msg string) string {
	lines := strings.Split(msg, "\n")
	for _, l := range lines {
		if l = strings.TrimSpace(l); dockerErrorLine.MatchString(l) && !strings.HasPrefix(l, "$ ") {
			return dynShorten([]byte(l), 300)
		}
	}
	return lines[0]
}

func dockerTable(results []*dockerResult) string {
	var b strings.Builder
	row := func(cells ...string) {
		fmt.Fprintf(&b, "%-32s %10s %9s %9s %9s %10s %10s %10s %12s  %s\n", cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6], cells[7], cells[8], cells[9])
	}
	row("combination", "cold build", "image", ".py build", "healthy", "prod build", "runtime", "over base", "prod healthy", "")
	d := func(v time.Duration) string {
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1fs", v.Seconds())
	}
	mb := func(n int64) string {
		if n == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	}
	for _, r := range results {
		if !r.ran {
			continue // left out by -run
		}
		status := "ok"
		if !r.ok {
			status = "FAILED"
		}
		over := "-"
		if r.prodSize > 0 && r.baseSize > 0 {
			over = fmt.Sprintf("+%.0f MB", float64(r.prodSize-r.baseSize)/1e6)
		}
		row(r.name, d(r.build), mb(r.size), d(r.rebuild), d(r.healthy), d(r.prodBuild), mb(r.prodSize), over, d(r.prodHealth), status)
	}
	b.WriteString("image: the development image (test tools); runtime: the production image; over base: runtime minus its python:X-slim base\n")
	return b.String()
}

// dockerStepError names the step at which a combination failed.
type dockerStepError struct {
	step string
	err  error
}

func (e *dockerStepError) Error() string { return fmt.Sprintf("step %q: %v", e.step, e.err) }
func (e *dockerStepError) Unwrap() error { return e.err }

// dockerStack is one combination's generated project and its compose project.
type dockerStack struct {
	t       *testing.T
	env     *dockerEnv
	combo   dockerCombo
	res     *dockerResult
	root    string // the combination's temporary folder
	dir     string // the generated project
	project string // the compose project name
	user    string
	pass    string
	prod    bool // the production override is in use
	// prodImage is web's production image, once built.
	prodImage string
	// indexToken is the password in the package index's URL, which reaches pip as
	// a BuildKit secret and which no image may keep.
	indexToken string
	started    time.Time
}

func dockerNewStack(t *testing.T, env *dockerEnv, c dockerCombo, r *dockerResult) *dockerStack {
	root := t.TempDir()
	s := &dockerStack{
		t: t, env: env, combo: c, res: r, root: root,
		dir:     filepath.Join(root, c.opts.Name),
		project: strings.ReplaceAll(c.opts.Name, "_", "-"),
		user:    "e2e-admin",
		pass:    dynRandom(t, 24),
		started: time.Now(),
		// The index takes any credentials; these stand for a company mirror's.
		indexToken: "e2e-index-" + dynRandom(t, 24),
	}
	t.Cleanup(s.teardown)
	return s
}

// runAll runs every step; mutate, when set, breaks the generated project on purpose
// right after it is generated.
func (s *dockerStack) runAll(mutate func(dir string) error) error {
	steps := []struct {
		name string
		run  func() error
	}{
		{"generate", s.generate},
		{"mutate", func() error {
			if mutate == nil {
				return nil
			}
			return mutate(s.dir)
		}},
		{"build", s.build},
		{"up", s.up},
		{"health", s.health},
		{"api", s.api},
		{"pytest", s.pytest},
		{"bind mount ownership", s.ownership},
		{"cached rebuild", s.cachedRebuild},
		{"production", s.production},
		{"image budget", s.imageBudget},
		{"down", s.down},
	}
	keep := func(names ...string) {
		steps = slices.DeleteFunc(steps, func(st struct {
			name string
			run  func() error
		}) bool {
			return !slices.Contains(names, st.name)
		})
	}
	switch {
	case s.combo.quick:
		keep("generate", "mutate", "build", "up", "health", "down")
	case mutate != nil:
		keep("generate", "mutate", "build", "up", "health", "production", "down")
	}
	for _, st := range steps {
		start := time.Now()
		if err := st.run(); err != nil {
			return &dockerStepError{step: st.name, err: err}
		}
		s.t.Logf("%s: %s done in %.1fs", s.combo.name, st.name, time.Since(start).Seconds())
	}
	s.t.Logf("%s passed in %.0fs", s.combo.name, time.Since(s.started).Seconds())
	return nil
}

func (s *dockerStack) generate() error {
	plan, err := generator.Render(s.combo.opts, generator.Builtin(), rand.Reader)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if _, err := writer.Write(afero.NewOsFs(), s.dir, plan, false); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	wheels := filepath.Join(s.env.wheels, "py"+s.combo.opts.Python, "simple")
	have, err := dockerWheelVersions(wheels)
	if err != nil {
		return err
	}
	for _, name := range []string{"requirements.txt", "requirements-dev.txt"} {
		changes, err := dockerRewritePins(filepath.Join(s.dir, name), have)
		if err != nil {
			return err
		}
		for _, c := range changes {
			s.t.Logf("%s: %s: %s (the version the package index has)", s.combo.name, name, c)
		}
	}
	settings := map[string]string{
		"UID": fmt.Sprint(s.env.uid),
		"GID": fmt.Sprint(s.env.gid),
		// The HTTP checks speak as clients of a deployed API do, by its public name.
		"DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1," + dynPublicHost,
		"PROXY_MAX_BODY_SIZE":  dockerProxyBodyLimit,
	}
	if err := dockerSetEnv(filepath.Join(s.dir, ".env"), settings); err != nil {
		return err
	}
	s.t.Logf("%s: .env: %s", s.combo.name, dockerShowSettings(settings))
	if err := dockerChownTree(s.dir, s.env.uid, s.env.gid); err != nil {
		return err
	}
	return s.writeOverride()
}

// writeOverride writes the test-only compose files, outside the project, one for
// each way to run it: builds use the host's network (pip reaches the index on
// 127.0.0.1), and every published port (web's in development, the proxy's in
// production) goes to a free port of 127.0.0.1 instead of the project's own, which
// another program on this machine may hold. A service only one way has (the proxy)
// is named only in that way's file. In development the HTTP checks play the TLS
// proxy in front of web themselves (X-Forwarded-Proto), which Django believes from
// a counted proxy only: web counts one there, as production's does behind Caddy.
func (s *dockerStack) writeOverride() error {
	for _, prod := range []bool{false, true} {
		proj, err := loadCompose(s.t, s.dir, s.projectFiles(prod)...)
		if err != nil {
			return fmt.Errorf("load %s: %w", strings.Join(s.projectFiles(prod), " + "), err)
		}
		var b strings.Builder
		b.WriteString("services:\n")
		for _, name := range slices.Sorted(maps.Keys(proj.Services)) {
			svc := proj.Services[name]
			if svc.Build == nil && len(svc.Ports) == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %s:\n", name)
			if svc.Build != nil {
				b.WriteString("    build:\n      network: host\n")
			}
			if name == "web" && !prod {
				b.WriteString("    environment:\n      DJANGO_NUM_PROXIES: \"1\"\n")
			}
			var targets []uint32
			for _, p := range svc.Ports {
				if !slices.Contains(targets, p.Target) {
					targets = append(targets, p.Target)
				}
			}
			if len(targets) > 0 {
				b.WriteString("    ports: !override\n")
				for _, p := range targets {
					fmt.Fprintf(&b, "      - \"127.0.0.1::%d\"\n", p)
				}
			}
		}
		if err := os.WriteFile(s.overrideFor(prod), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// projectFiles are the project's compose files as its README runs them: for
// development, docker-compose.yml and the docker-compose.override.yml that Compose
// adds by itself when there is one; for production, the production override instead.
func (s *dockerStack) projectFiles(prod bool) []string {
	files := []string{"docker-compose.yml"}
	switch {
	case prod:
		files = append(files, "docker-compose.prod.yml")
	default:
		if _, err := os.Stat(filepath.Join(s.dir, "docker-compose.override.yml")); err == nil {
			files = append(files, "docker-compose.override.yml")
		}
	}
	return files
}

func (s *dockerStack) override() string { return s.overrideFor(s.prod) }

func (s *dockerStack) overrideFor(prod bool) string {
	if prod {
		return filepath.Join(s.root, "e2e.override.prod.yml")
	}
	return filepath.Join(s.root, "e2e.override.yml")
}

// compose runs docker compose on the project with the files in use.
func (s *dockerStack) compose(timeout time.Duration, args ...string) (string, error) {
	var files []string
	for _, f := range append(s.projectFiles(s.prod), s.override()) {
		files = append(files, "-f", f)
	}
	argv := append([]string{"docker", "compose", "--project-name", s.project, "--project-directory", s.dir}, files...)
	argv = append(argv, args...)
	return s.docker(timeout, argv...)
}

func (s *dockerStack) docker(timeout time.Duration, argv ...string) (string, error) {
	// The package index comes from the shell, as the project's README asks: Compose
	// hands it to the build as a BuildKit secret.
	env := append(os.Environ(), "COMPOSE_BAKE=false", "BUILDKIT_PROGRESS=plain", "PIP_INDEX_URL="+s.indexURL())
	out, err := dynRunCommand(s.dir, env, argv, timeout)
	if err != nil {
		return out, fmt.Errorf("%v\n$ %s\n%s", err, dynCommandLine(s.dir, nil, argv), dynTail(out, dynTailLines))
	}
	return out, nil
}

// indexURL is the package index for the combination's Python, with credentials.
func (s *dockerStack) indexURL() string {
	return strings.Replace(s.env.index, "://", "://scaffold-e2e:"+s.indexToken+"@", 1) + "/py" + s.combo.opts.Python + "/simple/"
}

// checkIndexSecret proves that the package index's credentials, which pip used
// to build the image, are nowhere in it: not in its layers, its configuration or
// its history.
func (s *dockerStack) checkIndexSecret(image string) error {
	out, err := s.docker(time.Minute, "docker", "history", "--no-trunc", "--format", "{{.CreatedBy}}", image)
	if err != nil {
		return err
	}
	if strings.Contains(out, s.indexToken) {
		return fmt.Errorf("%s: the package index's credentials are in the image's history:\n%s", image, out)
	}
	archive := filepath.Join(s.root, "image.tar")
	defer os.Remove(archive)
	if _, err := s.docker(5*time.Minute, "docker", "image", "save", "--output", archive, image); err != nil {
		return err
	}
	found, err := dockerFileContains(archive, []byte(s.indexToken))
	if err != nil {
		return err
	}
	if found {
		return fmt.Errorf("%s: the package index's credentials are in the image (docker image save)", image)
	}
	s.t.Logf("%s: %s keeps nothing of the package index's credentials (history, configuration, layers)", s.combo.name, image)
	return nil
}

// dockerFileContains reads the file in blocks, each searched with the end of the
// one before, so that a match across two blocks counts.
func dockerFileContains(path string, needle []byte) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	var tail []byte
	for {
		n, err := f.Read(buf)
		if n > 0 {
			chunk := append(tail, buf[:n]...)
			if bytes.Contains(chunk, needle) {
				return true, nil
			}
			tail = append([]byte{}, chunk[max(0, len(chunk)-len(needle)+1):]...)
		}
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

func (s *dockerStack) build() error {
	// A cold builder cache: nothing from an earlier combination.
	if !s.combo.warm {
		if _, err := s.docker(5*time.Minute, "docker", "builder", "prune", "--all", "--force"); err != nil {
			return err
		}
	}
	start := time.Now()
	out, err := s.compose(20*time.Minute, "build", "--progress=plain")
	if err != nil {
		return err
	}
	s.res.build = time.Since(start)
	s.t.Logf("%s: slowest build steps: %s", s.combo.name, dockerSlowest(dockerParseProgress(out), 3))
	size, err := s.imageSize(s.project + "-web")
	if err != nil {
		return err
	}
	s.res.size = size
	if err := s.checkIndexSecret(s.project + "-web"); err != nil {
		return err
	}
	cache := "cold"
	if s.combo.warm {
		cache = "warm"
	}
	s.t.Logf("%s: %s build %.1fs, image %s-web %.0f MB", s.combo.name, cache, s.res.build.Seconds(), s.project, float64(size)/1e6)
	return nil
}

func (s *dockerStack) imageSize(image string) (int64, error) {
	out, err := s.docker(time.Minute, "docker", "image", "inspect", "--format", "{{.Size}}", image)
	if err != nil {
		return 0, err
	}
	var n int64
	if _, err := fmt.Sscan(strings.TrimSpace(out), &n); err != nil {
		return 0, fmt.Errorf("image size of %s: %q", image, out)
	}
	return n, nil
}

// up starts the stack and waits until every service is healthy, or completed for
// the one-shot migrate service.
func (s *dockerStack) up() error {
	start := time.Now()
	args := []string{"up", "--detach", "--wait", "--wait-timeout", "300"}
	if !s.prod {
		args = append(args, "--no-build")
	} else {
		args = append(args, "--build")
	}
	if _, err := s.compose(20*time.Minute, args...); err != nil {
		s.showState()
		if cause := s.exitedCause(); cause != "" {
			return fmt.Errorf("%s\n%w", cause, err)
		}
		return err
	}
	took := time.Since(start)
	if s.prod {
		s.res.prodHealth = took
	} else {
		s.res.healthy = took
	}
	return s.checkServices()
}

// showState logs what compose saw of the services and their last lines, after a failure.
func (s *dockerStack) showState() {
	if out, err := s.compose(time.Minute, "ps", "--all"); err == nil {
		s.t.Logf("%s: docker compose ps --all:\n%s", s.combo.name, out)
	}
	if out, err := s.compose(time.Minute, "logs", "--no-color", "--tail", "25"); err == nil {
		s.t.Logf("%s: docker compose logs --tail 25:\n%s", s.combo.name, out)
	}
}

// exitedCause names each service that exited with an error, with its last log
// line: what a failed `up` comes down to.
func (s *dockerStack) exitedCause() string {
	out, err := s.compose(time.Minute, "ps", "--all", "--format", "json")
	if err != nil {
		return ""
	}
	entries, err := dockerParsePs(out)
	if err != nil {
		return ""
	}
	var causes []string
	for _, e := range entries {
		if e.State != "exited" || e.ExitCode == 0 {
			continue
		}
		last := ""
		if logs, err := s.compose(time.Minute, "logs", "--no-color", "--no-log-prefix", "--tail", "1", e.Service); err == nil {
			last = strings.TrimSpace(logs)
		}
		causes = append(causes, fmt.Sprintf("%s exited (%d): %s", e.Service, e.ExitCode, last))
	}
	return strings.Join(causes, "; ")
}

// dockerPsEntry is one line of `docker compose ps --format json`.
type dockerPsEntry struct {
	Name     string
	Service  string
	State    string
	Health   string
	ExitCode int
}

func dockerParsePs(out string) ([]dockerPsEntry, error) {
	var entries []dockerPsEntry
	out = strings.TrimSpace(out)
	if strings.HasPrefix(out, "[") { // older Compose: one JSON array
		err := json.Unmarshal([]byte(out), &entries)
		return entries, err
	}
	for _, line := range strings.Split(out, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		var e dockerPsEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return nil, fmt.Errorf("docker compose ps: %v: %s", err, line)
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// dockerServiceProblems lists the services that are neither healthy (or running,
// without a healthcheck) nor, for migrate, completed.
func dockerServiceProblems(entries []dockerPsEntry, want []string) []string {
	var problems []string
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.Service] = true
		switch {
		case e.Service == "migrate":
			if e.State != "exited" || e.ExitCode != 0 {
				problems = append(problems, fmt.Sprintf("migrate: %s (exit %d), want completed with exit 0", e.State, e.ExitCode))
			}
		case e.State != "running":
			problems = append(problems, fmt.Sprintf("%s: %s (exit %d), want running", e.Service, e.State, e.ExitCode))
		case e.Health != "" && e.Health != "healthy":
			problems = append(problems, fmt.Sprintf("%s: %s, want healthy", e.Service, e.Health))
		}
	}
	for _, w := range want {
		if !seen[w] {
			problems = append(problems, w+": no container")
		}
	}
	return problems
}

func (s *dockerStack) checkServices() error {
	out, err := s.compose(time.Minute, "ps", "--all", "--format", "json")
	if err != nil {
		return err
	}
	entries, err := dockerParsePs(out)
	if err != nil {
		return err
	}
	proj, err := loadCompose(s.t, s.dir, "docker-compose.yml")
	if err != nil {
		return err
	}
	var want []string
	for name := range proj.Services {
		want = append(want, name)
	}
	if problems := dockerServiceProblems(entries, want); len(problems) > 0 {
		s.showState()
		return errors.New(strings.Join(problems, "; "))
	}
	var states []string
	for _, e := range entries {
		st := e.State
		if e.Health != "" {
			st = e.Health
		}
		if e.Service == "migrate" {
			st = fmt.Sprintf("completed (exit %d)", e.ExitCode)
		}
		states = append(states, e.Service+" "+st)
	}
	slices.Sort(states)
	s.t.Logf("%s: %s", s.combo.name, strings.Join(states, ", "))
	return nil
}

// webURL is web's address as published on 127.0.0.1.
func (s *dockerStack) webURL() (string, error) {
	out, err := s.compose(time.Minute, "port", "web", "8000")
	if err != nil {
		return "", err
	}
	addr := strings.TrimSpace(out)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		return "", fmt.Errorf("web's port 8000 is published on %q, want 127.0.0.1", addr)
	}
	return "http://" + addr, nil
}

func (s *dockerStack) health() error {
	base, err := s.webURL()
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(base + "/health/")
	if err != nil {
		return fmt.Errorf("GET %s/health/: %w", base, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s/health/: status %d, want 200", base, resp.StatusCode)
	}
	return nil
}

// httpCheck runs checks against web as the dynamic suite does over HTTP; their
// failures stop the combination with a message, turned into this step's error.
func (s *dockerStack) httpCheck(step string, check func(h *dynHTTP)) (err error) {
	base, err := s.webURL()
	if err != nil {
		return err
	}
	// dynHTTP reports through t.Fatalf; a subtest keeps that failure inside this step.
	var logs dynOutput
	p := &dynProject{t: nil, combo: dynCombo{name: s.combo.name, opts: s.combo.opts}, dir: s.dir, user: s.user, pass: s.pass}
	srv := &dynServer{base: base, argv: []string{"docker", "compose", "up"}, proc: &dynProc{out: &logs}}
	ok := s.t.Run(step, func(t *testing.T) {
		p.t = t
		check(&dynHTTP{p: p, srv: srv, client: &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}})
	})
	if !ok {
		s.showState()
		return fmt.Errorf("the %s checks failed (above)", step)
	}
	return nil
}

func (s *dockerStack) api() error {
	_, err := s.compose(3*time.Minute, "exec", "-T",
		"-e", "DJANGO_SUPERUSER_USERNAME="+s.user, "-e", "DJANGO_SUPERUSER_PASSWORD="+s.pass,
		"-e", "DJANGO_SUPERUSER_EMAIL=e2e-admin@example.com",
		"web", "python", "manage.py", "createsuperuser", "--noinput")
	if err != nil {
		return err
	}
	o := s.combo.opts
	return s.httpCheck("api", func(h *dynHTTP) {
		h.signIn()
		root := h.json("api root", dynRequest{method: "GET", path: "/api/"}, 200)
		if o.Resource != "" {
			if _, ok := root[o.Resource]; !ok {
				h.fail("api root", "the API root lists %v, not %q", dynKeys(root), o.Resource)
			}
			h.crud("/api/" + o.Resource + "/")
		}
	})
}

func (s *dockerStack) pytest() error {
	// The project's tests check its defaults, with no proxy in front.
	_, err := s.compose(10*time.Minute, "run", "--rm", "-T", "-e", "DJANGO_NUM_PROXIES=0", "web", "pytest")
	return err
}

// ownership has the running container write into the bind-mounted project: the file
// must belong to the project's owner on the host.
func (s *dockerStack) ownership() error {
	const probe = "e2e-written-by-the-container.txt"
	if _, err := s.compose(time.Minute, "exec", "-T", "web", "python", "-c",
		"open('"+probe+"', 'w').write('written in the container\\n')"); err != nil {
		return err
	}
	paths := []string{filepath.Join(s.dir, probe)}
	if _, err := os.Stat(filepath.Join(s.dir, ".pytest_cache")); err == nil {
		paths = append(paths, filepath.Join(s.dir, ".pytest_cache")) // written by the pytest step
	}
	for _, p := range paths {
		uid, gid, err := dockerOwner(p)
		if err != nil {
			return err
		}
		if uid != s.env.uid || gid != s.env.gid {
			return fmt.Errorf("%s, written by the container, belongs to %d:%d on the host, want the project owner's %d:%d",
				filepath.Base(p), uid, gid, s.env.uid, s.env.gid)
		}
	}
	return os.Remove(paths[0])
}

// cachedRebuild changes one .py file: the rebuild must take the dependency layer
// from the cache and copy the code again.
func (s *dockerStack) cachedRebuild() error {
	f := filepath.Join(s.dir, "config", "urls.py")
	src, err := os.ReadFile(f)
	if err != nil {
		return err
	}
	if err := os.WriteFile(f, append(src, []byte("# changed by the e2e suite: only code changes\n")...), 0o644); err != nil {
		return err
	}
	start := time.Now()
	out, err := s.compose(10*time.Minute, "build", "--progress=plain", "web")
	if err != nil {
		return err
	}
	s.res.rebuild = time.Since(start)
	steps := dockerParseProgress(out)
	var install, code []dockerBuildStep
	for _, st := range steps {
		switch {
		case strings.Contains(st.title, "pip install"):
			install = append(install, st)
		case strings.Contains(st.title, "COPY . ."):
			code = append(code, st)
		}
	}
	if len(install) == 0 || len(code) == 0 {
		return fmt.Errorf("the build output shows no pip install step or no COPY . . step:\n%s", dynTail(out, dynTailLines))
	}
	for _, st := range install {
		if !st.cached {
			return fmt.Errorf("the dependency install ran again after a .py change: %s", st.title)
		}
	}
	for _, st := range code {
		if st.cached {
			return fmt.Errorf("the code was not copied again after a .py change: %s", st.title)
		}
	}
	s.t.Logf("%s: rebuild after a .py change %.1fs: %q cached, %q ran", s.combo.name, s.res.rebuild.Seconds(), install[0].title, code[0].title)
	return nil
}

// dockerBuildStep is one step of BuildKit's plain progress output.
type dockerBuildStep struct {
	title  string
	cached bool
	took   time.Duration
}

// dockerParseProgress reads `--progress=plain`: "#7 [builder 4/4] RUN ..." names
// step 7, "#7 CACHED" says it came from the cache, and "#7 DONE 1.2s" how long it ran.
func dockerParseProgress(out string) []dockerBuildStep {
	byID := map[string]*dockerBuildStep{}
	var order []string
	for _, line := range strings.Split(out, "\n") {
		id, rest, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || len(id) < 2 || id[0] != '#' {
			continue
		}
		if _, err := fmt.Sscan(id[1:], new(int)); err != nil {
			continue
		}
		st := byID[id]
		if st == nil && strings.HasPrefix(rest, "[") {
			st = &dockerBuildStep{title: rest}
			byID[id] = st
			order = append(order, id)
			continue
		}
		if st == nil {
			continue
		}
		if rest == "CACHED" {
			st.cached = true
		}
		if d, ok := strings.CutPrefix(rest, "DONE "); ok {
			if took, err := time.ParseDuration(d); err == nil {
				st.took = took
			}
		}
	}
	steps := make([]dockerBuildStep, 0, len(order))
	for _, id := range order {
		steps = append(steps, *byID[id])
	}
	return steps
}

// dockerSlowest names the n steps that took longest, with their times.
func dockerSlowest(steps []dockerBuildStep, n int) string {
	steps = slices.Clone(steps)
	slices.SortStableFunc(steps, func(a, b dockerBuildStep) int { return cmp.Compare(b.took, a.took) })
	var parts []string
	for _, st := range steps[:min(n, len(steps))] {
		title := st.title
		if len(title) > 70 {
			title = title[:67] + "..."
		}
		parts = append(parts, fmt.Sprintf("%.1fs %s", st.took.Seconds(), title))
	}
	return strings.Join(parts, "; ")
}

// production runs the production override: DEBUG off, the image's own code and
// static files, an unprivileged user.
func (s *dockerStack) production() error {
	s.prod = true
	start := time.Now()
	out, err := s.compose(20*time.Minute, "build", "--progress=plain")
	if err != nil {
		return err
	}
	s.res.prodBuild = time.Since(start)
	s.t.Logf("%s: production build %.1fs; slowest steps: %s", s.combo.name, s.res.prodBuild.Seconds(), dockerSlowest(dockerParseProgress(out), 3))
	proj, err := loadCompose(s.t, s.dir, s.projectFiles(true)...)
	if err != nil {
		return err
	}
	image := proj.Services["web"].Image
	if image == "" {
		image = s.project + "-web"
	}
	if s.res.prodSize, err = s.imageSize(image); err != nil {
		return err
	}
	s.prodImage = image
	if err := s.checkIndexSecret(image); err != nil {
		return err
	}
	if err := s.up(); err != nil {
		return err
	}
	id, err := s.compose(time.Minute, "ps", "--quiet", "web")
	if err != nil {
		return err
	}
	id = strings.TrimSpace(id)
	out, err = s.docker(time.Minute, "docker", "inspect", "--format", "{{json .Mounts}}", id)
	if err != nil {
		return err
	}
	var mounts []struct{ Type, Source, Destination string }
	if err := json.Unmarshal([]byte(out), &mounts); err != nil {
		return fmt.Errorf("docker inspect mounts: %v: %s", err, out)
	}
	for _, m := range mounts {
		if m.Type == "bind" || m.Destination == "/app" {
			return fmt.Errorf("web runs with %s mounted on %s (%s): production must run the image's own code", m.Source, m.Destination, m.Type)
		}
	}
	uid, err := s.compose(time.Minute, "exec", "-T", "web", "id", "-u")
	if err != nil {
		return err
	}
	if strings.TrimSpace(uid) == "0" {
		return errors.New("web runs as root in production")
	}
	// Clients reach production through its TLS proxy only.
	px, err := s.proxy()
	if err != nil {
		return err
	}
	// The api step made the superuser in a shared database; SQLite's production file
	// is a database of its own, and a breakage skips that step.
	if _, err := s.compose(3*time.Minute, "exec", "-T",
		"-e", "DJANGO_SUPERUSER_USERNAME="+s.user, "-e", "DJANGO_SUPERUSER_PASSWORD="+s.pass,
		"-e", "DJANGO_SUPERUSER_EMAIL=e2e-admin@example.com",
		"web", "python", "manage.py", "createsuperuser", "--noinput"); err != nil && !strings.Contains(err.Error(), "already taken") {
		return err
	}
	o := s.combo.opts
	err = s.proxyCheck(px, "production http", func(h *dynHTTP) {
		_, page := h.do("admin", dynRequest{method: "GET", path: "/admin/login/", auth: "-", header: map[string]string{"Accept": "text/html"}}, 200)
		m := dynStaticRef.FindSubmatch(page)
		if m == nil {
			h.fail("admin", "the admin login page links no stylesheet under /static/\n%s", dynShorten(page, 2000))
		}
		h.do("static files", dynRequest{method: "GET", path: string(m[1]), auth: "-", header: map[string]string{"Accept": "*/*"}}, 200)
		_, body := h.do("DEBUG off", dynRequest{method: "GET", path: "/e2e-no-such-page/", auth: "-", header: map[string]string{"Accept": "text/html"}}, 404)
		if strings.Contains(string(body), "DEBUG = True") || strings.Contains(string(body), "URLconf") {
			h.fail("DEBUG off", "a missing page shows Django's debug page: DEBUG is on\n%s", dynShorten(body, 1000))
		}
		// The API, driven through the proxy. Session sign-in is the browser's, below.
		if o.Auth != "session" {
			h.signIn()
			if o.Resource != "" {
				h.crud("/api/" + o.Resource + "/")
			}
		}
	})
	if err != nil {
		return err
	}
	if err := s.proxyBehaviour(px); err != nil {
		return err
	}
	if err := s.forwardedFor(px); err != nil {
		return err
	}
	if err := s.hardening("web", id); err != nil {
		return err
	}
	proxyID, err := s.compose(time.Minute, "ps", "--quiet", "proxy")
	if err != nil {
		return err
	}
	if err := s.hardening("proxy", strings.TrimSpace(proxyID)); err != nil {
		return err
	}
	if err := s.containerSecrets(); err != nil {
		return err
	}
	if err := s.databaseRole(); err != nil {
		return err
	}
	if err := s.redisPassword(); err != nil {
		return err
	}
	if err := s.browser(px); err != nil {
		return err
	}
	s.t.Logf("%s: production: web runs as uid %s without a bind mount; through the TLS proxy, admin and static files answer 200 and DEBUG is off",
		s.combo.name, strings.TrimSpace(uid))
	return nil
}

// imageBudget checks the runtime image: no compiler in it (the builder stage has
// them, the runtime stage must not), and at most dockerImageBudget over its base
// image. An image over budget is reported with the size of each of its layers and
// of the largest folders of its virtual environment, which tell what to remove.
func (s *dockerStack) imageBudget() error {
	base := "python:" + s.combo.opts.Python + "-slim"
	var err error
	if s.res.baseSize, err = s.imageSize(base); err != nil {
		return err
	}
	out, err := s.docker(time.Minute, "docker", "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", s.prodImage, "-c", dockerFindCompilers)
	if err != nil {
		return err
	}
	if found := strings.Fields(out); len(found) > 0 {
		return fmt.Errorf("the runtime image %s has compilers: %s; they belong in the builder stage only", s.prodImage, strings.Join(found, " "))
	}
	over := s.res.prodSize - s.res.baseSize
	s.t.Logf("%s: runtime image %s %.0f MB, %+.0f MB over %s (%.0f MB); no compiler in it",
		s.combo.name, s.prodImage, float64(s.res.prodSize)/1e6, float64(over)/1e6, base, float64(s.res.baseSize)/1e6)
	if over > dockerImageBudget {
		return fmt.Errorf("the runtime image %s is %.0f MB over its base %s, more than the budget of %.0f MB\n%s",
			s.prodImage, float64(over)/1e6, base, float64(dockerImageBudget)/1e6, s.imageContents(s.prodImage))
	}
	return nil
}

// imageContents lists an image's layers with their sizes (docker history), and
// the largest folders of its virtual environment and of /var.
func (s *dockerStack) imageContents(image string) string {
	var b strings.Builder
	out, err := s.docker(time.Minute, "docker", "history", "--no-trunc", "--human=false", "--format", "{{.Size}}\t{{.CreatedBy}}", image)
	if err != nil {
		fmt.Fprintf(&b, "docker history: %v\n", err)
	}
	b.WriteString("layers, newest first (docker history):\n")
	for line := range strings.Lines(out) {
		size, created, _ := strings.Cut(strings.TrimSpace(line), "\t")
		n, _ := strconv.ParseInt(size, 10, 64)
		created = strings.Join(strings.Fields(created), " ")
		if len(created) > 150 {
			created = created[:150] + "..."
		}
		fmt.Fprintf(&b, "  %8.1f MB  %s\n", float64(n)/1e6, created)
	}
	out, err = s.docker(time.Minute, "docker", "run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image, "-c", dockerLargestFolders)
	if err != nil {
		fmt.Fprintf(&b, "largest folders: %v\n", err)
	}
	b.WriteString("largest folders, in kB (du):\n")
	for line := range strings.Lines(out) {
		b.WriteString("  " + line)
	}
	return b.String()
}

// dockerLargestFolders prints the 25 largest folders of the virtual environment's
// packages, of the app, and of /var, where package managers leave their caches.
const dockerLargestFolders = `du -sk /opt/venv/lib/python*/site-packages/* /opt/venv/bin /app/* /app/staticfiles/* /var/cache/* /var/lib/* /root 2>/dev/null | sort -rn | head -n 25`

// dockerFindCompilers prints every C or C++ compiler on the image's PATH or in its
// virtual environment, whatever its version suffix or target prefix.
const dockerFindCompilers = `for d in $(echo "$PATH" | tr : ' ') /opt/venv/bin; do ls -1 "$d" 2>/dev/null; done |
  grep -xE '([a-z0-9_]+-linux-gnu[a-z]*-)?(gcc|cc|g\+\+|c\+\+|clang|clang\+\+)(-[0-9.]+)?' | sort -u || true`

// down removes the stack with its volumes; nothing of the project may be left. Each
// way of running it owns its volumes (the production run has its own for the app's
// files), so after a production run both are taken down, as a developer would.
func (s *dockerStack) down() error {
	modes := []bool{false}
	if s.prod {
		modes = []bool{true, false}
	}
	for _, prod := range modes {
		s.prod = prod
		if _, err := s.compose(5*time.Minute, "down", "--volumes", "--remove-orphans", "--timeout", "20"); err != nil {
			return err
		}
	}
	label := "label=com.docker.compose.project=" + s.project
	var left []string
	for _, kind := range []string{"container", "volume", "network"} {
		argv := []string{"docker", kind, "ls", "--quiet", "--filter", label}
		if kind == "container" {
			argv = []string{"docker", "ps", "--all", "--quiet", "--filter", label}
		}
		out, err := s.docker(time.Minute, argv...)
		if err != nil {
			return err
		}
		if ids := strings.Fields(out); len(ids) > 0 {
			left = append(left, fmt.Sprintf("%d %s(s)", len(ids), kind))
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("after docker compose down --volumes, the project still has %s", strings.Join(left, ", "))
	}
	return nil
}

// teardown removes whatever a failed combination left, and its images: the next
// combination starts from a cold cache, and the disk stays small.
func (s *dockerStack) teardown() {
	for _, prod := range []bool{true, false} {
		s.prod = prod
		_, _ = s.compose(5*time.Minute, "down", "--volumes", "--remove-orphans", "--timeout", "10", "--rmi", "local")
	}
	// Images the production override names itself: down --rmi local keeps those.
	out, _ := s.docker(time.Minute, "docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "label=com.docker.compose.project="+s.project)
	if refs := strings.Fields(out); len(refs) > 0 {
		_, _ = s.docker(2*time.Minute, append([]string{"docker", "image", "rm", "--force"}, refs...)...)
	}
	_ = dockerChownTree(s.dir, os.Getuid(), os.Getgid())
}
