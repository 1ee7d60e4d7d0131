package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/djscaffold/scaffold/internal/generator"
)

// TestAPIThroughput measures the generated default project's API beside a
// minimal hand-written DRF project (testdata/baseline): the same model, token
// authentication and page size, on the same runtime, PostgreSQL server and
// number of gunicorn workers, with 1,000 items each. wrk, on 127.0.0.1, asks
// for one page of the list and for one item, in rounds that alternate between
// the two servers. The last line is
//
//	api: generated N req/s, baseline M req/s, ratio R
//
// where each rate is the mean of the two endpoints' median rates, and the
// ratio is the median of the rounds' ratios: the two servers of one round ran
// under the same load.
//
// It runs with SCAFFOLD_BENCH=1. It takes the Django 5.2 runtime and
// PostgreSQL from the environment that .ci/run exports, else from .ci/run's
// cache, and else builds and starts them as .ci/run does. SCAFFOLD_BENCH_SECONDS
// sets how long each wrk run lasts (default 4), SCAFFOLD_BENCH_ROUNDS how many
// rounds there are (default 7).
func TestAPIThroughput(t *testing.T) {
	if os.Getenv("SCAFFOLD_BENCH") == "" {
		t.Skip("SCAFFOLD_BENCH is not set: the API benchmark takes minutes and the whole machine")
	}
	seconds, rounds := benchSetting(t, "SCAFFOLD_BENCH_SECONDS", 4), benchSetting(t, "SCAFFOLD_BENCH_ROUNDS", 7)
	env := benchRuntime(t)
	wrk := benchWrk(t)

	o := generator.DefaultOptions()
	o.Name = "benchapi"
	gen := dynNewProject(t, env, dynCombo{name: "bench-generated", opts: o}, 0)
	gen.generate()
	gen.readImage()
	gen.productionEnv()
	gen.manage("migrate", "migrate", "--noinput")
	gen.collectstatic()
	gen.run("createsuperuser", 3*time.Minute, []string{
		"DJANGO_SUPERUSER_USERNAME=" + gen.user, "DJANGO_SUPERUSER_PASSWORD=" + gen.pass, "DJANGO_SUPERUSER_EMAIL=bench@example.com",
	}, gen.py, "manage.py", "createsuperuser", "--noinput")
	gen.manage("load items", "shell", "-c", benchLoadItems(o.Resource+".models"))
	genSrv := gen.benchServer()
	h := &dynHTTP{p: gen, srv: genSrv, client: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	h.signIn()
	workers := benchWorkers(t, genSrv.proc.cmd.Process.Pid)
	t.Logf("generated: %s, %d gunicorn workers", dynCommandLine(gen.dir, genSrv.env, genSrv.argv), workers)

	base := benchBaseline(t, env, workers)

	targets := []*benchTarget{
		{name: "generated", base: genSrv.base, auth: h.auth, collection: "/api/" + o.Resource + "/"},
		{name: "baseline", base: base.srv.base, auth: base.auth, collection: "/api/items/"},
	}
	for _, tg := range targets {
		tg.detail = benchPickItem(t, tg)
	}
	endpoints := []struct {
		name string
		path func(*benchTarget) string
	}{
		{"list", func(tg *benchTarget) string { return tg.collection }},
		{"detail", func(tg *benchTarget) string { return tg.detail }},
	}
	connections := 2 * workers
	// A short untimed run each: the first requests import code and open connections.
	for _, tg := range targets {
		for _, ep := range endpoints {
			benchRunWrk(t, wrk, tg, ep.path(tg), connections, 2)
		}
	}
	runs := map[string][]benchResult{} // by target and endpoint
	for r := range rounds {
		for i := range targets {
			// Alternating which server goes first keeps either from always
			// running in the other's wake.
			tg := targets[(i+r)%len(targets)]
			for _, ep := range endpoints {
				res := benchRunWrk(t, wrk, tg, ep.path(tg), connections, seconds)
				runs[tg.name+" "+ep.name] = append(runs[tg.name+" "+ep.name], res)
				t.Logf("round %d, %s %s %s: %.0f req/s, p50 %s, p99 %s", r+1, tg.name, ep.name, ep.path(tg), res.rate, res.p50, res.p99)
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%d gunicorn workers each, wrk -t1 -c%d, %d rounds of %ds per endpoint; medians of the rounds\n", workers, connections, rounds, seconds)
	fmt.Fprintf(&b, "%-10s %-8s %10s %10s %10s\n", "", "", "req/s", "p50", "p99")
	mean := map[string]float64{}
	for _, tg := range targets {
		for _, ep := range endpoints {
			m := benchMedian(runs[tg.name+" "+ep.name])
			mean[tg.name] += m.rate / float64(len(endpoints))
			fmt.Fprintf(&b, "%-10s %-8s %10.0f %10s %10s\n", tg.name, ep.name, m.rate, m.p50, m.p99)
		}
	}
	// A round's ratio compares two servers that ran under the same load.
	roundRatios := make([]float64, rounds)
	for _, ep := range endpoints {
		g, bl := runs["generated "+ep.name], runs["baseline "+ep.name]
		ratios := make([]float64, rounds)
		for r := range rounds {
			ratios[r] = g[r].rate / bl[r].rate
			roundRatios[r] += g[r].rate / float64(len(endpoints))
		}
		fmt.Fprintf(&b, "ratio %-8s %.2f (rounds: %s)\n", ep.name, benchMid(ratios), benchList(ratios))
	}
	for r := range rounds {
		base := 0.0
		for _, ep := range endpoints {
			base += runs["baseline "+ep.name][r].rate / float64(len(endpoints))
		}
		roundRatios[r] /= base
	}
	ratio := benchMid(roundRatios)
	fmt.Fprintf(&b, "api: generated %.0f req/s, baseline %.0f req/s, ratio %.2f", mean["generated"], mean["baseline"], ratio)
	// Printed, not logged, so that the last line stays the figure with or without -v.
	fmt.Println(b.String())
}

// benchTarget is one of the two servers under test.
type benchTarget struct {
	name       string
	base       string // http://127.0.0.1:PORT
	auth       string // Authorization header
	collection string // the list's path
	detail     string // one item's path
}

func benchSetting(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// benchRuntime finds the Django 5.2 runtime and PostgreSQL: from .ci/run's
// environment, from its cache, or by running the runtime script the way
// .ci/run runs it, which also starts the servers when they are down.
func benchRuntime(t *testing.T) *dynEnv {
	t.Helper()
	py, pg := os.Getenv("SCAFFOLD_PY_5_2"), os.Getenv("SCAFFOLD_POSTGRES_URL")
	if py == "" || pg == "" {
		cache := benchCache(t)
		envFile := filepath.Join(cache, "pyrt-5.2.env")
		py = filepath.Join(cache, "pyrt-5.2", "bin", "python")
		pg = benchEnvValue(envFile, "DATABASE_URL")
		if !benchWorks(py, pg) {
			benchBuildRuntime(t, cache, envFile)
			pg = benchEnvValue(envFile, "DATABASE_URL")
		}
	}
	if !benchWorks(py, pg) {
		t.Fatalf("the Django 5.2 runtime %s or PostgreSQL at %q does not work (see .ci/run)", py, pg)
	}
	out, err := dynRunCommand(t.TempDir(), dynBaseEnv(filepath.Dir(py)), []string{py, "-c", dynVersionsScript}, 2*time.Minute)
	if err != nil {
		t.Fatalf("runtime %s: %v\n%s", py, err, out)
	}
	t.Logf("runtime: %s", strings.TrimSpace(out))
	return &dynEnv{python: map[string]string{"5.2": py}, postgres: pg, runID: fmt.Sprint(os.Getpid())}
}

func benchCache(t *testing.T) string {
	if c := os.Getenv("SCAFFOLD_CI_CACHE"); c != "" {
		return c
	}
	if c := os.Getenv("XDG_CACHE_HOME"); c != "" {
		return filepath.Join(c, "scaffold-ci")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(home, ".cache", "scaffold-ci")
}

// benchEnvValue reads `export NAME="value"` from a runtime's env file.
func benchEnvValue(file, name string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	value := ""
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "export "+name+"="); ok {
			value = strings.Trim(v, `"`)
		}
	}
	return value
}

// benchWorks says whether py runs and PostgreSQL answers at pg.
func benchWorks(py, pg string) bool {
	if pg == "" {
		return false
	}
	if _, err := os.Stat(py); err != nil {
		return false
	}
	u, err := url.Parse(pg)
	if err != nil {
		return false
	}
	_, err = dynRunCommand(os.TempDir(), dynBaseEnv(filepath.Dir(py)),
		[]string{py, "-c", "import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 5).close()", u.Hostname(), u.Port()}, time.Minute)
	return err == nil
}

// benchBuildRuntime runs the runtime script as .ci/run does for Django 5.2.
func benchBuildRuntime(t *testing.T, cache, envFile string) {
	t.Helper()
	script := benchRuntimeScript(t)
	t.Logf("building the Django 5.2 runtime and starting the servers with %s, as .ci/run does (minutes)", script)
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "DJRT_PYTHON" && name != "DJRT_DJANGO" && name != "DJRT_EXTRA" && name != "PYTHONPATH" {
			env = append(env, kv)
		}
	}
	cmd := exec.Command("bash", script, "--postgres", "--mysql", "--redis", filepath.Join(cache, "pyrt-5.2"))
	// factory_boy runs the generated projects' tests, as in .ci/run.
	cmd.Env = append(env, "DJRT_EXTRA=python3-factory-boy")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, dynTail(stderr.String(), dynTailLines))
	}
	if err := os.WriteFile(envFile+".new", out, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(envFile+".new", envFile); err != nil {
		t.Fatal(err)
	}
}

// benchRuntimeScript finds django-runtime.sh as .ci/run does.
func benchRuntimeScript(t *testing.T) string {
	if s := os.Getenv("SCAFFOLD_RUNTIME_SH"); s != "" {
		return s
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if s := filepath.Join(repo, ".ci", "django-runtime.sh"); benchIsFile(s) {
		return s
	}
	for d := filepath.Dir(repo); ; d = filepath.Dir(d) {
		if s := filepath.Join(d, "shared", "tools", "django-runtime.sh"); benchIsFile(s) {
			return s
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Fatal("no django-runtime.sh: set SCAFFOLD_RUNTIME_SH (see .ci/run)")
	return ""
}

func benchIsFile(name string) bool {
	info, err := os.Stat(name)
	return err == nil && info.Mode().IsRegular()
}

// benchWrk finds wrk, and installs Debian's package when it is missing and
// this runs as root, as .ci/run installs what it needs.
func benchWrk(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("wrk"); err == nil {
		return p
	}
	if os.Geteuid() != 0 {
		t.Fatal("wrk is not installed: apt-get install wrk")
	}
	for _, argv := range [][]string{{"apt-get", "-q", "update"}, {"apt-get", "-q", "-y", "install", "--no-install-recommends", "wrk"}} {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, dynTail(string(out), dynTailLines))
		}
	}
	p, err := exec.LookPath("wrk")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// benchLoadItems is a manage.py shell script that stores 1,000 items.
func benchLoadItems(module string) string {
	return "from django.apps import apps\n" +
		"model = next(m for m in apps.get_models() if m.__module__ == " + strconv.Quote(module) + ")\n" +
		"model.objects.bulk_create(model(name=f'item {i}', description='An item for the benchmark, ' * 4) for i in range(1000))\n" +
		"print(model.objects.count(), model.__name__)\n"
}

// benchServer starts the image's command on 127.0.0.1 with the image's own
// settings: unlike startServer, it sets nothing that the image leaves to its
// defaults, such as the number of workers.
func (p *dynProject) benchServer() *dynServer {
	const step = "server start"
	port, err := dynFreePort()
	if err != nil {
		p.fail(step, "no free port: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	argv, _ := dynBindTo(append(append([]string{}, p.image.Entrypoint...), p.image.Cmd...), addr)
	// Loopback only; gunicorn reads GUNICORN_CMD_ARGS over its configuration file.
	extra := []string{fmt.Sprintf("PORT=%d", port), "GUNICORN_CMD_ARGS=--bind=" + addr}
	env := p.imageEnv(extra)
	argv[0] = p.resolveProgram(step, argv[0], env)
	srv := &dynServer{base: "http://" + addr, argv: argv, env: p.imageSetEnv(extra), fullEnv: env}
	if srv.proc, err = dynStartProc(p.t, "server", p.dir, env, argv); err != nil {
		p.fail(step, "%v\n$ %s", err, dynCommandLine(p.dir, srv.env, argv))
	}
	if err := srv.waitHealthy(2 * time.Minute); err != nil {
		p.fail(step, "%v\n$ %s\nserver log:\n%s", err, dynCommandLine(p.dir, srv.env, argv), dynTail(srv.proc.out.String(), dynTailLines))
	}
	return srv
}

// benchWorkers counts the gunicorn processes in the server's process group,
// less the master.
func benchWorkers(t *testing.T, pgid int) int {
	t.Helper()
	// Workers are forked once the master is up: give them a moment.
	var n int
	for range 50 {
		n = 0
		entries, err := os.ReadDir("/proc")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
			if err != nil {
				continue
			}
			// pid (comm) state ppid pgrp ...; comm may hold spaces, so read after ")".
			fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) && pid != 0 && strings.Contains(string(cmdline), "gunicorn") {
				n++
			}
		}
		if n > 1 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n < 2 {
		t.Fatalf("found %d gunicorn processes in group %d; want a master and its workers", n, pgid)
	}
	return n - 1
}

// benchBaselineServer is the hand-written project, running.
type benchBaselineServer struct {
	srv  *dynServer
	auth string
}

// benchBaseline sets up testdata/baseline with its own database and 1,000
// items, and serves it with gunicorn's defaults and the given workers.
func benchBaseline(t *testing.T, env *dynEnv, workers int) benchBaselineServer {
	t.Helper()
	o := generator.DefaultOptions()
	o.Name = "baseline"
	p := dynNewProject(t, env, dynCombo{name: "bench-baseline", opts: o}, 0)
	if err := os.CopyFS(p.dir, os.DirFS(filepath.Join("testdata", "baseline"))); err != nil {
		t.Fatal(err)
	}
	p.productionEnv()
	p.manage("baseline migrate", "migrate", "--noinput", "--run-syncdb")
	p.manage("baseline load items", "shell", "-c", benchLoadItems("items.models"))
	token := strings.TrimSpace(p.manage("baseline token", "shell", "-c",
		"from django.contrib.auth.models import User\n"+
			"from rest_framework.authtoken.models import Token\n"+
			"user = User.objects.create_user('bench', password=None)\n"+
			"print(Token.objects.create(user=user).key)\n"))
	port, err := dynFreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	argv := []string{filepath.Join(p.bin, "gunicorn"), "baseline.wsgi:application", "--bind", addr, "--workers", strconv.Itoa(workers)}
	srv := &dynServer{base: "http://" + addr, argv: argv, env: p.setEnv, fullEnv: p.base}
	if srv.proc, err = dynStartProc(t, "baseline", p.dir, p.base, argv); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	// The baseline has no /health/; its API root answers once it is up.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := http.Get(srv.base + "/api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if srv.proc.exited() || time.Now().After(deadline) {
			t.Fatalf("baseline did not start: %v\n$ %s\n%s", err, dynCommandLine(p.dir, p.setEnv, argv), dynTail(srv.proc.out.String(), dynTailLines))
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("baseline: %s", dynCommandLine(p.dir, p.setEnv, argv))
	return benchBaselineServer{srv: srv, auth: "Token " + benchLastLine(token)}
}

func benchLastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// benchHeaders are what a client behind the TLS-terminating proxy sends.
func benchHeaders(tg *benchTarget) map[string]string {
	return map[string]string{
		"Host":              dynPublicHost,
		"X-Forwarded-Proto": "https",
		"Accept":            "application/json",
		"Authorization":     tg.auth,
	}
}

// benchPickItem checks that the list answers a full page, and returns the
// path of its first item.
func benchPickItem(t *testing.T, tg *benchTarget) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, tg.base+tg.collection, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range benchHeaders(tg) {
		req.Header.Set(k, v)
	}
	req.Host = dynPublicHost
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Count   int              `json:"count"`
		Results []map[string]any `json:"results"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &page) != nil || page.Count != 1000 || len(page.Results) == 0 {
		t.Fatalf("%s: GET %s: status %d, want a page of 1000 items:\n%s", tg.name, tg.collection, resp.StatusCode, dynShorten(body, 2000))
	}
	id, ok := page.Results[0]["id"].(float64)
	if !ok {
		t.Fatalf("%s: GET %s: the first item has no numeric id: %v", tg.name, tg.collection, page.Results[0])
	}
	return fmt.Sprintf("%s%d/", tg.collection, int64(id))
}

// benchResult is one wrk run.
type benchResult struct {
	rate     float64 // requests per second
	p50, p99 time.Duration
}

// benchRunWrk runs wrk against one endpoint of tg, and fails on any answer
// other than 200 or any socket error.
func benchRunWrk(t *testing.T, wrk string, tg *benchTarget, path string, connections, seconds int) benchResult {
	t.Helper()
	argv := []string{wrk, "-t1", "-c" + strconv.Itoa(connections), "-d" + strconv.Itoa(seconds) + "s", "--timeout", "10s", "--latency"}
	headers := benchHeaders(tg)
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		argv = append(argv, "-H", k+": "+headers[k])
	}
	argv = append(argv, tg.base+path)
	out, err := dynRunCommand(os.TempDir(), os.Environ(), argv, time.Duration(seconds)*time.Second+time.Minute)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	res, err := benchParseWrk(out)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tg.name, path, err, out)
	}
	return res
}

// benchParseWrk reads the rate and the latency percentiles from wrk
// --latency's report, which must show no errors.
func benchParseWrk(out string) (benchResult, error) {
	var res benchResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return res, fmt.Errorf("rate %q: %w", f[1], err)
			}
			res.rate = v
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := benchParseDuration(f[1])
			if err != nil {
				return res, err
			}
			if f[0] == "50%" {
				res.p50 = d
			} else {
				res.p99 = d
			}
		case len(f) > 0 && (f[0] == "Non-2xx" || f[0] == "Socket"):
			return res, fmt.Errorf("errors: %s", sc.Text())
		}
	}
	if res.rate == 0 || res.p50 == 0 || res.p99 == 0 {
		return res, fmt.Errorf("no rate or latency in wrk's report")
	}
	return res, nil
}

// benchParseDuration reads wrk's durations, such as 812.00us, 1.23ms or 2.00s.
func benchParseDuration(s string) (time.Duration, error) {
	for _, unit := range []struct {
		suffix string
		scale  time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}} {
		if v, ok := strings.CutSuffix(s, unit.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, fmt.Errorf("duration %q: %w", s, err)
			}
			return time.Duration(f * float64(unit.scale)), nil
		}
	}
	return 0, fmt.Errorf("duration %q: unknown unit", s)
}

// benchMedian is the median rate and the median latencies of runs.
func benchMedian(runs []benchResult) benchResult {
	var rates, p50, p99 []float64
	for _, r := range runs {
		rates, p50, p99 = append(rates, r.rate), append(p50, float64(r.p50)), append(p99, float64(r.p99))
	}
	return benchResult{rate: benchMid(rates), p50: time.Duration(benchMid(p50)).Round(10 * time.Microsecond),
		p99: time.Duration(benchMid(p99)).Round(10 * time.Microsecond)}
}

// benchMid is the median of v.
func benchMid(v []float64) float64 {
	v = slices.Sorted(slices.Values(v))
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func benchList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(s, " ")
}
