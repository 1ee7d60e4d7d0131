package pack

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/templates"
)

// Export returns the builtin templates as a pack, ready for generator.Write:
// a pack.yaml and a copy of every template file under files/. Because a
// pack's files replace the builtin ones by output path, the exported pack
// renders exactly what the builtin templates render.
func Export() (generator.Plan, error) {
	return exportTree(templates.Project(), templates.Name, templates.Version)
}

func exportTree(tree fs.FS, name, version string) (generator.Plan, error) {
	plan := generator.Plan{Files: []generator.File{{
		Path: FileName,
		Mode: 0o644,
		Data: fmt.Appendf(nil, exportHeader, name, version),
	}}}
	err := fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
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
