package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/djscaffold/scaffold/internal/version"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print scaffold's version",
		Example: "  scaffold version",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "scaffold %s\n", version.String())
			return err
		},
	}
}
