package cli

import (
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// exclusiveKey prefixes the annotation that says why flags exclude each
// other.
const exclusiveKey = "scaffold-exclusive "

// markExclusive marks flags that cannot be used together, with cobra's
// MarkFlagsMutuallyExclusive, and says why, for the error.
func markExclusive(cmd *cobra.Command, why string, flags ...string) {
	cmd.MarkFlagsMutuallyExclusive(flags...)
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[exclusiveKey+strings.Join(flags, " ")] = why
	cmd.PreRunE = checkFlagGroups
}

// checkFlagGroups runs cobra's check of the flag groups before cobra does,
// so that a mistake there is a usage error told in one line:
// "--yes and --no-input cannot be used together; ...".
func checkFlagGroups(cmd *cobra.Command, _ []string) error {
	err := cmd.ValidateFlagGroups()
	if err == nil {
		return nil
	}
	for _, key := range slices.Sorted(maps.Keys(cmd.Annotations)) {
		group, ok := strings.CutPrefix(key, exclusiveKey)
		if !ok {
			continue
		}
		var set []string
		for _, name := range strings.Fields(group) {
			if cmd.Flags().Changed(name) {
				set = append(set, "--"+name)
			}
		}
		if len(set) > 1 {
			return usagef("%s cannot be used together; %s", strings.Join(set, " and "), cmd.Annotations[key])
		}
	}
	return &usageError{Err: err}
}

// definePack adds --pack DIR, and --template, its older name, which stays
// as an alias: "template" alone means one file of a template tree.
func definePack(cmd *cobra.Command, dir *string, usage string) {
	f := cmd.Flags()
	f.StringVar(dir, "pack", "", usage)
	f.StringVar(dir, "template", "", "the older name of --pack, which it means")
	markExclusive(cmd, "--template is the older name of --pack: keep --pack", "pack", "template")
}
