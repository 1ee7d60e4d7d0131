package cli

// release.go renders an archived release of the builtin templates when a
// run asks for one: `new --template-version`, the template.version of a
// --config file, and `update --to`.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/templates"
)

// completeReleases offers the archived releases to a flag that names one.
func completeReleases(cmd *cobra.Command, flag string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return releases.Versions(), cobra.ShellCompDirectiveNoFileComp
	})
}

// pinned is a release of the builtin templates that a run renders in
// place of the current ones; its zero value renders the current ones.
type pinned struct {
	version string
	tree    generator.Tree
}

// apply puts the pinned release in place of the current templates.
func (p pinned) apply(r *resolved) {
	if p.version != "" {
		r.Tree, r.Templates.Version = p.tree, p.version
	}
}

// pinRelease finds the release that the run asks for: the one its flag
// names, or else, for a new project, the one that the --config file
// records. A template pack has no releases in this scaffold, so a pinned
// version over one is refused; nothing is ever silently rendered at
// another version than asked.
func (r *resolved) pinRelease(req request) (pinned, error) {
	version, flag := req.Release, req.ReleaseFlag
	if version == "" && req.Project == "" && r.Recorded != nil {
		return r.pinRecorded(req)
	}
	if version == "" {
		return pinned{}, nil
	}
	if r.Pack.Dir != "" {
		return pinned{}, usagef("%s %s chooses a release of the builtin templates, but this run renders template pack %s, whose version is its own; check the pack out at the version you want instead",
			flag, version, r.Pack.Dir)
	}
	tree, err := releaseTree(version)
	if err != nil {
		return pinned{}, usagef("%s %s: %s", flag, version, oneLine(err.Error()))
	}
	return pinned{version, tree}, nil
}

// pinRecorded honours the template.version of a --config file: the
// builtin templates at that release, or, for a template pack, only the
// pack's own version, since scaffold renders a pack as it is. A --pack on
// the command line takes the place of the file's templates, version and
// all, as flags take precedence over the file.
func (r *resolved) pinRecorded(req request) (pinned, error) {
	t := r.Recorded.Template
	switch {
	case t.Version == "" || req.PackDir != "" || req.Pack != nil:
		return pinned{}, nil
	case t.Path != "":
		if r.Pack.Dir != "" && t.Version != r.Pack.Version {
			return pinned{}, &config.Error{File: r.Recorded.Source, Line: r.Recorded.Line("template.version"),
				Msg: fmt.Sprintf("template pack %s is at version %s, not the %s this file records, and scaffold renders a pack as it is; check the pack out at %s, or pass --pack %s to render the pack as it is",
					r.Pack.Dir, r.Pack.Version, t.Version, t.Version, r.Pack.Dir)}
		}
		return pinned{}, nil
	case t.Name != templates.Name:
		return pinned{}, nil
	}
	tree, err := releaseTree(t.Version)
	if err != nil {
		return pinned{}, &config.Error{File: r.Recorded.Source, Line: r.Recorded.Line("template.version"), Msg: oneLine(err.Error())}
	}
	return pinned{t.Version, tree}, nil
}

// releaseTree is the tree of a release of the builtin templates: the
// current templates for this scaffold's own version, which is what it
// releases, and the archive for an earlier one. An unknown version is
// told with the versions there are.
func releaseTree(version string) (generator.Tree, error) {
	trees, err := update.Builtins(version)
	switch {
	case errors.Is(err, update.ErrNewerTemplates):
		return generator.Tree{}, err
	case errors.Is(err, releases.ErrUnknownVersion):
		return generator.Tree{}, fmt.Errorf("no release of the builtin templates has version %q; this scaffold has %s (scaffold templates list)",
			version, strings.Join(releases.Versions(), ", "))
	case err != nil:
		return generator.Tree{}, err
	}
	return trees[0], nil
}
