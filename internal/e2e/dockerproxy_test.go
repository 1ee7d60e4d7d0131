package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// The production stack as clients reach it: through its TLS proxy (Caddy, the
// proxy service), over HTTPS, with Caddy's local CA for localhost.

// dockerProxyBodyLimit is the proxy's limit on request bodies in the stage
// (PROXY_MAX_BODY_SIZE), under Django's own, so that the proxy's shows.
const dockerProxyBodyLimit = "1MB"

// caddyRootCA is where Caddy keeps the root certificate of its local CA.
const caddyRootCA = "/data/caddy/pki/authorities/local/root.crt"

// dockerProxy is the production stack's way in.
type dockerProxy struct {
	base     string // https://localhost:PORT, PORT the one published on 127.0.0.1
	host     string // localhost:PORT, the Host a client sends
	httpAddr string // 127.0.0.1:PORT of the proxy's plain HTTP
	client   *http.Client
	rootPEM  []byte
}

// proxy finds the proxy's published ports and its root certificate, and waits
// until it answers /health/ over HTTPS with a certificate that chains to it.
func (s *dockerStack) proxy() (*dockerProxy, error) {
	addr, err := s.publishedAddr("proxy", "443")
	if err != nil {
		return nil, err
	}
	httpAddr, err := s.publishedAddr("proxy", "80")
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	p := &dockerProxy{base: "https://localhost:" + port, host: "localhost:" + port, httpAddr: httpAddr}
	deadline := time.Now().Add(time.Minute)
	for {
		out, err := s.compose(time.Minute, "exec", "-T", "proxy", "cat", caddyRootCA)
		if err == nil && strings.Contains(out, "BEGIN CERTIFICATE") {
			p.rootPEM = []byte(out)
			break
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the proxy has no local CA at %s after a minute: %v", caddyRootCA, err)
		}
		time.Sleep(time.Second)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(p.rootPEM) {
		return nil, fmt.Errorf("%s of the proxy is no PEM certificate", caddyRootCA)
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	p.client = &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{
			// localhost is the name the certificate is for; the port is on 127.0.0.1.
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12},
		},
	}
	var last error
	for deadline = time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		resp, err := p.client.Get(p.base + "/health/")
		if err != nil {
			last = err
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return p, nil
		}
		last = fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil, fmt.Errorf("GET %s/health/ through the proxy: %w", p.base, last)
}

// publishedAddr is where a service's port is published on 127.0.0.1.
func (s *dockerStack) publishedAddr(service, port string) (string, error) {
	out, err := s.compose(time.Minute, "port", service, port)
	if err != nil {
		return "", err
	}
	addr := strings.TrimSpace(out)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		return "", fmt.Errorf("%s's port %s is published on %q, want 127.0.0.1", service, port, addr)
	}
	return addr, nil
}

// proxyCheck runs checks as httpCheck does, through the proxy.
func (s *dockerStack) proxyCheck(px *dockerProxy, step string, check func(h *dynHTTP)) error {
	var logs dynOutput
	p := &dynProject{t: nil, combo: dynCombo{name: s.combo.name, opts: s.combo.opts}, dir: s.dir, user: s.user, pass: s.pass}
	srv := &dynServer{base: px.base, argv: []string{"docker", "compose", "up"}, proc: &dynProc{out: &logs}}
	ok := s.t.Run(step, func(t *testing.T) {
		p.t = t
		check(&dynHTTP{p: p, srv: srv, client: px.client, host: px.host, proxied: true})
	})
	if !ok {
		s.showState()
		return fmt.Errorf("the %s checks failed (above)", step)
	}
	return nil
}

// proxyBehaviour proves what the proxy promises: plain HTTP redirects to HTTPS;
// Django takes the request as HTTPS from the proxy's X-Forwarded-Proto and not
// from the client's (no redirect, and HSTS, which goes only over HTTPS); the
// client's X-Forwarded-For is replaced; a body over the limit is refused.
func (s *dockerStack) proxyBehaviour(px *dockerProxy) error {
	return s.proxyCheck(px, "production proxy", func(h *dynHTTP) {
		const step = "proxy"
		// Plain HTTP: a redirect to the same URL over HTTPS.
		req, _ := http.NewRequest("GET", "http://"+px.httpAddr+"/api/", nil)
		req.Host = "localhost"
		plain := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := plain.Do(req)
		if err != nil {
			h.fail(step, "GET http://localhost/api/ (port 80 of the proxy): %v", err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode/100 != 3 || !strings.HasPrefix(loc, "https://localhost") {
			h.fail(step, "GET http://localhost/api/: status %d, Location %q; want a redirect to https://localhost", resp.StatusCode, loc)
		}
		// A client that claims plain HTTP, over HTTPS: Django believes the proxy.
		resp, _ = h.do(step, dynRequest{method: "GET", path: "/api/", auth: "-", header: map[string]string{"X-Forwarded-Proto": "http"}}, 200, 401, 403)
		if resp.Header.Get("Strict-Transport-Security") == "" {
			h.fail(step, "GET /api/ over HTTPS with a client's X-Forwarded-Proto: http has no Strict-Transport-Security: Django took the request for plain HTTP")
		}
		// A form of 2 MB, which Django reads whole for its CSRF token once the request
		// has the CSRF cookie (its own limit is 2.5 MB), over the proxy's limit, which
		// the stage sets to 1MB (PROXY_MAX_BODY_SIZE): the proxy must stop it.
		page, _ := h.do(step, dynRequest{method: "GET", path: "/admin/login/", auth: "-", header: map[string]string{"Accept": "text/html"}}, 200)
		var cookie string
		for _, ck := range page.Cookies() {
			if strings.HasSuffix(ck.Name, "csrftoken") {
				cookie = ck.Name + "=" + ck.Value
			}
		}
		if cookie == "" {
			h.fail(step, "GET /admin/login/ set no CSRF cookie: %v", page.Header.Values("Set-Cookie"))
		}
		big := "username=" + strings.Repeat("x", 2<<20) + "&csrfmiddlewaretoken=x"
		req, _ = http.NewRequest("POST", px.base+"/admin/login/", strings.NewReader(big))
		req.Host = px.host
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://"+px.host)
		req.Header.Set("Cookie", cookie)
		resp, err = px.client.Do(req)
		if err != nil {
			h.fail(step, "POST of a 2 MB form through the proxy: %v", err)
		}
		resp.Body.Close()
		switch logs, _ := s.compose(time.Minute, "logs", "--no-color", "proxy"); {
		case resp.StatusCode == http.StatusRequestEntityTooLarge:
		case resp.StatusCode == http.StatusBadGateway && strings.Contains(logs, "request body too large"):
			// Caddy before 2.7, such as Debian's stand-in, turns the limit's error into
			// 502 (caddyserver/caddy#5652); the body stopped at the proxy all the same.
			h.p.t.Logf("%s: the stand-in Caddy answers 502 for a body over its limit, which Caddy 2.7 and later answer 413", s.combo.name)
		default:
			h.fail(step, "POST of a 2 MB form through the proxy, whose limit is %s: status %d, want 413", dockerProxyBodyLimit, resp.StatusCode)
		}
		h.p.t.Logf("%s: the proxy redirects HTTP to HTTPS, Django takes its X-Forwarded-Proto over the client's, a body over the proxy's limit stops there", s.combo.name)
	})
}

// forwardedFor proves that the client's X-Forwarded-For does not reach the app:
// a refused sign-in claims an address, and the security log names another one.
func (s *dockerStack) forwardedFor(px *dockerProxy) error {
	if s.combo.opts.Auth == "session" {
		return nil // no JSON sign-in route; the sign-in limit's own tests cover the pages
	}
	const claimed = "203.0.113.77"
	err := s.proxyCheck(px, "production forwarded-for", func(h *dynHTTP) {
		h.do("forwarded-for", dynRequest{method: "POST", path: "/api/auth/token/", auth: "-",
			body:   map[string]string{"username": "e2e-nobody", "password": "wrong"},
			header: map[string]string{"X-Forwarded-For": claimed}}, 400, 401)
	})
	if err != nil {
		return err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := s.compose(time.Minute, "logs", "--no-color", "--no-log-prefix", "web")
		if err != nil {
			return err
		}
		for _, line := range strings.Split(out, "\n") {
			var e map[string]any
			if json.Unmarshal([]byte(strings.TrimSpace(line)), &e) != nil || e["event"] != "sign_in_failed" {
				continue
			}
			client, _ := e["client"].(string)
			if client == claimed {
				return fmt.Errorf("the app took the client's X-Forwarded-For %s for its address: %s", claimed, line)
			}
			if client != "" && client != "-" {
				s.t.Logf("%s: a client claiming %s in X-Forwarded-For is logged as %s, the address the proxy saw", s.combo.name, claimed, client)
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("web logged no sign_in_failed event for the refused sign-in through the proxy")
		}
		time.Sleep(time.Second)
	}
}

// secretNames are the variables that carry a secret of a generated project.
var secretNames = []string{"DJANGO_SECRET_KEY", "DJANGO_JWT_SIGNING_KEY", "DATABASE_URL", "REDIS_PASSWORD",
	"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_CACHE_URL", "DJANGO_EMAIL_HOST_PASSWORD",
	"POSTGRES_PASSWORD", "APP_DB_PASSWORD", "MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD", "PIP_INDEX_URL"}

// dockerSecretsAllowed are the secrets each production container may have.
var dockerSecretsAllowed = map[string][]string{
	"web":     {"DJANGO_SECRET_KEY", "DJANGO_JWT_SIGNING_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_CACHE_URL", "DJANGO_EMAIL_HOST_PASSWORD"},
	"worker":  {"DJANGO_SECRET_KEY", "DJANGO_JWT_SIGNING_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DJANGO_CACHE_URL", "DJANGO_EMAIL_HOST_PASSWORD"},
	"migrate": {"DJANGO_SECRET_KEY", "DJANGO_JWT_SIGNING_KEY", "DATABASE_URL"},
	"beat":    {"DJANGO_SECRET_KEY", "DJANGO_JWT_SIGNING_KEY", "CELERY_BROKER_URL"},
	"db":      {"POSTGRES_PASSWORD", "APP_DB_PASSWORD", "MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD"},
	"redis":   {"REDIS_PASSWORD"},
	"proxy":   {},
}

// containerSecrets reads, with docker inspect, the environment of every container
// of the production stack: each may hold only the secrets it uses.
func (s *dockerStack) containerSecrets() error {
	out, err := s.compose(time.Minute, "ps", "--all", "--format", "json")
	if err != nil {
		return err
	}
	entries, err := dockerParsePs(out)
	if err != nil {
		return err
	}
	var problems, summary []string
	for _, e := range entries {
		allowed, known := dockerSecretsAllowed[e.Service]
		if !known {
			problems = append(problems, e.Service+": a service the check does not know")
			continue
		}
		out, err := s.docker(time.Minute, "docker", "inspect", "--format", "{{json .Config.Env}}", e.Name)
		if err != nil {
			return err
		}
		var env []string
		if err := json.Unmarshal([]byte(out), &env); err != nil {
			return fmt.Errorf("docker inspect %s: %v: %s", e.Name, err, out)
		}
		var has []string
		for _, kv := range env {
			name, _, _ := strings.Cut(kv, "=")
			if !slices.Contains(secretNames, name) {
				continue
			}
			if !slices.Contains(allowed, name) {
				problems = append(problems, fmt.Sprintf("%s has %s", e.Service, name))
			}
			has = append(has, name)
		}
		slices.Sort(has)
		summary = append(summary, fmt.Sprintf("%s %v", e.Service, has))
	}
	if len(problems) > 0 {
		return fmt.Errorf("production containers hold secrets they do not use: %s", strings.Join(problems, "; "))
	}
	slices.Sort(summary)
	s.t.Logf("%s: secrets per container: %s", s.combo.name, strings.Join(summary, ", "))
	return nil
}
