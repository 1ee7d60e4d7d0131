package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// dynServer is the project's web server, started as the image starts it.
type dynServer struct {
	proc    *dynProc
	base    string // http://127.0.0.1:PORT
	argv    []string
	env     []string // what the suite set, for failure messages
	fullEnv []string
}

// imageEnv is the environment of a process in the container: the image's ENV,
// then what `docker run -e` would set, which wins. PATH and VIRTUAL_ENV point
// into the image and are left out; the runtime's bin folder replaces them.
func (p *dynProject) imageEnv(extra []string) []string {
	return append(append(dynBaseEnv(p.bin), "XDG_RUNTIME_DIR="+p.root, "PYTHONPATH="+p.shim), p.imageSetEnv(extra)...)
}

// imageSetEnv is the part of imageEnv that the suite sets, shown in failures.
func (p *dynProject) imageSetEnv(extra []string) []string {
	var env []string
	for _, kv := range p.image.Env {
		if kv[0] == "PATH" || kv[0] == "VIRTUAL_ENV" || strings.Contains(kv[1], "$") {
			continue
		}
		env = append(env, kv[0]+"="+kv[1])
	}
	env = append(env, p.setEnv...)
	return append(env, extra...)
}

// dynBehindProxy is what a server behind one TLS-terminating proxy is told: the
// suite's clients play that proxy on 127.0.0.1, sending X-Forwarded-Proto and
// appending the address they connect from to X-Forwarded-For.
var dynBehindProxy = []string{"DJANGO_NUM_PROXIES=1", "FORWARDED_ALLOW_IPS=127.0.0.0/8"}

func dynFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startServer runs the Dockerfile's ENTRYPOINT and CMD on a free local port and
// waits until /health/ answers; more are settings added to its environment.
func (p *dynProject) startServer(more ...string) *dynServer {
	const step = "7 server start"
	start := time.Now()
	for attempt := 1; ; attempt++ {
		port, err := dynFreePort()
		if err != nil {
			p.fail(step, "no free port: %v", err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		argv, found := dynBindTo(append(append([]string{}, p.image.Entrypoint...), p.image.Cmd...), addr)
		var extra []string
		if !found {
			// Without an address in the command, gunicorn listens on 0.0.0.0:$PORT, as
			// platforms such as Cloud Run expect; setting only PORT tests that path.
			extra = append(extra, fmt.Sprintf("PORT=%d", port))
		}
		// Two workers, as the checks of the sign-in limit across workers need. The
		// limit's window is an hour instead of a minute: on a busy machine 21
		// password checks may take longer than a minute, and the oldest would
		// leave the window before the 21st attempt.
		extra = append(extra, "WEB_CONCURRENCY=2", "DJANGO_SIGN_IN_RATE=20/hour", fmt.Sprintf("DJANGO_REFRESH_RATE=%d/hour", dynRefreshLimit),
			fmt.Sprintf("DJANGO_SIGN_IN_ACCOUNT_RATE=%d/hour", dynAccountLimit))
		extra = append(extra, dynBehindProxy...)
		extra = append(extra, more...)
		env := p.imageEnv(extra)
		argv[0] = p.resolveProgram(step, argv[0], env)
		srv := &dynServer{base: "http://" + addr, argv: argv, env: p.imageSetEnv(extra), fullEnv: env}
		srv.proc, err = dynStartProc(p.t, "server", p.dir, env, argv)
		if err != nil {
			p.fail(step, "%v\n$ %s", err, dynCommandLine(p.dir, srv.env, argv))
		}
		err = srv.waitHealthy(90 * time.Second)
		if err == nil {
			p.timed(step, start)
			p.healthcheck(srv)
			return srv
		}
		log := srv.proc.out.String()
		if attempt < 3 && srv.proc.exited() && strings.Contains(log, "already in use") {
			continue // another process took the port between the probe and the bind
		}
		p.fail(step, "%v\n$ %s\nserver log:\n%s", err, dynCommandLine(p.dir, srv.env, argv), dynTail(log, dynTailLines))
	}
}

// healthcheck runs the image's HEALTHCHECK command beside the server, as Docker
// runs it inside the container.
func (p *dynProject) healthcheck(srv *dynServer) {
	const step = "7 HEALTHCHECK"
	if len(p.image.Healthcheck) == 0 {
		p.fail(step, "the Dockerfile's final stage has no HEALTHCHECK")
	}
	start := time.Now()
	// In the container the check finds the server as PID 1; here it is told.
	argv := append(append([]string{}, p.image.Healthcheck...), srv.argv...)
	argv[0] = p.resolveProgram(step, argv[0], srv.fullEnv)
	out, err := dynRunCommand(p.dir, srv.fullEnv, argv, time.Minute)
	if err != nil {
		p.fail(step, "%v\n$ %s\n%s\nserver log:\n%s", err, dynCommandLine(p.dir, srv.env, argv), dynTail(out, dynTailLines),
			dynTail(srv.proc.out.String(), dynTailLines))
	}
	p.timed(step, start)
}

// resolveProgram finds the program of an image command: the image copies its
// entrypoint script from the project, and installs the rest on PATH.
func (p *dynProject) resolveProgram(step, name string, env []string) string {
	local := filepath.Join(p.dir, filepath.Base(name))
	if info, err := os.Stat(local); err == nil && !info.IsDir() {
		if info.Mode()&0o111 == 0 {
			p.fail(step, "%s is not executable, so the image cannot run it", filepath.Base(name))
		}
		return local
	}
	var path string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	resolved, err := dynLookPath(name, path)
	if err != nil {
		p.fail(step, "%v", err)
	}
	return resolved
}

// waitHealthy polls /health/ until the server answers at all; checkHTTP then
// looks at what it answered.
func (s *dynServer) waitHealthy(timeout time.Duration) error {
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(timeout)
	for {
		req, err := http.NewRequest(http.MethodGet, s.base+"/health/", nil)
		if err != nil {
			return err
		}
		req.Host = "localhost"
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		if s.proc.exited() {
			return fmt.Errorf("the server exited (%v) before answering /health/", s.proc.err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server did not answer %s/health/ within %s", s.base, timeout)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// workerHealthcheck runs the image's HEALTHCHECK as a worker container would:
// it must ping this very worker through the broker.
func (p *dynProject) workerHealthcheck(w *dynProc) {
	const step = "8 worker HEALTHCHECK"
	start := time.Now()
	env := p.imageEnv(nil)
	argv := append(append([]string{}, p.image.Healthcheck...), w.cmd.Args[1:]...)
	argv[0] = p.resolveProgram(step, argv[0], env)
	out, err := dynRunCommand(p.dir, env, argv, time.Minute)
	if err != nil {
		p.fail(step, "%v\n$ %s\n%s\nworker log:\n%s", err, dynCommandLine(p.dir, p.imageSetEnv(nil), argv), dynTail(out, dynTailLines),
			dynTail(w.out.String(), dynTailLines))
	}
	p.timed(step, start)
}
