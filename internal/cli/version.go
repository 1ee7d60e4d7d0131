package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/version"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print scaffold's version, commit, build date and Go version",
		Example: "  scaffold version\n  scaffold --version",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), version.Get())
			return err
		},
	}
}
