package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/cli"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/resource"
)

// dynMatrixSpecs give every field type and every modifier, on a resource
// added with scaffold add resource after new. Three choice fields named
// status share one set of values between two resources and have another
// set in a third, which drf-spectacular would name with a warning without
// the project's ENUM_NAME_OVERRIDES. authors, the example
// resource, comes first; tags points to books with a required m2m; apples
// sorts before the others and points back to books, and books to authors
// and to itself, so relations go both ways in the order of names.
var dynMatrixSpecs = []struct {
	name  string
	specs []string
}{
	{"books", []string{
		"title:str:index", "isbn:str:13:unique:null", "subtitle:str:80:default=none yet", "summary:text:null",
		"notes:text:default=-", "pages:int:default=100", "copies:int:null:index", "sold:bigint",
		"price:decimal:8,2", "discount:decimal:4,3:null:default=0.125", "rating:float:null", "weight:float:default=0.5",
		"in_print:bool", "signed:bool:null:default=true", "published:date", "reviewed_on:date:null:default=today",
		"first_sale:date:default=2024-12-31", "released_at:datetime:null", "stocked_at:datetime:default=now",
		"contact:email:null", "press:email:unique", "site:url:null", "shop:url:default=https://example.com/shop",
		"code:uuid:unique:default=uuid4", "ref:uuid:null", "handle:slug:unique", "series:slug:null:default=none",
		"extra:json:null", "meta:json:default={}", "author:fk:authors", "editor:fk:authors:null",
		"sequel:fk:books:null", "coauthors:m2m:authors:null", "related:m2m:books:null",
		"status:choice:draft,published,archived:default=draft", "binding:choice:hardcover,paperback,ebook:null:index",
		"isbn10:str:10:null", "phone:str:20:null", "chapters:json:default=[]",
	}},
	{"tags", []string{"label:slug:unique", "books:m2m:books", "status:choice:archived,draft,published"}},
	{"apples", []string{"variety:str", "book:fk:books", "status:choice:ripe,picked"}},
}

// dynFieldMatrix runs the field matrix on each database.
func dynFieldMatrix() []dynCombo {
	var out []dynCombo
	for _, db := range []struct{ name, django string }{{"postgres", "6.1"}, {"mysql", "5.2"}, {"sqlite", "5.2"}} {
		o := generator.DefaultOptions()
		o.Name = "fields-" + db.name
		o.Database, o.Django, o.CI = db.name, db.django, "none"
		o.Resource = "authors"
		fields, err := resource.ParseFields([]string{"name:str:120", "email:email:unique"})
		if err != nil {
			panic(err)
		}
		o.ResourceFields = fields
		c := dynCombo{name: o.Name, opts: o, grow: true}
		for _, r := range dynMatrixSpecs {
			fields, err := resource.ParseFields(r.specs)
			if err != nil {
				panic(err)
			}
			c.added = append(c.added, resource.Resource{Name: r.name, Fields: fields})
		}
		withOwners(&c)
		out = append(out, c)
	}
	return out
}

// addResources runs scaffold add resource for each resource the combination
// adds, as a user would in the project folder.
func (p *dynProject) addResources() {
	for _, r := range p.combo.added {
		args := append(append([]string{"add", "resource", r.Name, "--project", p.dir, "--quiet"}, addResourceFlags(r)...), resource.Specs(r.Fields)...)
		var stdout, stderr bytes.Buffer
		code := cli.Run(context.Background(), cli.Env{
			Args: args, Stdout: &stdout, Stderr: &stderr,
			Fs: afero.NewOsFs(), Rand: rand.NewChaCha8([32]byte{}),
		})
		if code != 0 {
			p.fail("1 add resource", "exit %d: %s\n$ scaffold %s", code, stderr.String(), strings.Join(args, " "))
		}
	}
	p.combo.opts.Resources = p.combo.added
	if p.combo.grow {
		p.growResources()
	}
}

// typedCRUD creates an object of every resource over HTTP, with a value of
// every field and links to the objects created before it, reads it back,
// changes it, filters the list by it, then checks that an object others
// point to cannot be deleted, and deletes everything.
func (h *dynHTTP) typedCRUD(root map[string]any) {
	const step = "7 http typed CRUD"
	start := time.Now()
	all := h.p.combo.opts.AllResources()
	urls := map[string]string{} // resource -> the link of its object
	var created []string
	for _, r := range all {
		if _, ok := root[r.Name]; !ok {
			h.fail(step, "the API root lists %v, not %q", dynKeys(root), r.Name)
		}
		collection := "/api/" + r.Name + "/"
		body := map[string]any{}
		for _, f := range r.Fields {
			switch {
			case f.IsRelation() && f.Target == r.Name:
				continue // optional, and there is no other object yet
			case f.Kind == resource.FK:
				body[f.Name] = urls[f.Target]
			case f.Kind == resource.M2M:
				body[f.Name] = []any{urls[f.Target]}
			default:
				body[f.Name] = f.Sample(0)
			}
		}
		obj := h.json(step, dynRequest{method: "POST", path: collection, body: body}, 201)
		h.same(step, "POST "+collection, body, obj)
		link, _ := obj["url"].(string)
		if link == "" {
			h.fail(step, "POST %s answered %v, without a url", collection, dynKeys(obj))
		}
		urls[r.Name] = link
		detail := strings.TrimPrefix(link, "https://"+dynPublicHost)
		created = append(created, detail)
		h.same(step, "GET "+detail, body, h.json(step, dynRequest{method: "GET", path: detail}, 200))

		for _, f := range r.Fields {
			if f.IsRelation() {
				continue
			}
			change := map[string]any{f.Name: f.Sample(1)}
			h.same(step, "PATCH "+detail, change, h.json(step, dynRequest{method: "PATCH", path: detail, body: change}, 200))
			if slices.Contains(filterExact, f.Kind) {
				value := fmt.Sprint(f.Sample(1))
				list := h.json(step, dynRequest{method: "GET", path: collection + "?" + f.Name + "=" + urlQuery(value)}, 200)
				if count, _ := list["count"].(float64); count != 1 {
					h.fail(step, "GET %s?%s=%s: count %v, want 1", collection, f.Name, value, list["count"])
				}
			}
		}
	}
	// books' author points to the authors object: deleting it is refused.
	h.do(step, dynRequest{method: "DELETE", path: created[0]}, 409)
	for _, detail := range slices.Backward(created) {
		h.do(step, dynRequest{method: "DELETE", path: detail}, 204)
	}
	h.p.timed(step, start)
}

// filterExact are the types whose filter the typed CRUD check tries.
var filterExact = []resource.Kind{resource.Str, resource.Int, resource.BigInt, resource.Date, resource.UUID, resource.Slug, resource.Email, resource.Choice}

func urlQuery(s string) string {
	return strings.NewReplacer(" ", "+", "@", "%40", ":", "%3A", "/", "%2F").Replace(s)
}

// same fails unless every field sent comes back with the same value.
func (h *dynHTTP) same(step, what string, sent, got map[string]any) {
	h.p.t.Helper()
	raw, err := json.Marshal(sent)
	if err != nil {
		h.p.t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		h.p.t.Fatal(err)
	}
	for name, v := range want {
		if !reflect.DeepEqual(got[name], v) {
			h.fail(step, "%s: %s is %#v, want %#v", what, name, got[name], v)
		}
	}
}
