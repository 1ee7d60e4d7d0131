package cli

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pluginMachine is a machine whose home, docker configuration and system
// plugin folders are under a temporary folder.
type pluginMachine struct {
	root string
	env  map[string]string
}

func newPluginMachine(t *testing.T) *pluginMachine {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("plugins are found by their executable bit")
	}
	root := t.TempDir()
	return &pluginMachine{root: root, env: map[string]string{"HOME": filepath.Join(root, "home")}}
}

func (m *pluginMachine) search() pluginSearch {
	return pluginSearch{
		getenv:     func(k string) string { return m.env[k] },
		systemDirs: []string{filepath.Join(m.root, "usr/local/lib/docker/cli-plugins"), filepath.Join(m.root, "usr/libexec/docker/cli-plugins")},
		goos:       runtime.GOOS,
	}
}

// file writes name under the machine's root.
func (m *pluginMachine) file(t *testing.T, name, data string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(m.root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindDockerPlugin(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(t *testing.T, m *pluginMachine)
		want  string // path under the root; empty when not found
	}{
		"nowhere": {func(*testing.T, *pluginMachine) {}, ""},
		"home": {func(t *testing.T, m *pluginMachine) {
			m.file(t, "home/.docker/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
		}, "home/.docker/cli-plugins/docker-compose"},
		"system": {func(t *testing.T, m *pluginMachine) {
			m.file(t, "usr/libexec/docker/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
		}, "usr/libexec/docker/cli-plugins/docker-compose"},
		"DOCKER_CONFIG instead of the home folder": {func(t *testing.T, m *pluginMachine) {
			m.file(t, "home/.docker/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
			m.file(t, "cfg/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
			m.env["DOCKER_CONFIG"] = filepath.Join(m.root, "cfg")
		}, "cfg/cli-plugins/docker-compose"},
		"config.json's extra folders": {func(t *testing.T, m *pluginMachine) {
			m.file(t, "desktop/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
			m.file(t, "home/.docker/config.json",
				`{"auths": {}, "cliPluginsExtraDirs": ["`+filepath.Join(m.root, "desktop/cli-plugins")+`"]}`, 0o600)
		}, "desktop/cli-plugins/docker-compose"},
		"a config.json that does not parse": {func(t *testing.T, m *pluginMachine) {
			m.file(t, "desktop/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
			m.file(t, "home/.docker/config.json", `{"cliPluginsExtraDirs": [`, 0o600)
			m.file(t, "usr/local/lib/docker/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
		}, "usr/local/lib/docker/cli-plugins/docker-compose"},
		"a linked plugin": {func(t *testing.T, m *pluginMachine) {
			target := m.file(t, "opt/compose/bin/compose", "#!/bin/sh\n", 0o755)
			m.file(t, "home/.docker/cli-plugins/.keep", "", 0o644)
			if err := os.Symlink(target, filepath.Join(m.root, "home/.docker/cli-plugins/docker-compose")); err != nil {
				t.Fatal(err)
			}
		}, "home/.docker/cli-plugins/docker-compose"},
		"another plugin": {func(t *testing.T, m *pluginMachine) {
			m.file(t, "usr/libexec/docker/cli-plugins/docker-buildx", "#!/bin/sh\n", 0o755)
		}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			m := newPluginMachine(t)
			tc.setup(t, m)
			got, err := m.search().find("compose")
			if tc.want == "" {
				if !errors.Is(err, errNoPlugin) {
					t.Errorf("find = %q, %v; want errNoPlugin", got, err)
				}
				return
			}
			if want := filepath.Join(m.root, tc.want); got != want || err != nil {
				t.Errorf("find = %q, %v; want %q", got, err, want)
			}
		})
	}
}

func TestFindDockerPluginNotExecutable(t *testing.T) {
	m := newPluginMachine(t)
	p := m.file(t, "home/.docker/cli-plugins/docker-compose", "", 0o644)
	m.file(t, "usr/libexec/docker/cli-plugins/docker-compose", "#!/bin/sh\n", 0o755)
	// The docker client would try the first one it finds, and fail.
	_, err := m.search().find("compose")
	if err == nil || errors.Is(err, errNoPlugin) || !strings.Contains(err.Error(), p+" is not an executable file") {
		t.Errorf("find: %v; want that %s is not executable", err, p)
	}
}

// BenchmarkFindDockerPlugin is what scaffold new spends on looking for
// Compose, where no plugin is installed: every folder is tried.
func BenchmarkFindDockerPlugin(b *testing.B) {
	root := b.TempDir()
	s := pluginSearch{
		getenv:     func(string) string { return root },
		systemDirs: systemPluginDirs("linux", func(string) string { return "" }),
		goos:       "linux",
	}
	for b.Loop() {
		if _, err := s.find("no-such-plugin"); !errors.Is(err, errNoPlugin) {
			b.Fatal(err)
		}
	}
}
