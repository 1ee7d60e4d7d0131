package e2e

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
)

func init() {
	// compose-go logs its warnings globally; the checks that matter (obsolete
	// version key, unset variables) are failures of their own here.
	logrus.SetOutput(io.Discard)
}

// loadCompose loads the compose files in dir, in order (base, then overrides),
// the way `docker compose config` does: validated, interpolated, normalized,
// consistency-checked, with paths resolved against dir. Variables come only
// from dir/.env so that the result does not depend on the machine's
// environment. The error is compose-go's, unchanged.
func loadCompose(t testing.TB, dir string, files ...string) (*types.Project, error) {
	t.Helper()
	return loadComposeProfiles(t, dir, nil, files...)
}

// loadComposeProfiles is loadCompose with the given profiles active; nil
// leaves COMPOSE_PROFILES from .env in charge, as docker compose does, and
// "*" enables every service.
func loadComposeProfiles(t testing.TB, dir string, profiles []string, files ...string) (*types.Project, error) {
	t.Helper()
	ctx := t.Context()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("compose dir: %v", err)
	}
	paths := make([]string, len(files))
	for i, f := range files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(abs, f)
		}
		paths[i] = f
	}

	opts, err := cli.NewProjectOptions(paths,
		cli.WithWorkingDirectory(abs),
		// An explicit file: WithEnvFiles() without arguments would consult
		// COMPOSE_DISABLE_ENV_FILE in the process environment.
		cli.WithEnvFiles(filepath.Join(abs, ".env")),
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
		cli.WithName(loader.NormalizeProjectName(filepath.Base(abs))),
		cli.WithInterpolation(true),
		cli.WithResolvedPaths(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(ctx)
}
