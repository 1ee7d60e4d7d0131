package e2e

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// dynSignInLimit is the generated projects' default limit of sign-in attempts
// per client and minute.
const dynSignInLimit = 20

// dynAccountLimit is the limit of wrong passwords per account that the suite's
// server runs with (DJANGO_SIGN_IN_ACCOUNT_RATE).
const dynAccountLimit = 5

// dynRefreshLimit is the limit of JWT refreshes per client that the suite's
// server runs with (DJANGO_REFRESH_RATE): a budget of their own.
const dynRefreshLimit = 10

// dynSignInRoute is one way to try a password.
type dynSignInRoute struct {
	name string
	// form routes are Django pages: the suite fetches the form for its CSRF
	// token first, as a browser does.
	form bool
	// try sends attempt n with a wrong password; each names another account, so
	// that only the limit per client applies.
	try func(c *dynSignInClient, n int, xff string) (int, error)
	// limit is the route's own budget, when it has one; dynSignInLimit otherwise.
	limit int
}

// checkSignInLimit proves that every sign-in route allows dynSignInLimit
// attempts a minute and refuses the next with 429, although consecutive
// attempts land on different workers and each claims another client in
// X-Forwarded-For. Each route is tried from its own loopback address, so that
// each starts with a full budget.
func (h *dynHTTP) checkSignInLimit() {
	const step = "7 http sign-in limit"
	p := h.p
	routes := []dynSignInRoute{
		{name: "POST /admin/login/", form: true, try: func(c *dynSignInClient, n int, xff string) (int, error) {
			return c.postForm("/admin/login/", fmt.Sprintf("nobody-%s-%d", c.source, n), xff)
		}},
		{name: "POST /api-auth/login/", form: true, try: func(c *dynSignInClient, n int, xff string) (int, error) {
			return c.postForm("/api-auth/login/", fmt.Sprintf("nobody-%s-%d", c.source, n), xff)
		}},
	}
	switch p.combo.opts.Auth {
	case "token", "jwt":
		routes = append(routes, dynSignInRoute{name: "POST /api/auth/token/", try: func(c *dynSignInClient, n int, xff string) (int, error) {
			wrong := map[string]string{"username": fmt.Sprintf("nobody-%s-%d", c.source, n), "password": "wrong"}
			return c.send("POST", "/api/auth/token/", wrong, "", xff)
		}})
		if p.combo.opts.Auth == "jwt" {
			routes = append(routes, dynSignInRoute{name: "POST /api/auth/token/refresh/", try: func(c *dynSignInClient, n int, xff string) (int, error) {
				return c.send("POST", "/api/auth/token/refresh/", map[string]string{"refresh": "not.a.jwt"}, "", xff)
			}, limit: dynRefreshLimit})
		}
	}

	logStart := len(h.srv.proc.out.String())
	for i, r := range routes {
		c, err := newSignInClient(h.srv.base, fmt.Sprintf("127.0.0.%d", 20+i))
		if err != nil {
			h.fail(step, "%s: %v", r.name, err)
		}
		if r.form {
			if err := c.fetchCSRF(strings.TrimPrefix(r.name, "POST ")); err != nil {
				h.fail(step, "%s: %v", r.name, err)
			}
		}
		limit := cmp.Or(r.limit, dynSignInLimit)
		var codes []int
		for n := 1; n <= limit+1; n++ {
			// A new claimed client each time, before the address the proxy saw: it must
			// not count.
			code, err := r.try(c, n, fmt.Sprintf("198.51.100.%d", n))
			if err != nil {
				h.fail(step, "%s, attempt %d: %v", r.name, n, err)
			}
			codes = append(codes, code)
		}
		if slices.Contains(codes[:limit], http.StatusTooManyRequests) || codes[limit] != http.StatusTooManyRequests {
			h.fail(step, "%s from %s: statuses %v; want %d attempts without 429, then 429", r.name, c.source, codes, limit)
		}
	}
	pids := dynRequestLogPids(h.srv.proc.out.String()[logStart:])
	if len(pids) < 2 {
		h.fail(step, "the failed attempts were logged by worker processes %v; want at least 2, to show that the limit holds across workers", pids)
	}
	p.t.Logf("%s: sign-in limit holds on %d routes across workers %v", p.combo.name, len(routes), pids)
	h.checkAccountLimit(routes[0])
	h.checkSecurityLog(logStart)
}

// checkAccountLimit proves the limit per account: wrong passwords for one
// account, each from another address, are refused once the account's budget is
// used up.
func (h *dynHTTP) checkAccountLimit(r dynSignInRoute) {
	const step = "7 http account limit"
	path := strings.TrimPrefix(r.name, "POST ")
	victim := "e2e-victim-" + dynRandom(h.p.t, 6)
	var codes []int
	for n := 1; n <= dynAccountLimit+1; n++ {
		c, err := newSignInClient(h.srv.base, fmt.Sprintf("127.0.1.%d", n))
		if err != nil {
			h.fail(step, "%v", err)
		}
		if err := c.fetchCSRF(path); err != nil {
			h.fail(step, "%s: %v", r.name, err)
		}
		code, err := c.postForm(path, victim, "")
		if err != nil {
			h.fail(step, "%s, attempt %d: %v", r.name, n, err)
		}
		codes = append(codes, code)
	}
	if slices.Contains(codes[:dynAccountLimit], http.StatusTooManyRequests) || codes[dynAccountLimit] != http.StatusTooManyRequests {
		h.fail(step, "%s for one account from %d addresses: statuses %v; want %d attempts without 429, then 429",
			r.name, dynAccountLimit+1, codes, dynAccountLimit)
	}
	h.p.t.Logf("%s: the limit per account holds across %d addresses", h.p.combo.name, dynAccountLimit+1)
}

// checkSecurityLog looks for the security log's events in the server's JSON log
// since start: sign-ins, refused passwords and throttling, each with a username
// hash, the client's address and the request id. (The warning that X-Forwarded-For
// arrives while no proxy is counted is the generated tests' to prove: this server
// counts the suite as its proxy.)
func (h *dynHTTP) checkSecurityLog(start int) {
	const step = "7 http security log"
	want := map[string]bool{"sign_in_failed": false, "sign_in_throttled": false}
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, line := range strings.Split(h.srv.proc.out.String()[start:], "\n") {
			var e map[string]any
			if json.Unmarshal([]byte(line), &e) != nil || e["logger"] != "security" {
				continue
			}
			event, _ := e["event"].(string)
			for _, field := range []string{"event", "user_hash", "client", "request_id"} {
				if v, _ := e[field].(string); v == "" || (field != "user_hash" && v == "-") {
					h.fail(step, "a security log line lacks %s: %s", field, line)
				}
			}
			if strings.Contains(line, "nobody-") || strings.Contains(line, "e2e-victim") {
				h.fail(step, "a security log line names the account instead of its hash: %s", line)
			}
			if _, ok := want[event]; ok {
				want[event] = true
			}
		}
		var missing []string
		for event, seen := range want {
			if !seen {
				missing = append(missing, event)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			h.fail(step, "the server's log has no security event %v", missing)
		}
		time.Sleep(200 * time.Millisecond)
	}
	h.p.t.Logf("%s: the security log has refused passwords and throttling", h.p.combo.name)
}

// dynRequestLogPids lists the processes that logged refused requests or wrong
// passwords, from the generated project's JSON log lines.
func dynRequestLogPids(log string) []int {
	var pids []int
	for _, line := range strings.Split(log, "\n") {
		var entry struct {
			Logger string `json:"logger"`
			Pid    int    `json:"pid"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || (entry.Logger != "django.request" && entry.Logger != "security") {
			continue
		}
		if !slices.Contains(pids, entry.Pid) {
			pids = append(pids, entry.Pid)
		}
	}
	slices.Sort(pids)
	return pids
}

// dynSignInClient sends each request on a new connection from its own source
// address, so that the server's workers share the attempts.
type dynSignInClient struct {
	base   string
	source string
	client *http.Client
	csrf   string // the form's token
	cookie string // the CSRF cookie, kept by hand: it is Secure, and the URL is http
}

func newSignInClient(base, source string) (*dynSignInClient, error) {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}, Timeout: 10 * time.Second}
	return &dynSignInClient{base: base, source: source, client: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true},
	}}, nil
}

// request is a request as the proxy in front of production sends it: the public
// host, over HTTPS, from the client's address.
func (c *dynSignInClient) request(method, path string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Host = dynPublicHost
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-For", dynForwardedFor("", c.source))
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	return req, nil
}

func (c *dynSignInClient) do(req *http.Request) (int, []byte, error) {
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func (c *dynSignInClient) send(method, path string, body any, auth, xff string) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := c.request(method, path, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("X-Forwarded-For", dynForwardedFor(xff, c.source))
	code, _, err := c.do(req)
	return code, err
}

// dynForwardedFor is the X-Forwarded-For that a proxy sends on: what the client
// claimed, if anything, and then the address the proxy saw it connect from.
func dynForwardedFor(claimed, source string) string {
	if claimed == "" {
		return source
	}
	return claimed + ", " + source
}

var dynCSRFInput = regexp.MustCompile(`name="csrfmiddlewaretoken" value="([^"]+)"`)

// fetchCSRF loads a sign-in page for the CSRF cookie and the form's token.
func (c *dynSignInClient) fetchCSRF(path string) error {
	req, err := c.request("GET", path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/html")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	code := resp.StatusCode
	for _, ck := range resp.Cookies() {
		if strings.HasSuffix(ck.Name, "csrftoken") {
			c.cookie = ck.Name + "=" + ck.Value
		}
	}
	m := dynCSRFInput.FindSubmatch(body)
	if code != http.StatusOK || m == nil {
		return fmt.Errorf("GET %s: status %d, without a CSRF token in the form\n%s", path, code, dynShorten(body, 1000))
	}
	c.csrf = string(m[1])
	return nil
}

func (c *dynSignInClient) postForm(path, username, xff string) (int, error) {
	form := url.Values{"username": {username}, "password": {"wrong"}, "csrfmiddlewaretoken": {c.csrf}}
	req, err := c.request("POST", path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html")
	// Django checks the origin of a form posted over HTTPS.
	req.Header.Set("Origin", "https://"+dynPublicHost)
	req.Header.Set("Referer", "https://"+dynPublicHost+path)
	req.Header.Set("X-Forwarded-For", dynForwardedFor(xff, c.source))
	code, _, err := c.do(req)
	return code, err
}
