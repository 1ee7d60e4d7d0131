package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// checkSignOut proves that sign-ins end when they should: signing out on one
// device, signing out everywhere, and a new password. It leaves the superuser
// with a new password (p.pass) and h signed in again.
func (h *dynHTTP) checkSignOut() {
	const step = "7 http sign-out"
	p := h.p
	switch p.combo.opts.Auth {
	case "token":
		phone, laptop := h.tokenSignIn(step), h.tokenSignIn(step)
		h.do(step, dynRequest{method: "POST", path: "/api/auth/sign-out/", auth: phone}, 204)
		h.do(step, dynRequest{method: "GET", path: "/api/", auth: phone}, 401)
		h.do(step, dynRequest{method: "GET", path: "/api/", auth: laptop}, 200)
		p.changePassword()
		h.do(step, dynRequest{method: "GET", path: "/api/", auth: laptop}, 401)
		h.do(step, dynRequest{method: "GET", path: "/api/", auth: h.auth}, 401)
		h.auth = h.tokenSignIn(step)
		other := h.tokenSignIn(step)
		h.do(step, dynRequest{method: "POST", path: "/api/auth/sign-out/everywhere/", auth: other}, 204)
		h.do(step, dynRequest{method: "GET", path: "/api/", auth: h.auth}, 401)
		h.auth = h.tokenSignIn(step)
	case "jwt":
		first := h.jwtSignIn(step)
		rotated := h.json(step, dynRequest{method: "POST", path: "/api/auth/token/refresh/", auth: "-", body: map[string]string{"refresh": first}}, 200)
		next, _ := rotated["refresh"].(string)
		if next == "" || next == first {
			h.fail(step, "POST /api/auth/token/refresh/ answered %v; want a new refresh token", dynKeys(rotated))
		}
		// The used refresh token is blacklisted: it cannot be used twice.
		h.do(step, dynRequest{method: "POST", path: "/api/auth/token/refresh/", auth: "-", body: map[string]string{"refresh": first}}, 401)
		h.do(step, dynRequest{method: "POST", path: "/api/auth/sign-out/", auth: "-", body: map[string]string{"refresh": next}}, 200)
		h.do(step, dynRequest{method: "POST", path: "/api/auth/token/refresh/", auth: "-", body: map[string]string{"refresh": next}}, 401)
		kept := h.jwtSignIn(step)
		p.changePassword()
		h.do(step, dynRequest{method: "POST", path: "/api/auth/token/refresh/", auth: "-", body: map[string]string{"refresh": kept}}, 401)
		h.jwtSignIn(step)
	case "session":
		p.changePassword()
		// Django's sessions end with the password they were signed in with.
		h.do(step, dynRequest{method: "GET", path: "/api/"}, 401)
		h.signIn()
	}
	p.t.Logf("%s: signing out and a new password end %s sign-ins", p.combo.name, p.combo.opts.Auth)
}

// tokenSignIn signs the superuser in for a new device's token, and returns the
// Authorization header that carries it.
func (h *dynHTTP) tokenSignIn(step string) string {
	creds := map[string]string{"username": h.p.user, "password": h.p.pass}
	v := h.json(step, dynRequest{method: "POST", path: "/api/auth/token/", auth: "-", body: creds}, 200)
	token, _ := v["token"].(string)
	if token == "" || v["expires"] == nil {
		h.fail(step, "POST /api/auth/token/ answered %v; want token and expires", dynKeys(v))
	}
	return "Token " + token
}

// jwtSignIn signs the superuser in, makes h use the access token, and returns
// the refresh token.
func (h *dynHTTP) jwtSignIn(step string) string {
	creds := map[string]string{"username": h.p.user, "password": h.p.pass}
	v := h.json(step, dynRequest{method: "POST", path: "/api/auth/token/", auth: "-", body: creds}, 200)
	access, _ := v["access"].(string)
	refresh, _ := v["refresh"].(string)
	if access == "" || refresh == "" {
		h.fail(step, "POST /api/auth/token/ answered %v, want access and refresh", dynKeys(v))
	}
	h.auth = "Bearer " + access
	return refresh
}

// changePassword gives the superuser a new password, as the admin or
// manage.py changepassword does: through set_password and save.
func (p *dynProject) changePassword() {
	p.t.Helper()
	next := dynRandom(p.t, 24)
	code := fmt.Sprintf(`from django.contrib.auth import get_user_model
user = get_user_model().objects.get(username=%q)
user.set_password(%q)
user.save()
`, p.user, next)
	p.run("7 password change", 2*time.Minute, nil, p.py, "manage.py", "shell", "-c", code)
	p.pass = next
}

// checkKeyRotation proves DJANGO_SECRET_KEY_FALLBACKS: a session signed in
// under the old key stays signed in on a server with a new key that lists the
// old one as a fallback, and ends on a server that does not.
func (p *dynProject) checkKeyRotation(srv *dynServer) {
	const step = "9 key rotation"
	start := time.Now()
	h := &dynHTTP{p: p, srv: srv}
	session, err := h.formSignIn("/admin/login/", p.user, p.pass)
	if err != nil {
		p.fail(step, "%v", err)
	}
	oldKey := ""
	for _, kv := range p.setEnv {
		if v, ok := strings.CutPrefix(kv, "DJANGO_SECRET_KEY="); ok {
			oldKey = v
		}
	}
	newKey := "DJANGO_SECRET_KEY=" + dynRandom(p.t, 48)
	for _, c := range []struct {
		name string
		env  []string
		want int
	}{
		{"with the old key as a fallback", []string{newKey, "DJANGO_SECRET_KEY_FALLBACKS=" + oldKey}, http.StatusOK},
		{"without it", []string{newKey}, http.StatusFound},
	} {
		rotated := p.startServer(c.env...)
		code, err := dynGetWithCookie(rotated.base+"/admin/", session.header)
		rotated.proc.stop()
		if err != nil {
			p.fail(step, "GET /admin/ %s: %v", c.name, err)
		}
		if code != c.want {
			p.fail(step, "GET /admin/ with a session of the old key, on a server with a new key %s: status %d, want %d", c.name, code, c.want)
		}
	}
	p.timed(step, start)
}

func dynGetWithCookie(u, cookie string) (int, error) {
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return 0, err
	}
	req.Host = dynPublicHost
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Accept", "text/html")
	req.Header.Set("Cookie", cookie)
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
