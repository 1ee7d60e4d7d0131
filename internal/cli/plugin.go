package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// errNoPlugin means no docker CLI plugin of that name is installed.
var errNoPlugin = errors.New("plugin not found")

// FindDockerPlugin returns the path of the docker CLI plugin NAME, such as
// "compose", searched for in the folders the docker client searches, and in
// the same order, without running anything: starting the Compose plugin
// takes longer than writing a whole project. It reads the environment.
func FindDockerPlugin(name string) (string, error) {
	return pluginSearch{
		getenv:     os.Getenv,
		systemDirs: systemPluginDirs(runtime.GOOS, os.Getenv),
		goos:       runtime.GOOS,
	}.find(name)
}

// pluginSearch is where the docker client looks for its plugins.
type pluginSearch struct {
	getenv     func(string) string
	systemDirs []string
	goos       string
}

func (s pluginSearch) find(name string) (string, error) {
	file := "docker-" + name
	if s.goos == "windows" {
		file += ".exe"
	}
	for _, dir := range s.dirs() {
		p := filepath.Join(dir, file)
		info, err := os.Stat(p)
		if err != nil {
			continue
		}
		// The docker client takes the first file of that name it finds.
		if !info.Mode().IsRegular() || s.goos != "windows" && info.Mode().Perm()&0o111 == 0 {
			return "", fmt.Errorf("%s is not an executable file", p)
		}
		return p, nil
	}
	return "", errNoPlugin
}

// dirs lists the plugin folders: those that the client's config.json adds
// (cliPluginsExtraDirs, as Docker Desktop and Homebrew set), the
// cli-plugins folder of the client's configuration folder, then the
// system's folders.
func (s pluginSearch) dirs() []string {
	config := s.getenv("DOCKER_CONFIG")
	if config == "" {
		home := s.getenv("HOME")
		if s.goos == "windows" {
			home = s.getenv("USERPROFILE")
		}
		if home != "" {
			config = filepath.Join(home, ".docker")
		}
	}
	var dirs []string
	if config != "" {
		dirs = append(dirs, extraPluginDirs(filepath.Join(config, "config.json"))...)
		dirs = append(dirs, filepath.Join(config, "cli-plugins"))
	}
	return append(dirs, s.systemDirs...)
}

// extraPluginDirs reads cliPluginsExtraDirs from a docker client's
// config.json. A file that is missing or unreadable adds nothing, as it
// does for the client.
func extraPluginDirs(configFile string) []string {
	data, err := os.ReadFile(configFile)
	if err != nil || !bytes.Contains(data, []byte("cliPluginsExtraDirs")) {
		return nil
	}
	var cfg struct {
		Dirs []string `json:"cliPluginsExtraDirs"`
	}
	if json.Unmarshal(data, &cfg) != nil {
		return nil
	}
	return cfg.Dirs
}

// systemPluginDirs are the folders where packages install docker's plugins.
func systemPluginDirs(goos string, getenv func(string) string) []string {
	if goos == "windows" {
		return []string{
			filepath.Join(getenv("ProgramData"), "Docker", "cli-plugins"),
			filepath.Join(getenv("ProgramFiles"), "Docker", "cli-plugins"),
		}
	}
	return []string{
		"/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
		"/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins",
	}
}
