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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/djscaffold/scaffold/internal/generator"
)

// BenchmarkAPI measures the generated project's API beside a minimal
// hand-written DRF project (testdata/baseline): the same model, page size and
// authentication, on the same runtime, PostgreSQL server and number of workers,
// with 1,000 items each. scripts/bench-api runs it; README.md, "The generated
// API", shows its tables. It prints, in this order: the load average before
// the run; where the time goes, in one process (testdata/apiprofile.py): the
// default project's list and detail views through Django's WSGI handler, whole
// and with each part taken away, beside the baseline's, in interleaved rounds;
// then, for each server and authentication (gunicorn and uvicorn, token and
// JWT), wrk on 127.0.0.1 asking both servers for one page of the list and for
// one item, in paired rounds that alternate between the two servers, with the
// rate, the latencies and the CPU time per request of each server's processes
// (user and system, from /proc: what the load of other processes barely
// changes), and a result line per server and authentication. Last comes the
// default project's line:
//
//	api: generated N req/s, baseline M req/s, ratio R; CPU per request ratio C; load average A before, B after
//
// where each rate is the mean of the two endpoints' median rates, and the
// ratios are medians of the rounds' ratios: the two servers of one round ran
// under the same load. A result line taken on a busy machine says so (see
// benchWatch): it is not a quiet-machine figure.
//
// It runs with SCAFFOLD_BENCH=1. It takes the Django 5.2 runtime and PostgreSQL
// from the environment that .ci/run exports, else from .ci/run's cache, and else
// builds and starts them as .ci/run does; with SCAFFOLD_PY_6_1 set, it profiles
// a Django 6.1 project too. SCAFFOLD_BENCH_SECONDS sets how long each wrk run
// lasts (default 4), SCAFFOLD_BENCH_ROUNDS how many rounds there are (default 7),
// SCAFFOLD_BENCH_PROFILE_ROUNDS the rounds of the profile (default 15, 0 skips it),
// SCAFFOLD_BENCH_CONFIGS which servers and authentications run (default
// "gunicorn-token gunicorn-jwt uvicorn-token uvicorn-jwt").
func BenchmarkAPI(b *testing.B) {
	if os.Getenv("SCAFFOLD_BENCH") == "" {
		b.Skip("SCAFFOLD_BENCH is not set: the API benchmark takes about 20 minutes and the whole machine (scripts/bench-api)")
	}
	seconds, rounds := benchSetting(b, "SCAFFOLD_BENCH_SECONDS", 4, 1), benchSetting(b, "SCAFFOLD_BENCH_ROUNDS", 7, 1)
	profileRounds := benchSetting(b, "SCAFFOLD_BENCH_PROFILE_ROUNDS", 15, 0)
	configs := benchConfigs(b)
	env := benchRuntime(b)
	wrk := benchWrk(b)
	watch := benchStartWatch()
	fmt.Printf("load average before: %s; %d cores; %s\n", watch.before, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))

	base := benchBaseline(b, env, "5.2")
	gens := map[benchConfig]*benchGenerated{}
	generated := func(c benchConfig) *benchGenerated {
		if gens[c] == nil {
			gens[c] = benchGenerate(b, env, c, "5.2")
		}
		return gens[c]
	}
	if profileRounds > 0 {
		def := generated(benchConfig{server: "gunicorn", auth: "token"})
		fmt.Print(benchProfile(b, def, base, profileRounds, "Django 5.2"))
		if py := os.Getenv("SCAFFOLD_PY_6_1"); py != "" {
			env.python["6.1"] = py
			def61 := benchGenerate(b, env, benchConfig{server: "gunicorn", auth: "token"}, "6.1")
			base61 := benchBaseline(b, env, "6.1")
			fmt.Print(benchProfile(b, def61, base61, profileRounds, "Django 6.1"))
		}
	}

	var results []benchConfigResult
	for _, c := range configs {
		res := benchRunConfig(b, wrk, generated(c), base, c, seconds, rounds)
		results = append(results, res)
		fmt.Println(res.line(watch))
	}
	after := benchLoadAverage()
	var b2 strings.Builder
	fmt.Fprintf(&b2, "\nsummary (load average %s before, %s after; other processes' load: the CPU time that processes other than the servers, wrk and PostgreSQL used, per second)\n", watch.before, after)
	for _, r := range results {
		fmt.Fprintln(&b2, r.line(watch))
	}
	main := results[0]
	for _, r := range results {
		if r.config == (benchConfig{server: "gunicorn", auth: "token"}) {
			main = r
		}
	}
	fmt.Fprintf(&b2, "api: generated %.0f req/s, baseline %.0f req/s, ratio %.2f; CPU per request ratio %.2f; load average %s before, %s after%s",
		main.genRate, main.baseRate, main.ratio, main.cpuRatio, watch.before, after, watch.verdict(main.otherLoad))
	// Printed, not logged, so that the last line stays the figure with or without -v.
	fmt.Println(b2.String())
	b.ReportMetric(main.ratio, "ratio")
	b.ReportMetric(main.cpuRatio, "cpu-ratio")
}

// benchConfig is a server and an authentication that both projects run with.
type benchConfig struct {
	server string // gunicorn (sync workers, WSGI) or uvicorn (gunicorn with uvicorn's worker, ASGI)
	auth   string // token or jwt
}

func (c benchConfig) String() string { return c.server + " " + c.auth }

func benchConfigs(t testing.TB) []benchConfig {
	spec := os.Getenv("SCAFFOLD_BENCH_CONFIGS")
	if spec == "" {
		spec = "gunicorn-token gunicorn-jwt uvicorn-token uvicorn-jwt"
	}
	var out []benchConfig
	for _, f := range strings.Fields(spec) {
		server, auth, _ := strings.Cut(f, "-")
		if (server != "gunicorn" && server != "uvicorn") || (auth != "token" && auth != "jwt") {
			t.Fatalf("SCAFFOLD_BENCH_CONFIGS: %q: want SERVER-AUTH, SERVER gunicorn or uvicorn, AUTH token or jwt", f)
		}
		out = append(out, benchConfig{server: server, auth: auth})
	}
	return out
}

// benchGenerated is a generated project, migrated, with a superuser and 1,000 items.
type benchGenerated struct {
	p      *dynProject
	config benchConfig
}

func benchGenerate(t testing.TB, env *dynEnv, c benchConfig, django string) *benchGenerated {
	o := generator.DefaultOptions()
	o.Name = "benchapi"
	o.Django, o.Auth, o.Server = django, c.auth, c.server
	name := "bench-" + c.server + "-" + c.auth + "-" + strings.ReplaceAll(django, ".", "")
	gen := dynNewProject(t, env, dynCombo{name: name, opts: o}, 0)
	gen.generate()
	gen.readImage()
	gen.productionEnv()
	gen.manage("migrate", "migrate", "--noinput")
	gen.collectstatic()
	gen.run("createsuperuser", 3*time.Minute, []string{
		"DJANGO_SUPERUSER_USERNAME=" + gen.user, "DJANGO_SUPERUSER_PASSWORD=" + gen.pass, "DJANGO_SUPERUSER_EMAIL=bench@example.com",
	}, gen.py, "manage.py", "createsuperuser", "--noinput")
	gen.manage("load items", "shell", "-c", benchLoadItems(o.Resource+".models"))
	return &benchGenerated{p: gen, config: c}
}

// benchProfile runs testdata/apiprofile.py in the default project and in the
// baseline, a round of each in turn, and returns the table of where the time goes.
func benchProfile(t testing.TB, gen *benchGenerated, base *benchBaselineProject, rounds int, label string) string {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("testdata", "apiprofile.py"))
	if err != nil {
		t.Fatal(err)
	}
	genToken := benchLastLine(gen.p.manage("profile token", "shell", "-c", benchTokenScript(gen.p.user)))
	genEnv := append(gen.p.imageEnv(dynBehindProxy), "DJANGO_SETTINGS_MODULE=config.settings", "BENCH_HOST="+dynPublicHost)
	baseEnv := append(append([]string{}, base.p.base...), "DJANGO_SETTINGS_MODULE=baseline.settings", "BENCH_HOST="+dynPublicHost)
	// Three passes of each, in turn, so that neither project always runs in the
	// other's wake; within a pass, the variants alternate every round.
	const passes = 3
	per := (rounds + passes - 1) / passes
	var rows []benchProfileRow
	for pass := range passes {
		first := pass * per
		runGen := func() {
			rows = append(rows, benchRunProfile(t, gen.p.dir, genEnv, gen.p.py, script, "Token "+genToken, "/api/"+gen.p.combo.opts.Resource+"/", first, per, false)...)
		}
		runBase := func() {
			rows = append(rows, benchRunProfile(t, base.p.dir, baseEnv, base.p.py, script, base.token, "/api/items/", first, per, true)...)
		}
		if pass%2 == 0 {
			runGen()
			runBase()
		} else {
			runBase()
			runGen()
		}
	}
	rounds = passes * per
	return benchProfileTable(rows, rounds, label)
}

// benchProfileRow is one line of apiprofile.py's output.
type benchProfileRow struct {
	Variant string   `json:"variant"`
	Path    string   `json:"path"`
	Round   int      `json:"round"`
	CPU     float64  `json:"cpu_us"`
	DB      *float64 `json:"db_us"`
	Wall    float64  `json:"wall_us"`
	Queries int      `json:"queries"`
	Calls   int      `json:"calls"`
}

func benchRunProfile(t testing.TB, dir string, env []string, py, script, auth, list string, first, rounds int, baseline bool) []benchProfileRow {
	t.Helper()
	argv := []string{py, script, "--auth", auth, "--list", list, "--offset", strconv.Itoa(first), "--rounds", strconv.Itoa(rounds)}
	if baseline {
		argv = append(argv, "--only", "baseline")
	}
	out, err := dynRunCommand(dir, env, argv, 15*time.Minute)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv[:2], " "), err, dynTail(out, dynTailLines))
	}
	var rows []benchProfileRow
	for line := range strings.Lines(out) {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var row benchProfileRow
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("apiprofile.py: %v: %s", err, line)
		}
		if baseline {
			row.Variant = "baseline"
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatalf("apiprofile.py printed no measurement:\n%s", dynTail(out, dynTailLines))
	}
	return rows
}

// benchProfileTable shows, per path, the baseline and the whole project, then
// what each part costs: the whole project less the project without it (or the
// project with it less the whole one), paired within each round, as medians.
func benchProfileTable(rows []benchProfileRow, rounds int, label string) string {
	type key struct{ variant, path string }
	byRound := map[key]map[int]benchProfileRow{}
	var order []string
	for _, r := range rows {
		k := key{r.Variant, r.Path}
		if byRound[k] == nil {
			byRound[k] = map[int]benchProfileRow{}
			if r.Path == "list" {
				order = append(order, r.Variant)
			}
		}
		byRound[k][r.Round] = r
	}
	const whole = "whole project"
	cell := func(v, path string, diff bool) string {
		var cpu, db, calls []float64
		q := 0
		for r := range rounds {
			row, ok := byRound[key{v, path}][r]
			ref, okRef := byRound[key{whole, path}][r]
			if !ok || (diff && !okRef) {
				continue
			}
			q = row.Queries
			c, d, n := row.CPU, row.DB, float64(row.Calls)
			if diff {
				sign := 1.0
				if strings.HasPrefix(v, "without") {
					sign = -1
				}
				c = sign * (c - ref.CPU)
				n = sign * (n - float64(ref.Calls))
				if d != nil && ref.DB != nil {
					x := sign * (*d - *ref.DB)
					d = &x
				} else {
					d = nil
				}
				qd := row.Queries - ref.Queries
				if sign < 0 {
					qd = -qd
				}
				q = qd
			}
			cpu = append(cpu, c)
			calls = append(calls, n)
			if d != nil {
				db = append(db, *d)
			}
		}
		if len(cpu) == 0 {
			return fmt.Sprintf("%35s", "-")
		}
		dbs := "-"
		if len(db) > 0 {
			dbs = fmt.Sprintf("%.0f", benchMid(db))
			if diff {
				dbs = fmt.Sprintf("%+.0f", benchMid(db))
			}
		}
		if diff {
			return fmt.Sprintf("%+10.0f %8s %+8d %+6.0f", benchMid(cpu), dbs, q, benchMid(calls))
		}
		return fmt.Sprintf("%10.0f %8s %8d %6.0f", benchMid(cpu), dbs, q, benchMid(calls))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nin one process, %s: µs of CPU per request of the Django process (cpu) and of its PostgreSQL backend (db), statements (q) and Python calls (calls); medians of %d interleaved rounds\n", label, rounds)
	fmt.Fprintf(&b, "%-62s %10s %8s %8s %6s %10s %8s %8s %6s\n", "", "list cpu", "db", "q", "calls", "item cpu", "db", "q", "calls")
	fmt.Fprintf(&b, "%-62s %s %s\n", "baseline (hand-written)", cell("baseline", "list", false), cell("baseline", "detail", false))
	fmt.Fprintf(&b, "%-62s %s %s\n", "generated, "+whole, cell(whole, "list", false), cell(whole, "detail", false))
	for _, v := range order {
		if v == whole || v == "baseline" {
			continue
		}
		fmt.Fprintf(&b, "  %-60s %s %s\n", benchPartName(v), cell(v, "list", true), cell(v, "detail", true))
	}
	return b.String()
}

// benchPartName turns a variant ("without X", "with X") into the part it costs.
func benchPartName(v string) string {
	if s, ok := strings.CutPrefix(v, "without "); ok {
		return s
	}
	if s, ok := strings.CutPrefix(v, "with "); ok {
		return s + " (if added)"
	}
	return v
}

// benchTokenScript prints a new sign-in token of the user: the generated
// project's own hashed, per-device tokens (config.models.SignInToken).
func benchTokenScript(user string) string {
	return "from django.contrib.auth import get_user_model\n" +
		"from config.models import SignInToken\n" +
		"print(SignInToken.issue(get_user_model().objects.get(username=" + strconv.Quote(user) + "), \"bench\")[1])\n"
}

// benchConfigResult is the paired comparison of one server and authentication.
type benchConfigResult struct {
	config            benchConfig
	genRate, baseRate float64
	ratio, cpuRatio   float64
	genCPU, baseCPU   float64 // µs of the servers' CPU per request, the mean of the endpoints' medians
	otherLoad         float64 // median over the rounds
}

func (r benchConfigResult) line(w *benchWatch) string {
	return fmt.Sprintf("api %s: generated %.0f req/s (%.0f µs CPU/req), baseline %.0f req/s (%.0f µs CPU/req), ratio %.2f; CPU per request ratio %.2f; other processes' load %.2f%s",
		r.config, r.genRate, r.genCPU, r.baseRate, r.baseCPU, r.ratio, r.cpuRatio, r.otherLoad, w.verdict(r.otherLoad))
}

// benchRunConfig serves both projects with one server and authentication, and
// runs the paired rounds.
func benchRunConfig(t testing.TB, wrk string, gen *benchGenerated, base *benchBaselineProject, c benchConfig, seconds, rounds int) benchConfigResult {
	t.Helper()
	o := gen.p.combo.opts
	genSrv := gen.p.benchServer()
	defer genSrv.proc.stop()
	h := &dynHTTP{p: gen.p, srv: genSrv, client: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	h.signIn()
	workers := benchWorkers(t, genSrv.proc.cmd.Process.Pid)
	t.Logf("generated (%s): %s, %d workers", c, dynCommandLine(gen.p.dir, genSrv.env, genSrv.argv), workers)
	baseSrv, baseAuth := base.serve(t, c, workers)
	defer baseSrv.proc.stop()

	targets := []*benchTarget{
		{name: "generated", base: genSrv.base, auth: h.auth, collection: "/api/" + o.Resource + "/", pgid: genSrv.proc.cmd.Process.Pid},
		{name: "baseline", base: baseSrv.base, auth: baseAuth, collection: "/api/items/", pgid: baseSrv.proc.cmd.Process.Pid},
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
			benchWarmUp(t, wrk, tg, ep.path(tg), connections)
		}
	}
	runs := map[string][]benchResult{} // by target and endpoint
	var others []float64
	for r := range rounds {
		for i := range targets {
			// Alternating which server goes first keeps either from always
			// running in the other's wake.
			tg := targets[(i+r)%len(targets)]
			for _, ep := range endpoints {
				res := benchRunWrk(t, wrk, tg, ep.path(tg), connections, seconds, targets...)
				runs[tg.name+" "+ep.name] = append(runs[tg.name+" "+ep.name], res)
				others = append(others, res.otherLoad)
				t.Logf("round %d, %s %s %s: %.0f req/s, %.0f µs CPU/req, p50 %s, p99 %s, other load %.2f", r+1, tg.name, ep.name, ep.path(tg), res.rate, res.cpu, res.p50, res.p99, res.otherLoad)
			}
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%s: %d workers each, wrk -t1 -c%d, %d rounds of %ds per endpoint; medians of the rounds\n", c, workers, connections, rounds, seconds)
	fmt.Fprintf(&b, "%-10s %-8s %10s %10s %10s %12s\n", "", "", "req/s", "p50", "p99", "CPU µs/req")
	res := benchConfigResult{config: c, otherLoad: benchMid(others)}
	mean := map[string]float64{}
	cpu := map[string]float64{}
	for _, tg := range targets {
		for _, ep := range endpoints {
			m := benchMedian(runs[tg.name+" "+ep.name])
			mean[tg.name] += m.rate / float64(len(endpoints))
			cpu[tg.name] += m.cpu / float64(len(endpoints))
			fmt.Fprintf(&b, "%-10s %-8s %10.0f %10s %10s %12.0f\n", tg.name, ep.name, m.rate, m.p50, m.p99, m.cpu)
		}
	}
	// A round's ratio compares two servers that ran under the same load.
	roundRatios, roundCPU := make([]float64, rounds), make([]float64, rounds)
	for _, ep := range endpoints {
		g, bl := runs["generated "+ep.name], runs["baseline "+ep.name]
		ratios, cpuRatios := make([]float64, rounds), make([]float64, rounds)
		for r := range rounds {
			ratios[r] = g[r].rate / bl[r].rate
			cpuRatios[r] = bl[r].cpu / g[r].cpu
		}
		fmt.Fprintf(&b, "ratio %-8s %.2f (rounds: %s); CPU per request %.2f (rounds: %s)\n", ep.name, benchMid(ratios), benchList(ratios), benchMid(cpuRatios), benchList(cpuRatios))
	}
	for r := range rounds {
		var g, bl, gc, bc float64
		for _, ep := range endpoints {
			g += runs["generated "+ep.name][r].rate
			bl += runs["baseline "+ep.name][r].rate
			gc += runs["generated "+ep.name][r].cpu
			bc += runs["baseline "+ep.name][r].cpu
		}
		roundRatios[r], roundCPU[r] = g/bl, bc/gc
	}
	res.genRate, res.baseRate = mean["generated"], mean["baseline"]
	res.genCPU, res.baseCPU = cpu["generated"], cpu["baseline"]
	res.ratio, res.cpuRatio = benchMid(roundRatios), benchMid(roundCPU)
	fmt.Print(b.String())
	return res
}

// benchWatch tells a quiet machine from a busy one. The 1-minute load average
// before the run says whether others were busy when it began; during it, the
// benchmark's own servers, wrk and PostgreSQL raise the load average by
// themselves, so each round measures instead the CPU time that all other
// processes used per second (benchOtherLoad). A result is a quiet machine's when
// the load average before the run was at most 1.5 and the median of its rounds'
// other load at most 0.5 (a quiet machine shows a few hundredths).
type benchWatch struct {
	before  string
	loadNow float64
}

const (
	benchQuietLoad  = 1.5
	benchQuietOther = 0.5
)

func benchStartWatch() *benchWatch {
	w := &benchWatch{before: benchLoadAverage()}
	w.loadNow, _ = strconv.ParseFloat(strings.Fields(w.before + " 0")[0], 64)
	return w
}

// verdict is what a result line adds when the machine was busy.
func (w *benchWatch) verdict(other float64) string {
	var why []string
	if w.loadNow > benchQuietLoad {
		why = append(why, fmt.Sprintf("the load average was %.2f before the run (above %.1f)", w.loadNow, benchQuietLoad))
	}
	if other > benchQuietOther {
		why = append(why, fmt.Sprintf("other processes' load was %.2f (above %.1f)", other, benchQuietOther))
	}
	if len(why) == 0 {
		return ""
	}
	return "; LOADED, not a quiet-machine figure: " + strings.Join(why, " and ")
}

// benchLoadAverage is the first three fields of /proc/loadavg.
func benchLoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// benchTarget is one of the two servers under test.
type benchTarget struct {
	name       string
	base       string // http://127.0.0.1:PORT
	auth       string // Authorization header
	collection string // the list's path
	detail     string // one item's path
	pgid       int    // the server's process group: its master and workers
}

func benchSetting(t testing.TB, name string, def, least int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		t.Fatalf("%s=%q: want a whole number from %d", name, v, least)
	}
	return n
}

// benchRuntime finds the Django 5.2 runtime and PostgreSQL: from .ci/run's
// environment, from its cache, or by running the runtime script the way
// .ci/run runs it, which also starts the servers when they are down.
func benchRuntime(t testing.TB) *dynEnv {
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

func benchCache(t testing.TB) string {
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
func benchBuildRuntime(t testing.TB, cache, envFile string) {
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
func benchRuntimeScript(t testing.TB) string {
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
func benchWrk(t testing.TB) string {
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
	extra := append([]string{fmt.Sprintf("PORT=%d", port), "GUNICORN_CMD_ARGS=--bind=" + addr}, dynBehindProxy...)
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
func benchWorkers(t testing.TB, pgid int) int {
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

// benchBaselineProject is the hand-written project, set up: its database with
// 1,000 items, and a user with an API token.
type benchBaselineProject struct {
	p     *dynProject
	token string // Authorization header for token authentication
	jwt   string // for JWT authentication
}

// benchBaseline sets up testdata/baseline on the runtime of a Django release.
func benchBaseline(t testing.TB, env *dynEnv, django string) *benchBaselineProject {
	t.Helper()
	o := generator.DefaultOptions()
	o.Name, o.Django = "baseline", django
	p := dynNewProject(t, env, dynCombo{name: "bench-baseline-" + strings.ReplaceAll(django, ".", ""), opts: o}, 0)
	if err := os.CopyFS(p.dir, os.DirFS(filepath.Join("testdata", "baseline"))); err != nil {
		t.Fatal(err)
	}
	p.productionEnv()
	p.manage("baseline migrate", "migrate", "--noinput", "--run-syncdb")
	p.manage("baseline load items", "shell", "-c", benchLoadItems("items.models"))
	keys := p.manage("baseline token", "shell", "-c",
		"from django.contrib.auth.models import User\n"+
			"from rest_framework.authtoken.models import Token\n"+
			"from rest_framework_simplejwt.tokens import AccessToken\n"+
			"user = User.objects.create_user('bench', password=None)\n"+
			"print(Token.objects.create(user=user).key, AccessToken.for_user(user))\n")
	f := strings.Fields(benchLastLine(keys))
	if len(f) != 2 {
		t.Fatalf("baseline token: want a token and a JWT, got %q", benchLastLine(keys))
	}
	return &benchBaselineProject{p: p, token: "Token " + f[0], jwt: "Bearer " + f[1]}
}

// serve starts the baseline with the server and authentication of c, with
// gunicorn's defaults and the given number of workers, and returns it with the
// Authorization header to send.
func (bp *benchBaselineProject) serve(t testing.TB, c benchConfig, workers int) (*dynServer, string) {
	t.Helper()
	p := bp.p
	port, err := dynFreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	app, setEnv := "baseline.wsgi:application", []string{"BASELINE_AUTH=" + c.auth}
	argv := []string{filepath.Join(p.bin, "gunicorn"), "--bind", addr, "--workers", strconv.Itoa(workers)}
	if c.server == "uvicorn" {
		// As Django advises for ASGI: no persistent connections, which would pile up
		// across the threads that run the views.
		app, setEnv = "baseline.asgi:application", append(setEnv, "BASELINE_CONN_MAX_AGE=0")
		argv = append(argv, "--worker-class", "uvicorn_worker.UvicornWorker")
	}
	argv = append(argv, app)
	env := append(append([]string{}, p.base...), setEnv...)
	srv := &dynServer{base: "http://" + addr, argv: argv, env: append(append([]string{}, p.setEnv...), setEnv...), fullEnv: env}
	if srv.proc, err = dynStartProc(t, "baseline", p.dir, env, argv); err != nil {
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
			t.Fatalf("baseline did not start: %v\n$ %s\n%s", err, dynCommandLine(p.dir, srv.env, argv), dynTail(srv.proc.out.String(), dynTailLines))
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("baseline (%s): %s", c, dynCommandLine(p.dir, srv.env, argv))
	auth := bp.token
	if c.auth == "jwt" {
		auth = bp.jwt
	}
	return srv, auth
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
func benchPickItem(t testing.TB, tg *benchTarget) string {
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
	rate      float64 // requests per second
	p50, p99  time.Duration
	requests  int
	cpu       float64 // µs of CPU time of the server's processes per request
	otherLoad float64 // CPU seconds per second that other processes used (benchOtherLoad)
}

// benchWarmUp runs wrk for 2 s against one endpoint of tg, and fails only on
// errors: on a busy machine a slow server may complete no request that soon.
func benchWarmUp(t testing.TB, wrk string, tg *benchTarget, path string, connections int) {
	t.Helper()
	argv := []string{wrk, "-t1", "-c" + strconv.Itoa(connections), "-d2s", "--timeout", "10s"}
	headers := benchHeaders(tg)
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		argv = append(argv, "-H", k+": "+headers[k])
	}
	argv = append(argv, tg.base+path)
	out, err := dynRunCommand(os.TempDir(), os.Environ(), argv, time.Minute)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	if strings.Contains(out, "Non-2xx") || strings.Contains(out, "Socket errors") {
		t.Fatalf("%s %s: errors while warming up:\n%s", tg.name, path, out)
	}
}

// benchRunWrk runs wrk against one endpoint of tg, and fails on any answer
// other than 200 or any socket error. It measures the CPU time of tg's
// processes, and the load of every process but those of all (see benchOtherLoad).
func benchRunWrk(t testing.TB, wrk string, tg *benchTarget, path string, connections, seconds int, all ...*benchTarget) benchResult {
	t.Helper()
	argv := []string{wrk, "-t1", "-c" + strconv.Itoa(connections), "-d" + strconv.Itoa(seconds) + "s", "--timeout", "10s", "--latency"}
	headers := benchHeaders(tg)
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		argv = append(argv, "-H", k+": "+headers[k])
	}
	argv = append(argv, tg.base+path)
	groups := []int{tg.pgid}
	for _, o := range all {
		if o != tg {
			groups = append(groups, o.pgid)
		}
	}
	before := benchTakeCPU(groups)
	out, err := dynRunCommand(os.TempDir(), os.Environ(), argv, time.Duration(seconds)*time.Second+time.Minute)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	after := benchTakeCPU(groups)
	res, err := benchParseWrk(out)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tg.name, path, err, out)
	}
	res.cpu = (after.groups[0] - before.groups[0]) / float64(res.requests) * 1e6
	res.otherLoad = benchOtherLoad(before, after)
	return res
}

// benchCPU is a snapshot of CPU times, in seconds.
type benchCPU struct {
	at       time.Time
	busy     float64   // the machine's, from /proc/stat, steal included
	groups   []float64 // each server's process group, with its reaped children
	postgres float64   // every PostgreSQL process, with its reaped backends
	self     float64   // this process, with wrk once reaped
}

// benchTick is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const benchTick = 100.0

func benchTakeCPU(groups []int) benchCPU {
	s := benchCPU{at: time.Now(), groups: make([]float64, len(groups))}
	if data, err := os.ReadFile("/proc/stat"); err == nil {
		f := strings.Fields(strings.SplitN(string(data), "\n", 2)[0])
		// cpu user nice system idle iowait irq softirq steal ...
		for i, v := range f[1:min(len(f), 9)] {
			if i == 3 || i == 4 {
				continue // idle, iowait
			}
			n, _ := strconv.ParseFloat(v, 64)
			s.busy += n / benchTick
		}
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		comm, pgrp, cpu, ok := benchProcCPU(filepath.Join("/proc", e.Name(), "stat"))
		if !ok {
			continue
		}
		if comm == "postgres" {
			s.postgres += cpu
		}
		for i, g := range groups {
			if pgrp == g {
				s.groups[i] += cpu
			}
		}
	}
	if _, _, cpu, ok := benchProcCPU("/proc/self/stat"); ok {
		s.self = cpu
	}
	return s
}

// benchProcCPU reads a process's name, process group and CPU time (utime,
// stime, cutime and cstime, in seconds) from its /proc/PID/stat.
func benchProcCPU(file string) (comm string, pgrp int, cpu float64, ok bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", 0, 0, false
	}
	s := string(data)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, 0, false
	}
	// After "pid (comm)": state ppid pgrp session tty_nr tpgid flags minflt
	// cminflt majflt cmajflt utime stime cutime cstime ...
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return "", 0, 0, false
	}
	pgrp, _ = strconv.Atoi(f[2])
	for _, v := range f[11:15] {
		n, _ := strconv.ParseFloat(v, 64)
		cpu += n / benchTick
	}
	return s[open+1 : end], pgrp, cpu, true
}

// benchOtherLoad is the CPU time that processes other than the servers,
// PostgreSQL and this one (with wrk) used between two snapshots, per second: how
// many cores others kept busy. It stands in for the load average, which the
// benchmark's own processes raise.
func benchOtherLoad(before, after benchCPU) float64 {
	ours := (after.postgres - before.postgres) + (after.self - before.self)
	for i := range before.groups {
		ours += after.groups[i] - before.groups[i]
	}
	other := (after.busy - before.busy) - ours
	return max(0, other/after.at.Sub(before.at).Seconds())
}

// benchParseWrk reads the rate and the latency percentiles from wrk
// --latency's report, which must show no errors.
func benchParseWrk(out string) (benchResult, error) {
	var res benchResult
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) > 3 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return res, fmt.Errorf("requests %q: %w", f[0], err)
			}
			res.requests = n
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
	if res.rate == 0 || res.p50 == 0 || res.p99 == 0 || res.requests == 0 {
		return res, fmt.Errorf("no rate, request count or latency in wrk's report")
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

// benchMedian is the median rate, latencies and CPU time of runs.
func benchMedian(runs []benchResult) benchResult {
	var rates, p50, p99, cpu []float64
	for _, r := range runs {
		rates, p50, p99, cpu = append(rates, r.rate), append(p50, float64(r.p50)), append(p99, float64(r.p99)), append(cpu, r.cpu)
	}
	return benchResult{rate: benchMid(rates), p50: time.Duration(benchMid(p50)).Round(10 * time.Microsecond),
		p99: time.Duration(benchMid(p99)).Round(10 * time.Microsecond), cpu: benchMid(cpu)}
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
