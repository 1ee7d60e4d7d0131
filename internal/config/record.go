package config

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/resource"
	"github.com/djscaffold/scaffold/templates"
)

// Record returns the answers file of a project rendered with o from the
// templates t records, by scaffold of the given version.
func Record(o generator.Options, t Template, scaffoldVersion string) *File {
	f := &File{
		Format:          Format,
		ScaffoldVersion: scaffoldVersion,
		Template:        t,
	}
	for _, q := range generator.Questions() {
		f.Answers = append(f.Answers, Answer{Key: q.Key, Value: q.Get(o)})
	}
	if o.Resource != "" && len(o.ResourceFields) > 0 {
		f.ResourceFields = resource.Specs(o.ResourceFields)
	}
	if all := o.AllResources(); o.Resource != "" {
		f.ResourceModel = recordedModel(all[0])
		f.ResourceOrderingIndexIn0002 = all[0].LateIndex && !t.MadeWithoutIndexes()
	}
	for _, r := range o.Resources {
		rec := RecordOf(r)
		// An earlier release's answers file says so by its version.
		rec.OrderingIndexIn0002 = rec.OrderingIndexIn0002 && !t.MadeWithoutIndexes()
		f.Resources = append(f.Resources, rec)
	}
	f.Added = AddedOf(o.AllResources())
	for _, key := range slices.Sorted(maps.Keys(o.Extra)) {
		f.Extra = append(f.Extra, Answer{Key: key, Value: o.Extra[key]})
	}
	return f
}

// AddTo puts the answers file in a rendered project's plan, with the hash
// of every file of the plan in files:, so that a later update can tell the
// files the user changed.
func (f *File) AddTo(plan *generator.Plan) error {
	f.Files = Hashes(*plan)
	data, err := Marshal(f)
	if err != nil {
		return err
	}
	return plan.Add(generator.File{Path: FileName, Mode: 0o644, Data: data})
}

// Hash is how files: records a generated file: its SHA-256, in hex.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Hashes hashes every file of a render but the answers file, which holds
// them, and the files the user owns once written, such as .env with its
// secrets.
func Hashes(plan generator.Plan) map[string]string {
	out := make(map[string]string, len(plan.Files))
	for _, f := range plan.Files {
		if f.Path != FileName && !f.Keep {
			out[f.Path] = Hash(f.Data)
		}
	}
	return out
}

// RecordOf is how the answers file records a resource added after the
// example one.
func RecordOf(r resource.Resource) Resource {
	return Resource{Name: r.Name, Fields: resource.Specs(r.Fields), Model: recordedModel(r), Owner: r.Owner, OrderingIndexIn0002: r.LateIndex}
}

// AddedOf lists the fields added later to the resources, in the order
// they were added.
func AddedOf(resources []resource.Resource) []Added {
	type batch struct {
		name string
		resource.Batch
	}
	var all []batch
	for _, r := range resources {
		for _, b := range r.Added {
			all = append(all, batch{r.Name, b})
		}
	}
	slices.SortStableFunc(all, func(x, y batch) int { return x.Order - y.Order })
	var out []Added
	for _, b := range all {
		out = append(out, Added{Resource: b.name, Fields: resource.Specs(b.Fields)})
	}
	return out
}

// recordedModel is the model that the answers file records for r: none
// when it is the one that scaffold 1.2.0 and earlier gave it, which a file
// without one keeps.
func recordedModel(r resource.Resource) string {
	if model := r.Names().Model; model != resource.LegacyModel(r.Name) {
		return model
	}
	return ""
}

// firstIndexedRelease is the first release of the builtin templates whose
// resources have an index on their ordering in their initial migration.
const firstIndexedRelease = "1.3.0"

// MadeWithoutIndexes tells the templates of a project whose resources were
// made by an earlier release, without the index of their ordering: their
// databases applied an initial migration without it, so the index comes in
// a migration of its own (resource.Resource.LateIndex). An answers file
// that names no release, written by hand, is of today; so are the current
// templates, which are firstIndexedRelease's once it is released.
func (t Template) MadeWithoutIndexes() bool {
	builtin := t.Version
	if t.Path != "" {
		builtin = t.Builtin
		if builtin == "" {
			builtin = "1.0.0" // a pack over the builtin templates before they were recorded
		}
	}
	if builtin == "" || builtin == templates.Version {
		return false
	}
	return releases.CompareVersions(builtin, firstIndexedRelease) < 0
}
