package cli

import (
	"slices"

	"github.com/spf13/cobra"
)

var shells = []string{"bash", "zsh", "fish", "powershell"}

// newCompletionCommand replaces cobra's own, which prints its help and
// exits 0 for a missing or unknown shell.
func newCompletionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or powershell",
		Long: `Print the script that completes scaffold's commands, flags and values in
the given shell. Load it in the current shell, or save it where the shell
loads completions from, as the examples show.`,
		Example: `  # bash, in the current shell (needs the bash-completion package)
  source <(scaffold completion bash)

  # zsh, in every new shell
  scaffold completion zsh > "${fpath[1]}/_scaffold"

  # fish
  scaffold completion fish > ~/.config/fish/completions/scaffold.fish

  # PowerShell, in the current shell
  scaffold completion powershell | Out-String | Invoke-Expression`,
		ValidArgs: shells,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return usagef("name a shell: scaffold completion bash, zsh, fish or powershell")
			case len(args) > 1:
				return usagef("name one shell: scaffold completion bash, zsh, fish or powershell")
			case !slices.Contains(shells, args[0]):
				return usagef("unknown shell %q; use bash, zsh, fish or powershell", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, true)
			}
			return root.GenPowerShellCompletionWithDesc(out)
		},
	}
}
