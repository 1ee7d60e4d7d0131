package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
)

// checkLimits sends the API what it must refuse, and wants each refusal as
// JSON: a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a page past the last, and a
// Host header the site does not answer to.
func (h *dynHTTP) checkLimits() {
	const step = "7 http limits"
	o := h.p.combo.opts
	target := "/api/" + o.Resource + "/"
	switch {
	case o.Resource != "":
	case o.Auth != "session":
		target = "/api/auth/token/"
	default:
		target = ""
	}
	if target != "" {
		// 3 MB, over the 2.5 MB default.
		big := map[string]string{"name": strings.Repeat("x", 3<<20), "username": "x", "password": "x"}
		h.jsonError(step, dynRequest{method: "POST", path: target, body: big}, http.StatusRequestEntityTooLarge)
	}
	if o.Resource != "" {
		h.jsonError(step, dynRequest{method: "GET", path: "/api/" + o.Resource + "/?page=999999"}, http.StatusNotFound)
	}
	h.jsonError(step, dynRequest{method: "GET", path: "/api/", auth: "-", host: "evil.example.org"}, http.StatusBadRequest)
}

// jsonError sends r and wants status with a JSON body that has a detail.
func (h *dynHTTP) jsonError(step string, r dynRequest, status int) {
	h.p.t.Helper()
	resp, body := h.do(step, r, status)
	var v map[string]any
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || json.Unmarshal(body, &v) != nil || v["detail"] == nil {
		h.fail(step, "%s %s: %d with %s, not JSON with a detail: %s", r.method, r.path, status, resp.Header.Get("Content-Type"), dynShorten(body, 500))
	}
}
