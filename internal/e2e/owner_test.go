package e2e

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/djscaffold/scaffold/internal/resource"
)

// withOwners makes the field matrix's example resource owned, and adds an
// owned resource whose name is an irregular plural (people: Person) and
// that points to it, so that ownership runs on every database.
func withOwners(c *dynCombo) {
	c.opts.ResourceOwner = true
	fields, err := resource.ParseFields([]string{"name:str:80", "author:fk:authors"})
	if err != nil {
		panic(err)
	}
	c.added = append(c.added, resource.Resource{Name: "people", Fields: fields, Owner: true})
}

// addResourceFlags are the flags of add resource that a resource's options
// take, beside its fields.
func addResourceFlags(r resource.Resource) []string {
	var out []string
	if r.Owner {
		out = append(out, "--owner")
	}
	if r.Model != "" {
		out = append(out, "--model", r.Model)
	}
	return out
}

// checkOwnership drives each owned resource over HTTP with two users: the
// signed-in admin, and another staff user. The other user never sees,
// changes or deletes the admin's object, through the list, the detail view
// or a filter, and an owner sent in the body is ignored.
func (h *dynHTTP) checkOwnership() {
	const step = "7 http ownership"
	start := time.Now()
	p := h.p
	if !slices.ContainsFunc(p.combo.opts.AllResources(), func(r resource.Resource) bool { return r.Owner }) {
		return
	}
	otherUser, otherPass := "e2e-other", dynRandom(p.t, 24)
	p.run(step+" createsuperuser", 3*time.Minute, []string{
		"DJANGO_SUPERUSER_USERNAME=" + otherUser, "DJANGO_SUPERUSER_PASSWORD=" + otherPass, "DJANGO_SUPERUSER_EMAIL=e2e-other@example.com",
	}, p.py, "manage.py", "createsuperuser", "--noinput")
	other := &dynHTTP{p: p, srv: h.srv, client: &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	other.signInAs(otherUser, otherPass)

	links := map[string]string{} // resource -> the link of the admin's object
	for _, r := range p.combo.opts.AllResources() {
		if !r.Owner {
			continue
		}
		collection := "/api/" + r.Name + "/"
		body := map[string]any{}
		for _, f := range r.Fields {
			switch {
			case f.IsRelation() && f.Target == r.Name, f.Kind == resource.M2M:
				continue
			case f.Kind == resource.FK:
				body[f.Name] = links[f.Target]
			default:
				body[f.Name] = f.Sample(0)
			}
		}
		mine := h.json(step, dynRequest{method: "POST", path: collection, body: body}, 201)
		link, _ := mine["url"].(string)
		adminID := mine["owner"]
		if link == "" || adminID == nil {
			h.fail(step, "POST %s answered %v, want a url and an owner", collection, mine)
		}
		links[r.Name] = link
		detail := strings.TrimPrefix(link, "https://"+dynPublicHost)

		if n := other.json(step, dynRequest{method: "GET", path: collection}, 200)["count"]; n != float64(0) {
			other.fail(step, "another user lists %v of the admin's %s, want none", n, r.Name)
		}
		other.do(step, dynRequest{method: "GET", path: detail}, 404)
		other.do(step, dynRequest{method: "PATCH", path: detail, body: map[string]any{}}, 404)
		other.do(step, dynRequest{method: "PUT", path: detail, body: body}, 404)
		other.do(step, dynRequest{method: "DELETE", path: detail}, 404)
		for _, f := range r.Fields {
			if !slices.Contains(filterExact, f.Kind) {
				continue
			}
			filtered := other.json(step, dynRequest{method: "GET", path: collection + "?" + f.Name + "=" + urlQuery(fmt.Sprint(f.Sample(0)))}, 200)
			if n := filtered["count"]; n != float64(0) {
				other.fail(step, "another user finds %v of the admin's %s by ?%s=, want none", n, r.Name, f.Name)
			}
		}

		// An owner in the body is ignored: the object is the sender's. Its
		// unique fields take other values than the admin's object has.
		forged := maps.Clone(body)
		forged["owner"] = adminID
		for _, f := range r.Fields {
			if f.Unique && !f.IsRelation() {
				forged[f.Name] = f.Sample(1)
			}
		}
		theirs := other.json(step, dynRequest{method: "POST", path: collection, body: forged}, 201)
		if theirs["owner"] == adminID || theirs["owner"] == nil {
			other.fail(step, "POST %s with the admin's owner %v: the object's owner is %v, want the sender", collection, adminID, theirs["owner"])
		}
		if n := h.json(step, dynRequest{method: "GET", path: collection}, 200)["count"]; n != float64(1) {
			h.fail(step, "the admin lists %v %s, want its own one", n, r.Name)
		}
		if got := h.json(step, dynRequest{method: "GET", path: detail}, 200)["owner"]; got != adminID {
			h.fail(step, "the admin's object now has the owner %v, want %v", got, adminID)
		}
		theirLink, _ := theirs["url"].(string)
		h.do(step, dynRequest{method: "GET", path: strings.TrimPrefix(theirLink, "https://"+dynPublicHost)}, 404)
		other.do(step, dynRequest{method: "DELETE", path: strings.TrimPrefix(theirLink, "https://"+dynPublicHost)}, 204)
	}
	// Objects that point to others go first.
	for _, r := range slices.Backward(p.combo.opts.AllResources()) {
		if link, ok := links[r.Name]; ok {
			h.do(step, dynRequest{method: "DELETE", path: strings.TrimPrefix(link, "https://"+dynPublicHost)}, 204)
		}
	}
	p.timed(step, start)
}
