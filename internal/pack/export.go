package pack

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/templates"
)

// Export returns the builtin templates as a pack, ready for writer.Write:
// a pack.yaml and a copy of every template file under files/. Because a
// pack's files replace the builtin ones by output path, the exported pack
// renders exactly what the builtin templates render.
func Export() (generator.Plan, error) {
	return exportTree(templates.Project(), templates.Name, templates.Version)
}

func exportTree(tree fs.FS, name, version string) (generator.Plan, error) {
	src, err := generator.FolderSource("", tree)
	if err != nil {
		return generator.Plan{}, err
	}
	packFile := fmt.Appendf(nil, exportHeader, name, version)
	if src.Manifest != nil {
		var spec bytes.Buffer
		enc := yaml.NewEncoder(&spec)
		enc.SetIndent(2)
		if err := enc.Encode(src.Manifest.Spec()); err != nil {
			return generator.Plan{}, fmt.Errorf("export the manifest: %w", err)
		}
		packFile = append(append(packFile, exportManifest...), spec.Bytes()...)
	}
	plan := generator.Plan{Files: []generator.File{{Path: FileName, Mode: 0o644, Data: packFile}}}
	err = fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || src.Manifest != nil && name == generator.ManifestFile {
			return err
		}
		data, err := fs.ReadFile(tree, name)
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		// Templates get their mode from what they render, so copies need none of their own.
		plan.Files = append(plan.Files, generator.File{Path: path.Join(FilesDir, name), Mode: 0o644, Data: data})
		return nil
	})
	if err != nil {
		return generator.Plan{}, err
	}
	slices.SortFunc(plan.Files, func(a, b generator.File) int { return strings.Compare(a.Path, b.Path) })
	return plan, nil
}

const exportHeader = `# A scaffold template pack, exported from scaffold's builtin templates.
# files/ mirrors the generated project: a file ending in .tmpl is rendered
# with Go's text/template and loses the suffix; any other file is copied.
# A file here replaces the builtin file with the same output path, so delete
# the ones you keep unchanged. See "Template packs" in scaffold's README.
name: %s
version: %s
# questions:
#   - name: team            # answers are read as .Extra.team
#     prompt: Owning team
#     help: Used in OWNERS and image labels
#     type: string          # string, bool or choice (with choices:)
#     default: platform
# remove:                   # builtin output paths this pack drops
#   - .gitlab-ci.yml
`

const exportManifest = `# Which files of files/ a project gets: an output path, or a folder ending
# in "/", and the condition under which it is generated. Files not listed
# are always generated; when you delete a file, delete its entry too.
# per_resource: is the folder generated once per API resource, and
# per_step: the file of it generated once per migration that add field adds.
`
