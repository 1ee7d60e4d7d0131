package config

import (
	"maps"
	"slices"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/resource"
)

// Record returns the answers file of a project rendered from tree with o,
// by scaffold of the given version.
func Record(o generator.Options, tree generator.Tree, scaffoldVersion string) *File {
	f := &File{
		ScaffoldVersion: scaffoldVersion,
		Template:        Template{Name: tree.Name, Version: tree.Version, Path: tree.Path},
	}
	for _, q := range generator.Questions {
		f.Answers = append(f.Answers, Answer{Key: q.Key, Value: q.Get(o)})
	}
	if o.Resource != "" && len(o.ResourceFields) > 0 {
		f.ResourceFields = resource.Specs(o.ResourceFields)
	}
	for _, r := range o.Resources {
		f.Resources = append(f.Resources, Resource{Name: r.Name, Fields: resource.Specs(r.Fields)})
	}
	for _, key := range slices.Sorted(maps.Keys(o.Extra)) {
		f.Extra = append(f.Extra, Answer{Key: key, Value: o.Extra[key]})
	}
	return f
}

// AddTo puts the answers file in a rendered project's plan.
func (f *File) AddTo(plan *generator.Plan) error {
	data, err := Marshal(f)
	if err != nil {
		return err
	}
	return plan.Add(generator.File{Path: FileName, Mode: 0o644, Data: data})
}
