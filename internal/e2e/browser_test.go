package e2e

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/websocket"
)

// The production stack seen in a real browser: headless Chromium, driven over the
// Chrome DevTools Protocol, signs in on the admin's form and opens Swagger UI
// through the TLS proxy. Its screenshots and DOM dumps go to
// $SCAFFOLD_DOCKER_ARTIFACTS/<combination>/.

// caddyIntermediate is the certificate of Caddy's local CA that signs its leaves.
const caddyIntermediate = "/data/caddy/pki/authorities/local/intermediate.crt"

// browserCollector runs first in every page: it keeps the CSP violations the page
// meets, which the check reads back.
const browserCollector = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

func (s *dockerStack) browser(px *dockerProxy) error {
	bin := os.Getenv("SCAFFOLD_DOCKER_BROWSER")
	if bin == "" {
		return errors.New("SCAFFOLD_DOCKER_BROWSER names no browser: .ci/docker-e2e installs Debian's chromium for this check")
	}
	out := filepath.Join(cmpOr(os.Getenv("SCAFFOLD_DOCKER_ARTIFACTS"), filepath.Join(s.root, "browser")), s.combo.name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// Chromium accepts the proxy's certificates because they chain to this CA's
	// key, and no other certificate error is ignored.
	inter, err := s.compose(time.Minute, "exec", "-T", "proxy", "cat", caddyIntermediate)
	if err != nil {
		return err
	}
	spki, err := spkiHash([]byte(inter))
	if err != nil {
		return fmt.Errorf("%s of the proxy: %w", caddyIntermediate, err)
	}
	b, err := startBrowser(bin, s.root, spki)
	if err != nil {
		return err
	}
	defer b.stop()
	o := s.combo.opts
	var seen []string

	// The admin's sign-in form, filled in and sent as a person would.
	if err := b.open(px.base+"/admin/login/", `document.querySelector("#login-form") !== null`); err != nil {
		return b.explain(err)
	}
	if err := b.screenshot(filepath.Join(out, "admin-login.png")); err != nil {
		return err
	}
	sign := fmt.Sprintf(`(() => {
  document.querySelector("#id_username").value = %q;
  document.querySelector("#id_password").value = %q;
  document.querySelector("#login-form").submit();
  return true;
})()`, s.user, s.pass)
	b.harvest()
	if _, err := b.eval(sign); err != nil {
		return err
	}
	b.lastPage = px.base + "/admin/"
	if err := b.waitFor(`location.pathname === "/admin/" && document.readyState === "complete" && document.querySelector("#logout-form") !== null`, 30*time.Second); err != nil {
		return b.explain(fmt.Errorf("signing in on /admin/login/ did not reach the admin's index with a sign-out form: %w", err))
	}
	if err := b.screenshot(filepath.Join(out, "admin.png")); err != nil {
		return err
	}
	seen = append(seen, "the admin's sign-in form signs in")

	if o.APIDocs {
		// Signed in as staff, as production asks for the docs (DJANGO_API_DOCS_PUBLIC off).
		// A project without resources and with session sign-in has no operation to
		// show: Swagger UI then says so, once it has read the schema.
		hasOps := o.Resource != "" || o.Auth != "session"
		ready := `document.querySelectorAll(".opblock").length > 0`
		if !hasOps {
			ready = `document.body.innerText.includes("No operations defined in spec!")`
		}
		if err := b.open(px.base+"/api/docs/", ready); err != nil {
			return b.explain(fmt.Errorf("Swagger UI rendered no operation: %w", err))
		}
		dom, err := b.eval(`document.documentElement.outerHTML`)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "api-docs.html"), []byte(dom), 0o644); err != nil {
			return err
		}
		if err := b.screenshot(filepath.Join(out, "api-docs.png")); err != nil {
			return err
		}
		paths, err := b.eval(`JSON.stringify([...document.querySelectorAll(".opblock-summary-path")].map((e) => e.getAttribute("data-path") || e.textContent.trim()))`)
		if err != nil {
			return err
		}
		var ops []string
		_ = json.Unmarshal([]byte(paths), &ops)
		if o.Resource != "" && !slices.ContainsFunc(ops, func(p string) bool { return strings.HasPrefix(p, "/api/"+o.Resource+"/") }) {
			return fmt.Errorf("Swagger UI shows no operation of /api/%s/; it shows %v (DOM in %s)", o.Resource, ops, filepath.Join(out, "api-docs.html"))
		}
		if hasOps == (len(ops) == 0) {
			return fmt.Errorf("Swagger UI shows %d operations, want some: %t (DOM in %s)", len(ops), hasOps, filepath.Join(out, "api-docs.html"))
		}
		seen = append(seen, fmt.Sprintf("Swagger UI renders %d operations", len(ops)))
	}
	if problems := b.problems(); len(problems) > 0 {
		return fmt.Errorf("the browser met problems on the production pages (screenshots in %s):\n%s", out, strings.Join(problems, "\n"))
	}
	s.t.Logf("%s: in Chromium through the TLS proxy: %s; no CSP violation, no script error; screenshots in %s",
		s.combo.name, strings.Join(seen, "; "), out)
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// spkiHash is what Chromium's --ignore-certificate-errors-spki-list takes: the
// base64 SHA-256 of a certificate's public key.
func spkiHash(certPEM []byte) (string, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return "", errors.New("no PEM certificate")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// headless is one Chromium with one page, and what the page reported.
type headless struct {
	cmd      *exec.Cmd
	log      *dynOutput
	ws       *websocket.Conn
	next     int
	console  []string // errors the page logged, CSP reports among them
	csp      []string // CSP violations of the pages left so far
	thrown   []string // uncaught script exceptions
	profile  string
	lastPage string
}

func startBrowser(bin, root, spki string) (*headless, error) {
	profile, err := os.MkdirTemp(root, "chromium-")
	if err != nil {
		return nil, err
	}
	args := []string{"--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--remote-allow-origins=http://127.0.0.1",
		"--user-data-dir=" + profile, "--window-size=1280,1600",
		"--ignore-certificate-errors-spki-list=" + spki, "about:blank"}
	if os.Geteuid() == 0 {
		// Chromium's sandbox refuses to run as root; the stage runs as root.
		args = append([]string{"--no-sandbox"}, args...)
	}
	b := &headless{log: &dynOutput{}, profile: profile}
	b.cmd = exec.Command(bin, args...)
	b.cmd.Stdout, b.cmd.Stderr = b.log, b.log
	b.cmd.Env = append(os.Environ(), "HOME="+profile)
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	// Chromium writes the port it took, and the browser's path, to DevToolsActivePort.
	var port string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort"))
		if err == nil && strings.Contains(string(data), "\n") {
			port = strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])
			break
		}
		if time.Now().After(deadline) {
			b.stop()
			return nil, fmt.Errorf("%s did not open its DevTools port in 60s:\n%s", bin, dynTail(b.log.String(), 30))
		}
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
	if err != nil {
		b.stop()
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var targets []struct{ Type, WebSocketDebuggerURL string }
	if err := json.Unmarshal(body, &targets); err != nil {
		b.stop()
		return nil, fmt.Errorf("DevTools /json/list: %v: %s", err, body)
	}
	for _, t := range targets {
		if t.Type == "page" {
			b.ws, err = websocket.Dial(t.WebSocketDebuggerURL, "", "http://127.0.0.1")
			break
		}
	}
	if b.ws == nil {
		b.stop()
		return nil, fmt.Errorf("DevTools: no page to drive (%v): %s", err, body)
	}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		if _, err := b.call(m, nil); err != nil {
			b.stop()
			return nil, err
		}
	}
	if _, err := b.call("Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": browserCollector}); err != nil {
		b.stop()
		return nil, err
	}
	return b, nil
}

func (b *headless) stop() {
	if b.ws != nil {
		b.ws.Close()
	}
	if b.cmd.Process != nil {
		_ = b.cmd.Process.Kill()
		_ = b.cmd.Wait()
	}
}

// call sends one DevTools command and waits for its answer, keeping the events
// that arrive meanwhile.
func (b *headless) call(method string, params any) (json.RawMessage, error) {
	b.next++
	id := b.next
	_ = b.ws.SetDeadline(time.Now().Add(60 * time.Second))
	if err := websocket.JSON.Send(b.ws, map[string]any{"id": id, "method": method, "params": params}); err != nil {
		return nil, fmt.Errorf("DevTools %s: %w", method, err)
	}
	for {
		var msg struct {
			ID     int             `json:"id"`
			Method string          `json:"method"`
			Params json.RawMessage `json:"params"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := websocket.JSON.Receive(b.ws, &msg); err != nil {
			return nil, fmt.Errorf("DevTools %s: %w", method, err)
		}
		if msg.ID == id {
			if msg.Error != nil {
				return nil, fmt.Errorf("DevTools %s: %s", method, msg.Error.Message)
			}
			return msg.Result, nil
		}
		b.event(msg.Method, msg.Params)
	}
}

func (b *headless) event(method string, params json.RawMessage) {
	switch method {
	case "Log.entryAdded":
		var e struct {
			Entry struct{ Level, Source, Text, URL string } `json:"entry"`
		}
		// The favicon the browser asks for by itself is no page's problem.
		if json.Unmarshal(params, &e) == nil && e.Entry.Level == "error" && !strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
			b.console = append(b.console, fmt.Sprintf("%s (%s) %s %s", b.lastPage, e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case "Runtime.exceptionThrown":
		var e struct {
			ExceptionDetails struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		if json.Unmarshal(params, &e) == nil {
			b.thrown = append(b.thrown, fmt.Sprintf("%s: %s %s", b.lastPage, e.ExceptionDetails.Text, e.ExceptionDetails.Exception.Description))
		}
	}
}

// eval runs JavaScript in the page and returns its value as a string (JSON for
// anything but a string).
func (b *headless) eval(expr string) (string, error) {
	raw, err := b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	if err != nil {
		return "", err
	}
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", err
	}
	if r.ExceptionDetails != nil {
		return "", fmt.Errorf("%s: %s", expr, r.ExceptionDetails.Text)
	}
	var s string
	if json.Unmarshal(r.Result.Value, &s) == nil {
		return s, nil
	}
	return string(r.Result.Value), nil
}

// waitFor polls a JavaScript condition until it holds.
func (b *headless) waitFor(cond string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		v, err := b.eval("Boolean(" + cond + ")")
		if err == nil && v == "true" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s, still not %s", timeout, cond)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// harvest keeps the CSP violations of the page shown, before it is left.
func (b *headless) harvest() {
	v, err := b.eval(`JSON.stringify((window.__cspViolations || []).splice(0))`)
	if err != nil {
		return
	}
	var csp []string
	_ = json.Unmarshal([]byte(v), &csp)
	for _, c := range csp {
		b.csp = append(b.csp, "CSP violation on "+b.lastPage+": "+c)
	}
}

// open navigates and waits for the page to load and for ready to hold.
func (b *headless) open(url, ready string) error {
	b.harvest()
	b.lastPage = url
	raw, err := b.call("Page.navigate", map[string]any{"url": url})
	if err != nil {
		return err
	}
	var r struct {
		ErrorText string `json:"errorText"`
	}
	if json.Unmarshal(raw, &r) == nil && r.ErrorText != "" {
		return fmt.Errorf("%s: %s", url, r.ErrorText)
	}
	return b.waitFor(`document.readyState === "complete" && (`+ready+`)`, 45*time.Second)
}

func (b *headless) screenshot(path string) error {
	raw, err := b.call("Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		return err
	}
	var r struct {
		Data string `json:"data"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}

// problems are the CSP violations, console errors and script exceptions seen.
func (b *headless) problems() []string {
	b.harvest()
	out := slices.Clone(b.csp)
	for _, c := range b.console {
		out = append(out, "console error: "+c)
	}
	for _, t := range b.thrown {
		out = append(out, "script exception: "+t)
	}
	return out
}

// explain adds what the page shows and what the browser said to a failure.
func (b *headless) explain(err error) error {
	where, _ := b.eval(`location.href + " " + document.title`)
	text, _ := b.eval(`document.body ? document.body.innerText.slice(0, 1500) : ""`)
	return fmt.Errorf("%w\npage: %s\n%s\nproblems: %v\nchromium:\n%s", err, where, text, b.problems(), dynTail(b.log.String(), 20))
}
