package cli

import (
	"context"
	"path/filepath"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/update"
)

// writeUpdate applies an update plan through the writer.
func writeUpdate(ctx context.Context, env *Env, dir string, plan update.Plan) error {
	if ctx.Err() != nil {
		return interrupted(ctx)
	}
	if _, err := generator.Write(env.Fs, dir, generator.Plan{Files: plan.Writes()}, true); err != nil {
		return err
	}
	for _, name := range plan.Removes() {
		if err := env.Fs.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	return nil
}
