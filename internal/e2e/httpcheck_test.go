package e2e

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// dynHTTP drives a running server the way clients behind a TLS-terminating proxy do:
// either it plays that proxy itself, sending X-Forwarded-Proto and X-Forwarded-For
// to a server on 127.0.0.1, or (proxied) a real proxy is in front of the server and
// the requests go to it over HTTPS as they are.
type dynHTTP struct {
	p      *dynProject
	srv    *dynServer
	client *http.Client
	// host is the public host name the requests ask for; dynPublicHost when empty.
	host string
	// proxied: a real TLS proxy is in front, which sets the forwarded headers.
	proxied bool
	auth    string // Authorization header once signed in
	// session is the Cookie header once signed in with a session, and csrf the
	// token that requests which change data send with it.
	session, csrf string
}

type dynRequest struct {
	method string
	path   string
	body   any    // sent as JSON when not nil
	plain  bool   // a probe from inside the container: Host localhost, plain HTTP
	auth   string // overrides the signed-in Authorization header; "-" sends none
	header map[string]string
	host   string // overrides the public host name
}

// do sends r and fails the step unless the status is one of want; the failure
// shows the exchange and the server's log.
func (h *dynHTTP) do(step string, r dynRequest, want ...int) (*http.Response, []byte) {
	h.p.t.Helper()
	var body io.Reader
	var sent []byte
	if r.body != nil {
		var err error
		if sent, err = json.Marshal(r.body); err != nil {
			h.p.t.Fatal(err)
		}
		body = bytes.NewReader(sent)
	}
	req, err := http.NewRequest(r.method, h.srv.base+r.path, body)
	if err != nil {
		h.p.t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case r.plain:
		req.Host = "localhost"
	case h.proxied:
		req.Host = cmp.Or(r.host, h.publicHost())
	default:
		req.Host = cmp.Or(r.host, h.publicHost())
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-For", "127.0.0.1")
	}
	switch auth := r.auth; {
	case auth == "-":
	case auth != "":
		req.Header.Set("Authorization", auth)
	case h.auth != "":
		req.Header.Set("Authorization", h.auth)
	case h.session != "":
		req.Header.Set("Cookie", h.session)
		if !slices.Contains([]string{"GET", "HEAD", "OPTIONS"}, r.method) {
			// As a page of the site sends it: Django checks the token and, over
			// HTTPS, that the request comes from the site itself.
			req.Header.Set("X-CSRFToken", h.csrf)
			req.Header.Set("Referer", "https://"+h.publicHost()+"/")
		}
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := h.client.Do(req)
	var got []byte
	if err == nil {
		got, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	exchange := fmt.Sprintf("%s %s (Host: %s, X-Forwarded-Proto: https)", r.method, r.path, req.Host)
	switch {
	case r.plain:
		exchange = fmt.Sprintf("%s %s (Host: %s, plain HTTP)", r.method, r.path, req.Host)
	case h.proxied:
		exchange = fmt.Sprintf("%s %s%s (Host: %s, through the TLS proxy)", r.method, h.srv.base, r.path, req.Host)
	}
	if sent != nil {
		exchange += " " + string(sent)
	}
	if err != nil {
		h.fail(step, "%s: %v", exchange, err)
	}
	if !slices.Contains(want, resp.StatusCode) {
		h.fail(step, "%s: status %d, want %v\nresponse headers: %v\nresponse body: %s", exchange, resp.StatusCode, want, resp.Header, dynShorten(got, 2000))
	}
	return resp, got
}

// publicHost is the host name the requests ask for.
func (h *dynHTTP) publicHost() string { return cmp.Or(h.host, dynPublicHost) }

func (h *dynHTTP) fail(step, format string, args ...any) {
	h.p.t.Helper()
	h.p.fail(step, "%s\nserver: $ %s\nserver log:\n%s", fmt.Sprintf(format, args...),
		dynCommandLine(h.p.dir, h.srv.env, h.srv.argv), dynTail(h.srv.proc.out.String(), dynTailLines))
}

func (h *dynHTTP) json(step string, r dynRequest, want ...int) map[string]any {
	h.p.t.Helper()
	_, body := h.do(step, r, want...)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		h.fail(step, "%s %s: the answer is not a JSON object: %v\n%s", r.method, r.path, err, dynShorten(body, 2000))
	}
	return v
}

func dynShorten(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + fmt.Sprintf("[... %d more bytes]", len(b)-n)
}

func dynKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dynStaticRef finds a stylesheet the admin login page links, to fetch it back
// through WhiteNoise.
var dynStaticRef = regexp.MustCompile(`href="(/static/[^"]+\.css)"`)

func (p *dynProject) checkHTTP(srv *dynServer) {
	start := time.Now()
	o := p.combo.opts
	h := &dynHTTP{p: p, srv: srv, client: &http.Client{
		Timeout: 30 * time.Second,
		// A redirect is an answer to check (an HTTPS redirect, a login page), not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}

	h.do("7 http /health/", dynRequest{method: "GET", path: "/health/", plain: true}, 200)

	collection := "/api/"
	if o.Resource != "" {
		collection = "/api/" + o.Resource + "/"
	}
	// 401 with a challenge: "sign in first", which browser apps tell from 403, "you may not".
	for _, method := range []string{"GET", "POST"} {
		resp, _ := h.do("7 http anonymous", dynRequest{method: method, path: collection, auth: "-", body: map[string]string{"name": "intruder"}}, 401)
		if resp.Header.Get("WWW-Authenticate") == "" {
			h.fail("7 http anonymous", "%s %s: 401 without a WWW-Authenticate challenge", method, collection)
		}
	}

	h.signIn()
	h.checkPasswordHashes()

	root := h.json("7 http /api/", dynRequest{method: "GET", path: "/api/"}, 200)
	if len(p.combo.added) > 0 || len(o.ResourceFields) > 0 {
		h.typedCRUD(root)
		h.checkOwnership()
	} else if o.Resource != "" {
		if _, ok := root[o.Resource]; !ok {
			h.fail("7 http /api/", "the API root lists %v, not %q", dynKeys(root), o.Resource)
		}
		h.crud(collection)
		h.checkOwnership()
	}
	if o.APIDocs {
		h.checkDocs()
	}
	h.checkProductionAnswers()
	if o.CORS {
		resp, _ := h.do("7 http CORS", dynRequest{method: "GET", path: "/api/", header: map[string]string{"Origin": dynCORSOrigin}}, 200)
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != dynCORSOrigin {
			h.fail("7 http CORS", "GET /api/ with Origin %s: Access-Control-Allow-Origin is %q", dynCORSOrigin, got)
		}
	}

	_, page := h.do("7 http admin", dynRequest{method: "GET", path: "/admin/login/", auth: "-", header: map[string]string{"Accept": "text/html"}}, 200)
	m := dynStaticRef.FindSubmatch(page)
	if m == nil {
		h.fail("7 http admin", "the admin login page links no stylesheet under /static/\n%s", dynShorten(page, 2000))
	}
	h.do("7 http static files", dynRequest{method: "GET", path: string(m[1]), auth: "-", header: map[string]string{"Accept": "*/*"}}, 200)
	p.timed("7 http", start)

	start = time.Now()
	h.checkSignOut()
	p.timed("7 http sign-out", start)

	start = time.Now()
	h.checkSignInLimit()
	p.timed("7 http sign-in limit", start)
}

// signIn signs the superuser in through the endpoint of the combination's auth mode.
func (h *dynHTTP) signIn() { h.signInAs(h.p.user, h.p.pass) }

// signInAs signs in as the given user, the project's auth mode's way.
func (h *dynHTTP) signInAs(user, pass string) {
	const step = "7 http sign-in"
	p := h.p
	creds := map[string]string{"username": user, "password": pass}
	switch p.combo.opts.Auth {
	case "token":
		v := h.json(step, dynRequest{method: "POST", path: "/api/auth/token/", auth: "-", body: creds}, 200)
		token, _ := v["token"].(string)
		if token == "" {
			h.fail(step, "POST /api/auth/token/ answered %v, without a token", dynKeys(v))
		}
		h.auth = "Token " + token
	case "jwt":
		v := h.json(step, dynRequest{method: "POST", path: "/api/auth/token/", auth: "-", body: creds}, 200)
		refresh, _ := v["refresh"].(string)
		if access, _ := v["access"].(string); access == "" || refresh == "" {
			h.fail(step, "POST /api/auth/token/ answered %v, want access and refresh", dynKeys(v))
		}
		v = h.json(step, dynRequest{method: "POST", path: "/api/auth/token/refresh/", auth: "-", body: map[string]string{"refresh": refresh}}, 200)
		access, _ := v["access"].(string)
		if access == "" {
			h.fail(step, "POST /api/auth/token/refresh/ answered %v, without access", dynKeys(v))
		}
		h.auth = "Bearer " + access
	case "session":
		cookies, err := h.formSignIn("/api-auth/login/", user, pass)
		if err != nil {
			h.fail(step, "%v", err)
		}
		h.session, h.csrf = cookies.header, cookies.csrf
		// The API takes no password, not even the right one: HTTP Basic is off.
		h.do(step, dynRequest{method: "GET", path: "/api/", auth: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}, 401)
	}
	wrong := map[string]string{"token": "Token not-a-real-token", "jwt": "Bearer not.a.jwt",
		"session": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":wrong"))}[p.combo.opts.Auth]
	h.do(step, dynRequest{method: "GET", path: "/api/", auth: wrong}, 401)
}

// dynSession is what a browser keeps after signing in on a Django page.
type dynSession struct {
	header string // the Cookie header: every cookie the site set
	csrf   string // the CSRF cookie's value
}

// formSignIn signs in on a Django sign-in page, as a browser does: it loads the
// form, posts it with the CSRF token, and keeps the cookies of the answer.
func (h *dynHTTP) formSignIn(path, user, pass string) (dynSession, error) {
	c, err := newSignInClient(h.srv.base, "127.0.0.1")
	if err != nil {
		return dynSession{}, err
	}
	if err := c.fetchCSRF(path); err != nil {
		return dynSession{}, err
	}
	form := url.Values{"username": {user}, "password": {pass}, "csrfmiddlewaretoken": {c.csrf}}
	req, err := c.request("POST", path, strings.NewReader(form.Encode()))
	if err != nil {
		return dynSession{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://"+dynPublicHost)
	req.Header.Set("Referer", "https://"+dynPublicHost+path)
	resp, err := c.client.Do(req)
	if err != nil {
		return dynSession{}, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return dynSession{}, fmt.Errorf("POST %s with the right password: status %d, want 302\n%s", path, resp.StatusCode, dynShorten(body, 1000))
	}
	var s dynSession
	var parts []string
	for _, ck := range resp.Cookies() {
		parts = append(parts, ck.Name+"="+ck.Value)
		if strings.HasSuffix(ck.Name, "csrftoken") {
			s.csrf = ck.Value
		}
	}
	if len(parts) == 0 || s.csrf == "" {
		return dynSession{}, fmt.Errorf("POST %s signed in without setting a session and a CSRF cookie: %v", path, resp.Header.Values("Set-Cookie"))
	}
	s.header = strings.Join(parts, "; ")
	return s, nil
}

// crud creates, lists, retrieves, updates and deletes one object of the resource.
func (h *dynHTTP) crud(collection string) {
	const step = "7 http CRUD"
	created := h.json(step, dynRequest{method: "POST", path: collection, body: map[string]string{"name": "e2e first", "description": "made over HTTP"}}, 201)
	id, ok := created["id"].(float64)
	if !ok {
		h.fail(step, "POST %s answered %v, without a numeric id", collection, created)
	}
	detail := fmt.Sprintf("%s%d/", collection, int64(id))

	list := h.json(step, dynRequest{method: "GET", path: collection}, 200)
	if keys := strings.Join(dynKeys(list), ","); keys != "count,next,previous,results" {
		h.fail(step, "GET %s answered the keys %s, want count,next,previous,results", collection, keys)
	}
	results, _ := list["results"].([]any)
	if count, _ := list["count"].(float64); count != 1 || len(results) != 1 {
		h.fail(step, "GET %s: count %v with %d results, want the 1 object just created", collection, list["count"], len(results))
	}

	if got := h.json(step, dynRequest{method: "GET", path: detail}, 200); got["name"] != "e2e first" {
		h.fail(step, "GET %s answered name %v, want %q", detail, got["name"], "e2e first")
	}
	if got := h.json(step, dynRequest{method: "PUT", path: detail, body: map[string]string{"name": "e2e renamed", "description": ""}}, 200); got["name"] != "e2e renamed" {
		h.fail(step, "PUT %s answered name %v, want %q", detail, got["name"], "e2e renamed")
	}
	if got := h.json(step, dynRequest{method: "PATCH", path: detail, body: map[string]string{"description": "patched"}}, 200); got["description"] != "patched" {
		h.fail(step, "PATCH %s answered description %v, want %q", detail, got["description"], "patched")
	}
	h.do(step, dynRequest{method: "DELETE", path: detail}, 204)
	h.do(step, dynRequest{method: "GET", path: detail}, 404)
}

// dynAssetRef finds the scripts and stylesheets a page loads.
var dynAssetRef = regexp.MustCompile(`(?:src|href)="([^"]+\.(?:js|css|png)[^"]*)"`)

// dynInlineScript finds a script element without src: inline code, which a
// Content Security Policy without 'unsafe-inline' blocks.
var dynInlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>`)

// checkDocs opens the schema and Swagger UI as the signed-in superuser, and checks
// that every file the page loads comes from the project itself.
func (h *dynHTTP) checkDocs() {
	const step = "7 http API docs"
	h.do(step, dynRequest{method: "GET", path: "/api/schema/", auth: "-"}, 401, 403)
	h.do(step, dynRequest{method: "GET", path: "/api/schema/"}, 200)
	resp, page := h.do(step, dynRequest{method: "GET", path: "/api/docs/", header: map[string]string{"Accept": "text/html"}}, 200)
	refs := dynAssetRef.FindAllSubmatch(page, -1)
	if len(refs) < 3 {
		h.fail(step, "the Swagger UI page loads %d files; want its scripts and stylesheet\n%s", len(refs), dynShorten(page, 2000))
	}
	for _, m := range refs {
		ref := strings.ReplaceAll(string(m[1]), "&amp;", "&")
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			h.fail(step, "the Swagger UI page loads %s from another site", ref)
		}
		h.do(step, dynRequest{method: "GET", path: ref, header: map[string]string{"Accept": "*/*"}}, 200)
	}
	// The page's own set-up script, served apart so that it needs no inline script.
	h.do(step, dynRequest{method: "GET", path: "/api/docs/?script=", header: map[string]string{"Accept": "*/*"}}, 200)
	for _, tag := range dynInlineScript.FindAll(page, -1) {
		if !bytes.Contains(tag, []byte("src=")) {
			h.fail(step, "the Swagger UI page has an inline script %s", tag)
		}
	}
	policy := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(policy, "script-src 'self'") || strings.Contains(policy, "script-src 'self' 'unsafe-inline'") ||
		!strings.Contains(policy, "style-src 'self' 'unsafe-inline'") {
		h.fail(step, "Swagger UI's Content-Security-Policy is %q; want scripts from the site only, inline styles too", policy)
	}
}

// checkProductionAnswers checks what the production settings add to every answer.
func (h *dynHTTP) checkProductionAnswers() {
	const step = "7 http production answers"
	resp, body := h.do(step, dynRequest{method: "GET", path: "/api/no-such-endpoint/", auth: "-"}, 404)
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil || v["detail"] == nil {
		h.fail(step, "GET /api/no-such-endpoint/: the 404 is not JSON with a detail: %s", dynShorten(body, 500))
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got != "max-age=3600" {
		h.fail(step, "Strict-Transport-Security is %q; want max-age=3600, the low start", got)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		h.fail(step, "no X-Request-ID header in the answer")
	}
	resp, _ = h.do(step, dynRequest{method: "GET", path: "/api/", header: map[string]string{"X-Request-ID": "e2e-request-42"}}, 200)
	if got := resp.Header.Get("X-Request-ID"); got != "e2e-request-42" {
		h.fail(step, "X-Request-ID is %q; want the proxy's e2e-request-42 back", got)
	}
	if !strings.Contains(h.srv.proc.out.String(), `"request_id": "e2e-request-42"`) {
		// The request logged nothing: a 404 that does log proves the id reaches the log.
		h.do(step, dynRequest{method: "GET", path: "/api/missing/", header: map[string]string{"X-Request-ID": "e2e-request-43"}}, 404)
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(h.srv.proc.out.String(), `"request_id": "e2e-request-43"`) {
			if time.Now().After(deadline) {
				h.fail(step, "the server log has no JSON line with the request id e2e-request-43")
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	h.checkLimits()
	// The same policy on both releases: Django 6.1's own, django-csp's on 5.2. Django
	// 6.1's admin uses the nonce, so its page carries one; 5.2's needs none.
	resp, _ = h.do(step, dynRequest{method: "GET", path: "/admin/login/", auth: "-", header: map[string]string{"Accept": "text/html"}}, 200)
	policy := resp.Header.Get("Content-Security-Policy")
	if got := dynPolicyDirectives(policy); got != dynPolicy {
		h.fail(step, "the admin's Content-Security-Policy is %q; want, nonces aside, %q", policy, dynPolicy)
	}
	if h.p.combo.opts.Django == "6.1" && !strings.Contains(policy, "'nonce-") {
		h.fail(step, "the admin's Content-Security-Policy is %q; want the nonce its inline scripts and styles use", policy)
	}
	resp, _ = h.do(step, dynRequest{method: "GET", path: "/api/", header: map[string]string{"Accept": "application/json"}}, 200)
	if got := dynPolicyDirectives(resp.Header.Get("Content-Security-Policy")); got != dynPolicy {
		h.fail(step, "/api/'s Content-Security-Policy is %q; want %q", resp.Header.Get("Content-Security-Policy"), dynPolicy)
	}
}

// dynPolicy is the generated projects' Content-Security-Policy, its directives
// sorted and without nonces.
const dynPolicy = "base-uri 'self'; default-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"img-src 'self' data:; object-src 'none'; script-src 'self'; style-src 'self'"

// dynPolicyDirectives is a policy with its directives sorted (django-csp does not
// keep their order) and without nonces, which change with every answer.
func dynPolicyDirectives(policy string) string {
	var out []string
	for _, d := range strings.Split(policy, ";") {
		var words []string
		for _, w := range strings.Fields(d) {
			if !strings.HasPrefix(w, "'nonce-") {
				words = append(words, w)
			}
		}
		if len(words) > 0 {
			out = append(out, strings.Join(words, " "))
		}
	}
	slices.Sort(out)
	return strings.Join(out, "; ")
}
