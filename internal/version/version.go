// Package version reports the version of the scaffold binary.
package version

import (
	"runtime/debug"
	"sync"
)

// String is the module version recorded by `go install`, or "dev" for
// builds from a work tree, whose main module version is "(devel)".
var String = sync.OnceValue(func() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "dev"
	}
	return info.Main.Version
})
