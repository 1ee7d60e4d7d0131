// Package version reports the version of the scaffold binary.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Set by the release build with -ldflags "-X …": a binary built from a work
// tree, or by `go install …@vX.Y.Z`, has none and reads its build info.
var (
	version string
	commit  string
	date    string
)

// Info is what `scaffold version` prints.
type Info struct {
	Version   string // v1.2.3, or "dev" for a build from a work tree
	Commit    string // the commit's hash, or "unknown"
	Date      string // when the commit was made (RFC 3339), or "unknown"
	GoVersion string
}

// Get returns the binary's version information: the release build's
// values, else the module version and VCS settings that `go build` and
// `go install` record.
var Get = sync.OnceValue(func() Info {
	info, _ := debug.ReadBuildInfo()
	return resolve(info, version, commit, date)
})

// String is the binary's version: "v1.2.3", or "dev" for builds from a work
// tree, whose main module version is "(devel)".
func String() string { return Get().Version }

func resolve(info *debug.BuildInfo, version, commit, date string) Info {
	i := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version()}
	if info != nil {
		if i.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			i.Version = info.Main.Version
		}
		if info.GoVersion != "" {
			i.GoVersion = info.GoVersion
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && i.Commit == "":
				i.Commit = s.Value
			case s.Key == "vcs.time" && i.Date == "":
				i.Date = s.Value
			}
		}
	}
	if i.Version == "" {
		i.Version = "dev"
	}
	if i.Version != "dev" && !strings.HasPrefix(i.Version, "v") {
		i.Version = "v" + i.Version
	}
	if i.Commit == "" {
		i.Commit = "unknown"
	}
	if i.Date == "" {
		i.Date = "unknown"
	}
	return i
}

// String prints the information as `scaffold version` does.
func (i Info) String() string {
	return fmt.Sprintf("scaffold %s\ncommit: %s\nbuilt: %s\ngo: %s %s/%s\n", i.Version, i.Commit, i.Date, i.GoVersion, runtime.GOOS, runtime.GOARCH)
}
