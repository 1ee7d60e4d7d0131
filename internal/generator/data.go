package generator

import (
	"io"
	"maps"
	"slices"

	"github.com/djscaffold/scaffold/internal/marker"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/internal/version"
)

// Data is what every template sees: each builtin answer under its
// question's Field, such as .Python; a pack's answers in .Extra; and what
// scaffold derives from the answers, such as .Slug and .App. A templated
// path cannot hold quotes, so each value of a choice question with a twin
// also has a true-or-false twin, such as .Postgres, that older trees and
// packs test in their paths; it is derived from the question's values.
// .App is the example resource, or, in the files of the per-resource
// folder, the resource being rendered; its Name is empty without one.
// .Resources are all the API resources, the example one first, then the
// others in the order they were added; .ResourcesByName the same, in the
// order Ruff sorts imports of their modules.
type Data map[string]any

// App is one API resource as templates see it: its names, and the code its
// typed fields make.
type App = resource.App

func newData(o Options, rnd io.Reader) (Data, error) {
	secrets, err := newSecrets(rnd)
	if err != nil {
		return nil, err
	}
	secrets = secrets.overriddenBy(o.Secrets)
	d := Data{}
	for _, q := range questions {
		answer := q.Get(o)
		d[q.Field] = answer
		for value, twin := range q.Twins() {
			d[twin] = answer == value
		}
	}
	extra := o.Extra
	if extra == nil {
		extra = map[string]any{}
	}
	d["Extra"] = extra
	d["Slug"] = Slug(o.Name)
	apps, err := resource.Build(o.AllResources(), o.Database)
	if err != nil {
		return nil, err
	}
	resources := make([]App, len(apps))
	for i, a := range apps {
		resources[i] = *a
	}
	var example App
	if o.Resource != "" {
		example = resources[0]
	}
	d["App"] = example
	d["Resources"] = resources
	d["ResourcesByName"] = slices.SortedStableFunc(slices.Values(resources), func(a, b App) int { return marker.Compare(a.Name, b.Name) })
	d["Secrets"] = secrets
	d["ScaffoldVersion"] = version.String()
	// The owner's ids, for .env alone.
	d["UID"], d["GID"] = o.Owner.IDs()
	return d, nil
}

// resources lists the API resources that the per-resource folder of a
// template tree is generated for.
func (d Data) resources() []App {
	apps, _ := d["Resources"].([]App)
	return apps
}

// secrets are the secrets that templates see.
func (d Data) secrets() Secrets {
	s, _ := d["Secrets"].(Secrets)
	return s
}

// forResource is the data of the per-resource folder, for one resource.
func (d Data) forResource(app App) Data {
	out := maps.Clone(d)
	out["App"] = app
	return out
}

// forStep is the data of a per-step file of the per-resource folder.
func (d Data) forStep(step resource.Step) Data {
	out := maps.Clone(d)
	out["Step"] = step
	return out
}
