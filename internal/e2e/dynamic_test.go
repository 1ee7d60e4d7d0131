package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/version"
	"github.com/djscaffold/scaffold/internal/writer"
)

// dynCombo is one generated project that the dynamic suite runs for real.
type dynCombo struct {
	name string // subtest name; also names the combination's databases
	opts generator.Options
	// added are resources that scaffold add resource adds after new.
	added []resource.Resource
	// update, when set, makes the project with scaffold update rather than new.
	update *dynUpdate
	// grow runs scaffold add field and remove resource after add resource.
	grow bool
}

// dynCombos covers every database, auth mode and server, Celery, the API docs and
// the Kubernetes manifests on and off, --no-resource, and both Django releases. The
// Python option only changes the Dockerfile and CI files: the code runs on the
// runtime's Python.
// MySQL stays on Django 5.2 because only that runtime has mysqlclient.
func dynCombos() []dynCombo {
	combo := func(name string, set func(o *generator.Options)) dynCombo {
		o := generator.DefaultOptions()
		o.Name = name
		set(&o)
		return dynCombo{name: name, opts: o}
	}
	return append([]dynCombo{
		combo("pg-token", func(o *generator.Options) {}),
		combo("pg-jwt-uvicorn-celery", func(o *generator.Options) {
			o.Django, o.Auth, o.Server, o.Celery, o.CORS, o.CI, o.Kubernetes = "6.1", "jwt", "uvicorn", true, true, "gitlab", true
			o.ResourceOwner = true
		}),
		combo("mysql-session-celery", func(o *generator.Options) {
			o.Python, o.Database, o.Auth, o.Celery, o.APIDocs, o.Resource, o.CI, o.Kubernetes = "3.12", "mysql", "session", true, false, "books", "none", true
		}),
		combo("mysql-jwt-uvicorn-bare", func(o *generator.Options) {
			o.Database, o.Auth, o.Server, o.CORS, o.Resource = "mysql", "jwt", "uvicorn", true, ""
		}),
		combo("sqlite-session-uvicorn", func(o *generator.Options) {
			o.Python, o.Django, o.Database, o.Auth, o.Server, o.Resource = "3.14", "6.1", "sqlite", "session", "uvicorn", "blog_posts"
			o.ResourceOwner = true
		}),
		combo("sqlite-token-celery-bare", func(o *generator.Options) {
			o.Django, o.Database, o.Celery, o.CORS, o.APIDocs, o.Resource, o.CI = "6.1", "sqlite", true, true, false, "", "gitlab"
		}),
	}, dynFieldMatrix()...)
}

// dynEnv is what .ci/run provides: the two Django runtimes, the database servers,
// Redis and the Ruff runner.
type dynEnv struct {
	python   map[string]string // Django release -> runtime python
	postgres string
	mysql    string
	redis    string
	ruff     []string
	runID    string // keeps the databases of two concurrent suite runs apart
}

var dynEnvVars = []string{
	"SCAFFOLD_PY_5_2", "SCAFFOLD_PY_6_1", "SCAFFOLD_POSTGRES_URL", "SCAFFOLD_MYSQL_URL",
	"SCAFFOLD_REDIS_URL", "SCAFFOLD_RUFF",
}

// dynLoadEnv skips without SCAFFOLD_E2E. With it, anything missing is a failure.
// requireE2EEnv skips the test without SCAFFOLD_E2E (why says what the suite
// needs), and fails it when SCAFFOLD_E2E is set but one of vars is not (fix says
// where they come from): CI must never pass by skipping.
func requireE2EEnv(t *testing.T, vars []string, why, fix string) {
	t.Helper()
	if os.Getenv("SCAFFOLD_E2E") == "" {
		t.Skip("SCAFFOLD_E2E is not set: " + why)
	}
	var missing []string
	for _, v := range vars {
		if os.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("SCAFFOLD_E2E is set, but not %s (%s)", strings.Join(missing, ", "), fix)
	}
}

func dynLoadEnv(t *testing.T) *dynEnv {
	t.Helper()
	requireE2EEnv(t, dynEnvVars,
		"the dynamic e2e suite needs the Django runtimes and database servers that .ci/run prepares",
		".ci/run exports them; see e2e_env there")
	e := &dynEnv{
		python: map[string]string{
			"5.2": os.Getenv("SCAFFOLD_PY_5_2"),
			"6.1": os.Getenv("SCAFFOLD_PY_6_1"),
		},
		postgres: os.Getenv("SCAFFOLD_POSTGRES_URL"),
		mysql:    os.Getenv("SCAFFOLD_MYSQL_URL"),
		redis:    os.Getenv("SCAFFOLD_REDIS_URL"),
		ruff:     strings.Fields(os.Getenv("SCAFFOLD_RUFF")),
		runID:    fmt.Sprint(os.Getpid()),
	}
	for _, release := range []string{"5.2", "6.1"} {
		py := e.python[release]
		out, err := dynRunCommand(t.TempDir(), dynBaseEnv(filepath.Dir(py)), []string{py, "-c", dynVersionsScript}, 2*time.Minute)
		if err != nil {
			t.Fatalf("runtime for Django %s (%s) does not work: %v\n%s", release, py, err, dynTail(out, dynTailLines))
		}
		t.Logf("runtime for Django %s: %s", release, strings.TrimSpace(out))
		if !strings.HasPrefix(out, "Django "+release+".") {
			t.Fatalf("runtime %s is not a Django %s runtime: %s", py, release, dynShorten([]byte(out), 200))
		}
	}
	for name, raw := range map[string]string{"SCAFFOLD_POSTGRES_URL": e.postgres, "SCAFFOLD_MYSQL_URL": e.mysql, "SCAFFOLD_REDIS_URL": e.redis} {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			t.Fatalf("%s=%q is not a server URL", name, raw)
		}
		conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
		if err != nil {
			t.Fatalf("%s: server %s is unreachable: %v (.ci/run starts it)", name, u.Host, err)
		}
		conn.Close()
	}
	return e
}

// dynVersionsScript prints what a runtime really runs: Debian's builds, close to
// but not the same as the pins in the generated requirements.txt.
const dynVersionsScript = `import importlib.metadata as m, sys
names = ["djangorestframework", "drf-spectacular", "djangorestframework-simplejwt", "django-filter",
         "whitenoise", "gunicorn", "uvicorn", "psycopg", "mysqlclient", "celery", "redis", "pytest"]
have = []
for n in names:
    try:
        have.append(n + " " + m.version(n))
    except m.PackageNotFoundError:
        pass
print("Django", m.version("Django"), "on Python", sys.version.split()[0] + ";", ", ".join(have))
`

// dynBaseEnv is this process's environment without anything that would change
// how the generated project behaves, with the runtime's bin folder first on PATH
// so that a Dockerfile's command finds gunicorn, celery and python there.
func dynBaseEnv(bin string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PATH", name == "PYTHONPATH", name == "PYTHONHOME", name == "VIRTUAL_ENV",
			name == "DATABASE_URL", name == "GUNICORN_CMD_ARGS", name == "WEB_CONCURRENCY", name == "PORT",
			strings.HasPrefix(name, "DJRT_"), strings.HasPrefix(name, "DJANGO_"),
			strings.HasPrefix(name, "CELERY_"), strings.HasPrefix(name, "CORS_"):
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

func TestDynamic(t *testing.T) {
	env := dynLoadEnv(t)
	for i, c := range dynCombos() {
		t.Run(c.name, func(t *testing.T) {
			// The steps are mostly CPU-bound Python start-ups. On 2 cores, go test's
			// default -parallel (GOMAXPROCS) measured 107 s for the suite, 117 s with
			// one combination at a time and 97 s with three.
			t.Parallel()
			p := dynNewProject(t, env, c, i+1)
			p.runAll()
		})
	}
}

// dynProject is one combination's generated project and the settings it runs with.
type dynProject struct {
	t       testing.TB
	env     *dynEnv
	combo   dynCombo
	root    string // the combination's temporary folder
	dir     string // the project folder inside it
	py      string
	bin     string
	shim    string   // the stand-ins' folder, on PYTHONPATH
	setEnv  []string // production settings, shown in failure messages
	base    []string // dynBaseEnv, plus setEnv once productionEnv has run
	redisDB int
	user    string
	pass    string
	image   dynImage
	started time.Time
	timings []string
}

func dynNewProject(t testing.TB, env *dynEnv, c dynCombo, redisDB int) *dynProject {
	root := t.TempDir()
	py := env.python[c.opts.Django]
	bin := filepath.Dir(py)
	shim, err := writeStandins(filepath.Join(root, "standins"))
	if err != nil {
		t.Fatal(err)
	}
	return &dynProject{
		t: t, env: env, combo: c, root: root,
		dir:     filepath.Join(root, c.opts.Name),
		py:      py,
		bin:     bin,
		shim:    shim,
		base:    append(dynBaseEnv(bin), "XDG_RUNTIME_DIR="+root, "PYTHONPATH="+shim),
		redisDB: redisDB,
		user:    "e2e-admin",
		pass:    dynRandom(t, 24),
		started: time.Now(),
	}
}

func dynRandom(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// fail stops the combination with a message that names it and the step.
func (p *dynProject) fail(step, format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("combination %s, step %q: %s", p.combo.name, step, fmt.Sprintf(format, args...))
}

// run fails the combination at step when the command fails, with what it takes
// to reproduce the failure by hand.
func (p *dynProject) run(step string, timeout time.Duration, extraEnv []string, argv ...string) string {
	p.t.Helper()
	start := time.Now()
	env := append(append([]string{}, p.base...), extraEnv...)
	out, err := dynRunCommand(p.dir, env, argv, timeout)
	if err != nil {
		p.fail(step, "%v\n$ %s\n%s", err, dynCommandLine(p.dir, append(append([]string{}, p.setEnv...), extraEnv...), argv), dynTail(out, dynTailLines))
	}
	p.timed(step, start)
	return out
}

func (p *dynProject) timed(step string, start time.Time) {
	p.timings = append(p.timings, fmt.Sprintf("%s %.1fs", step, time.Since(start).Seconds()))
}

func (p *dynProject) manage(step string, args ...string) string {
	p.t.Helper()
	return p.run(step, 3*time.Minute, nil, append([]string{p.py, "manage.py"}, args...)...)
}

func (p *dynProject) runAll() {
	o := p.combo.opts
	if p.combo.update != nil {
		p.generateAndUpdate()
	} else {
		p.generate()
	}
	p.run("2 compileall", 2*time.Minute, nil, p.py, "-m", "compileall", "-q", ".")
	p.run("2 ruff", 2*time.Minute, nil, append(append([]string{}, p.env.ruff...), p.dir)...)
	p.readImage()
	p.checkRequirements()
	sink, err := newMailSink()
	if err != nil {
		p.fail("3 mail sink", "%v", err)
	}
	defer sink.close()
	p.productionEnv(dynMailSettings(sink)...)
	p.manage("3 check --deploy", "check", "--deploy", "--fail-level", "WARNING")
	p.manage("4 makemigrations --check", "makemigrations", "--check", "--dry-run")
	p.manage("4 migrate", "migrate", "--noinput")
	p.run("5 pytest", 10*time.Minute, nil, append([]string{p.py, "-m", "pytest"}, dynPytestArgs...)...)
	if o.APIDocs {
		p.manage("6 spectacular --validate", "spectacular", "--validate", "--fail-on-warn", "--file", filepath.Join(p.root, "schema.yml"))
	}
	p.collectstatic()
	p.run("7 createsuperuser", 3*time.Minute, []string{
		"DJANGO_SUPERUSER_USERNAME=" + p.user, "DJANGO_SUPERUSER_PASSWORD=" + p.pass, "DJANGO_SUPERUSER_EMAIL=e2e-admin@example.com",
	}, p.py, "manage.py", "createsuperuser", "--noinput")
	server := p.startServer()
	var worker *dynProc
	if o.Celery {
		worker = p.startWorker()
	}
	p.checkHTTP(server)
	if o.Celery {
		p.checkCelery(worker)
		p.workerHealthcheck(worker)
	}
	p.checkErrorMail(sink)
	p.checkStatementTimeout()
	p.checkKeyRotation(server)
	p.t.Logf("%s passed in %.0fs: %s", p.combo.name, time.Since(p.started).Seconds(), strings.Join(p.timings, ", "))
}

func (p *dynProject) generate() {
	start := time.Now()
	// With its answers file, which scaffold add resource reads.
	b := pack.Builtin()
	plan, err := project.Render(context.Background(), project.Spec{
		Options: p.combo.opts, Tree: b.Tree(), Templates: b.Templates(), ScaffoldVersion: version.String(),
	}, rand.Reader)
	if err != nil {
		p.fail("1 generate", "render: %v", err)
	}
	if _, err := writer.Write(afero.NewOsFs(), p.dir, plan, false); err != nil {
		p.fail("1 generate", "write: %v", err)
	}
	p.addResources()
	p.timed("1 generate", start)
}

func (p *dynProject) readImage() {
	src, err := os.ReadFile(filepath.Join(p.dir, "Dockerfile"))
	if err != nil {
		p.fail("7 Dockerfile", "%v", err)
	}
	if p.image, err = dynParseDockerfile(string(src)); err != nil {
		p.fail("7 Dockerfile", "%v", err)
	}
}

// checkRequirements makes sure requirements.txt names everything the project and
// its image command import: the runtime has all of it installed either way.
func (p *dynProject) checkRequirements() {
	o := p.combo.opts
	script, err := filepath.Abs(filepath.Join("testdata", "requirements_check.py"))
	if err != nil {
		p.t.Fatal(err)
	}
	argv := []string{p.py, script, p.dir, "--dev", "pytest", "--dev", "pytest_django"}
	for _, m := range p.commandModules() {
		argv = append(argv, "--prod", m)
	}
	switch o.Database {
	case "postgres":
		argv = append(argv, "--prod", "psycopg")
	case "mysql":
		argv = append(argv, "--prod", "MySQLdb")
	}
	if o.Celery {
		// Celery reaches a redis:// broker through this client, which nothing imports by name.
		argv = append(argv, "--prod", "redis")
	}
	if o.APIDocs {
		// An installed app, named in settings.py rather than imported.
		argv = append(argv, "--prod", "drf_spectacular_sidecar")
	}
	p.run("2 requirements", 2*time.Minute, nil, argv...)
}

// commandModules are the Python modules the image's command starts: the server
// program and its worker class.
func (p *dynProject) commandModules() []string {
	argv := append(append([]string{}, p.image.Entrypoint...), p.image.Cmd...)
	var mods []string
	for i, a := range argv {
		switch {
		case a == "gunicorn" || a == "uvicorn" || a == "celery":
			mods = append(mods, a)
		case (a == "-k" || a == "--worker-class") && i+1 < len(argv):
			mods = append(mods, strings.Split(argv[i+1], ".")[0])
		case strings.HasPrefix(a, "--worker-class="):
			mods = append(mods, strings.Split(strings.TrimPrefix(a, "--worker-class="), ".")[0])
		}
	}
	return mods
}

// productionEnv creates the combination's own database and sets the production
// settings: DEBUG off, a strong key, only the public host name allowed, and more.
func (p *dynProject) productionEnv(more ...string) {
	o := p.combo.opts
	dbName := "e2e_" + strings.ReplaceAll(p.combo.name, "-", "_") + "_" + p.env.runID
	var dbURL string
	switch o.Database {
	case "postgres":
		dbURL = dynWithPath(p.env.postgres, dbName)
		admin := dynWithPath(p.env.postgres, "postgres")
		p.dbAdmin("3 create database", admin, "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)", "CREATE DATABASE "+dbName)
		p.t.Cleanup(func() {
			p.dbAdminCleanup(admin, "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)", "DROP DATABASE IF EXISTS test_"+dbName+" WITH (FORCE)")
		})
	case "mysql":
		dbURL = dynWithPath(p.env.mysql, dbName)
		admin := dynWithPath(p.env.mysql, "")
		p.dbAdmin("3 create database", admin, "DROP DATABASE IF EXISTS "+dbName,
			"CREATE DATABASE "+dbName+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
		p.t.Cleanup(func() {
			p.dbAdminCleanup(admin, "DROP DATABASE IF EXISTS "+dbName, "DROP DATABASE IF EXISTS test_"+dbName)
		})
	case "sqlite":
		dbURL = "sqlite:///" + filepath.Join(p.root, "db.sqlite3")
	}
	p.setEnv = []string{
		"DJANGO_DEBUG=False",
		"DJANGO_SECRET_KEY=" + dynRandom(p.t, 48),
		"DJANGO_ALLOWED_HOSTS=" + dynPublicHost,
		"DATABASE_URL=" + dbURL,
	}
	if o.Auth == "jwt" {
		p.setEnv = append(p.setEnv, "DJANGO_JWT_SIGNING_KEY="+dynRandom(p.t, 48))
	}
	if o.CORS {
		p.setEnv = append(p.setEnv, "CORS_ALLOWED_ORIGINS="+dynCORSOrigin)
	}
	p.setEnv = append(p.setEnv, more...)
	if o.Celery {
		p.setEnv = append(p.setEnv, "CELERY_BROKER_URL="+dynWithPath(p.env.redis, fmt.Sprint(p.redisDB)),
			"DJANGO_CACHE_URL="+dynWithPath(p.env.redis, fmt.Sprint(p.redisDB+8)))
	}
	// Concurrent runs of the suite share the Redis databases.
	p.setEnv = append(p.setEnv, "DJANGO_CACHE_KEY_PREFIX=e2e-"+p.env.runID+"-"+p.combo.name)
	p.base = append(p.base, p.setEnv...)
}

const (
	dynPublicHost = "api.example.com"
	dynCORSOrigin = "https://app.example.com"
)

func dynWithPath(raw, path string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err) // dynLoadEnv parsed it already
	}
	u.Path = "/" + path
	return u.String()
}

// dynDBAdminScript runs SQL statements as the CI's database user, with the
// drivers of the runtime, so the suite needs no database client of its own.
const dynDBAdminScript = `import sys
from urllib.parse import unquote, urlsplit
url, statements = sys.argv[1], sys.argv[2:]
u = urlsplit(url)
if u.scheme.startswith("postgres"):
    import psycopg
    conn = psycopg.connect(url, autocommit=True)
    for s in statements:
        conn.execute(s)
else:
    import MySQLdb
    conn = MySQLdb.connect(host=u.hostname, port=u.port or 3306, user=unquote(u.username or ""),
                           passwd=unquote(u.password or ""))
    for s in statements:
        conn.cursor().execute(s)
conn.close()
`

func (p *dynProject) dbAdmin(step, adminURL string, statements ...string) {
	p.t.Helper()
	p.run(step, time.Minute, nil, append([]string{p.py, "-c", dynDBAdminScript, adminURL}, statements...)...)
}

func (p *dynProject) dbAdminCleanup(adminURL string, statements ...string) {
	argv := append([]string{p.py, "-c", dynDBAdminScript, adminURL}, statements...)
	if out, err := dynRunCommand(p.root, dynBaseEnv(p.bin), argv, time.Minute); err != nil {
		p.t.Errorf("combination %s: dropping its databases failed: %v\n%s", p.combo.name, err, dynTail(out, dynTailLines))
	}
}

// collectstatic runs the image build's own collectstatic command: the server
// serves the files it writes through WhiteNoise.
func (p *dynProject) collectstatic() {
	for _, run := range p.image.Runs {
		if strings.Contains(run, "collectstatic") {
			p.run("7 collectstatic", 3*time.Minute, nil, "/bin/sh", "-c", run)
			return
		}
	}
	p.fail("7 collectstatic", "the Dockerfile's final stage has no RUN ... collectstatic, so the image would serve no static files")
}

// dynTaskDef finds zero-argument Celery tasks, which the suite can call without
// knowing what they do.
var dynTaskDef = regexp.MustCompile(`(?m)^@shared_task(?:\(.*\))?\s*\n(?:@.*\n)*def (\w+)\(\s*\)`)

func (p *dynProject) exampleTasks() []string {
	var tasks []string
	_ = filepath.WalkDir(p.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "tasks.py" {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(p.dir, strings.TrimSuffix(path, ".py"))
		module := strings.ReplaceAll(rel, string(filepath.Separator), ".")
		for _, m := range dynTaskDef.FindAllStringSubmatch(string(src), -1) {
			tasks = append(tasks, module+"."+m[1])
		}
		return nil
	})
	return tasks
}

// startWorker starts a Celery worker against the combination's Redis database.
func (p *dynProject) startWorker() *dynProc {
	argv := []string{p.py, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
		"--without-gossip", "--without-mingle", "--hostname", "e2e-" + p.combo.name + "@%h"}
	w, err := dynStartProc(p.t, "celery worker", p.dir, p.imageEnv(nil), argv)
	if err != nil {
		p.fail("8 celery worker", "start: %v\n$ %s", err, dynCommandLine(p.dir, p.imageSetEnv(nil), argv))
	}
	return w
}

// checkCelery sends every example task through Redis and waits for the result:
// the worker's log must show that it, not an eager in-process call, ran them.
func (p *dynProject) checkCelery(w *dynProc) {
	const step = "8 celery task"
	start := time.Now()
	if err := w.waitFor(" ready.", 90*time.Second); err != nil {
		p.fail("8 celery worker", "%v\n$ %s\nworker log:\n%s", err, dynCommandLine(p.dir, p.imageSetEnv(nil), w.cmd.Args), dynTail(w.out.String(), dynTailLines))
	}
	p.timed("8 celery worker ready", start)
	tasks := p.exampleTasks()
	if len(tasks) == 0 {
		p.fail(step, "no tasks.py defines a @shared_task without arguments to run")
	}
	code := "import importlib\n" +
		"for spec in " + fmt.Sprintf("%q", strings.Join(tasks, " ")) + ".split():\n" +
		"    module, _, name = spec.rpartition('.')\n" +
		"    task = getattr(importlib.import_module(module), name)\n" +
		"    print(spec, '->', repr(task.delay().get(timeout=30)))\n"
	start = time.Now()
	out := p.run(step, 2*time.Minute, nil, p.py, "manage.py", "shell", "-c", code)
	for _, task := range tasks {
		done := regexp.MustCompile(`Task ` + regexp.QuoteMeta(task) + `\[[^\]]+\] succeeded`)
		deadline := time.Now().Add(10 * time.Second)
		for !done.MatchString(w.out.String()) {
			if time.Now().After(deadline) {
				p.fail(step, "the worker's log does not show %s succeeding (did the task run eagerly?)\ncaller output:\n%s\nworker log:\n%s",
					task, dynTail(out, dynTailLines), dynTail(w.out.String(), dynTailLines))
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	var results []string
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " -> ") {
			results = append(results, line)
		}
	}
	p.t.Logf("%s: tasks run by the worker: %s", p.combo.name, strings.Join(results, "; "))
}
