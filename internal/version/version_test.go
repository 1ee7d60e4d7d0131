package version

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/djscaffold/scaffold", Version: "v1.4.0"}}
	tree := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"},
	}}
	for _, tc := range []struct {
		name                  string
		info                  *debug.BuildInfo
		version, commit, date string
		want                  Info
	}{
		{"go install @v1.4.0, no ldflags", installed, "", "", "", Info{"v1.4.0", "unknown", "unknown", "go1.26.8"}},
		{"work tree with VCS stamps", tree, "", "", "", Info{"dev", "0123abc", "2026-01-02T03:04:05Z", "go1.26.8"}},
		{"release build", installed, "1.5.0", "fff", "2026-02-03T00:00:00Z", Info{"v1.5.0", "fff", "2026-02-03T00:00:00Z", "go1.26.8"}},
		{"no build info", nil, "", "", "", Info{Version: "dev", Commit: "unknown", Date: "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := resolve(tc.info, tc.version, tc.commit, tc.date)
			if tc.info == nil {
				got.GoVersion = ""
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
