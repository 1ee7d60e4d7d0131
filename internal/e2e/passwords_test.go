package e2e

import (
	"fmt"
	"strings"
	"time"
)

// dynHashAlgorithms prints the hash algorithm of each named user's password, one
// "name algorithm" line each.
const dynHashAlgorithms = `from django.contrib.auth import get_user_model
for name in %q.split():
    print(name, get_user_model().objects.get(username=name).password.split("$", 1)[0])
`

// checkPasswordHashes proves the hashers: a password set now is stored as Argon2,
// and a PBKDF2 hash, as Django made by default, still signs its user in over HTTP
// and is stored as Argon2 from then on.
func (h *dynHTTP) checkPasswordHashes() {
	const step = "7 http password hashes"
	p := h.p
	start := time.Now()
	legacy, pass := "e2e-legacy", dynRandom(p.t, 24)
	p.run(step, 2*time.Minute, nil, p.py, "manage.py", "shell", "-c", fmt.Sprintf(`from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
get_user_model().objects.create(username=%q, password=make_password(%q, hasher="pbkdf2_sha256"))
`, legacy, pass))
	algorithms := func() map[string]string {
		out := p.run(step, 2*time.Minute, nil, p.py, "manage.py", "shell", "-c", fmt.Sprintf(dynHashAlgorithms, p.user+" "+legacy))
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if name, alg, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
				got[name] = alg
			}
		}
		return got
	}
	before := algorithms()
	if before[p.user] != "argon2" || before[legacy] != "pbkdf2_sha256" {
		h.fail(step, "stored hashes: %v; want argon2 for %s, whose password was set by createsuperuser, and pbkdf2_sha256 for %s", before, p.user, legacy)
	}
	if _, err := h.formSignIn("/api-auth/login/", legacy, pass); err != nil {
		h.fail(step, "a user with a PBKDF2 hash cannot sign in: %v", err)
	}
	if after := algorithms(); after[legacy] != "argon2" {
		h.fail(step, "after %s signed in, the stored hash is %s; want it re-hashed with argon2", legacy, after[legacy])
	}
	p.timed(step, start)
}
