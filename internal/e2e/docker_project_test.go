package e2e

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// dockerCanonical is a distribution's name as package indexes compare it (PEP 503).
func dockerCanonical(name string) string {
	return strings.ToLower(regexp.MustCompile(`[-_.]+`).ReplaceAllString(name, "-"))
}

// dockerWheelVersions lists the versions of every distribution in a simple/ folder
// of wheels.
func dockerWheelVersions(simple string) (map[string][]string, error) {
	dirs, err := os.ReadDir(simple)
	if err != nil {
		return nil, fmt.Errorf("the package index has no wheels for this Python: %w", err)
	}
	have := map[string][]string{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(simple, d.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			parts := strings.Split(strings.TrimSuffix(f.Name(), ".whl"), "-")
			if !strings.HasSuffix(f.Name(), ".whl") || len(parts) < 5 {
				continue
			}
			have[dockerCanonical(d.Name())] = append(have[dockerCanonical(d.Name())], parts[1])
		}
	}
	return have, nil
}

// dockerVersionKey orders versions by their numeric release parts.
func dockerVersionKey(v string) []int {
	var key []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(strings.TrimLeftFunc(p, func(r rune) bool { return r < '0' || r > '9' }))
		if err != nil {
			n, _ = strconv.Atoi(regexp.MustCompile(`^\d*`).FindString(p))
		}
		key = append(key, n)
	}
	return key
}

// dockerBestVersion picks the version of have for a pin: the same one, else the
// newest of the same major.minor series, else the newest.
func dockerBestVersion(pin string, have []string) string {
	if slices.Contains(have, pin) {
		return pin
	}
	sorted := slices.Clone(have)
	sort.Slice(sorted, func(i, j int) bool {
		return slices.Compare(dockerVersionKey(sorted[i]), dockerVersionKey(sorted[j])) > 0
	})
	series := func(v string) string {
		k := dockerVersionKey(v)
		if len(k) < 2 {
			return fmt.Sprint(k)
		}
		return fmt.Sprint(k[:2])
	}
	for _, v := range sorted {
		if series(v) == series(pin) {
			return v
		}
	}
	return sorted[0]
}

var dockerPinLine = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)(.*)$`)

// dockerRewritePins rewrites the pins of a requirements file to the versions the
// package index has, and returns each substitution. Nothing else changes.
func dockerRewritePins(path string, have map[string][]string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.SplitAfter(string(src), "\n")
	var changes []string
	for i, line := range lines {
		body := strings.TrimRight(line, "\n")
		m := dockerPinLine.FindStringSubmatch(body)
		if m == nil {
			continue
		}
		name, extras, pin, rest := m[1], m[2], m[3], m[4]
		versions := have[dockerCanonical(name)]
		if len(versions) == 0 {
			return nil, fmt.Errorf("%s: the package index has no %s", filepath.Base(path), name)
		}
		v := dockerBestVersion(pin, versions)
		if v == pin {
			continue
		}
		lines[i] = name + extras + "==" + v + rest + strings.TrimPrefix(line, body)
		changes = append(changes, fmt.Sprintf("%s%s==%s -> ==%s", name, extras, pin, v))
	}
	if len(changes) == 0 {
		return nil, nil
	}
	return changes, os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644)
}

// dockerSetEnv sets variables in a .env file: an existing line is replaced in
// place, a new one is added at the end. The file keeps its mode.
func dockerSetEnv(path string, settings map[string]string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	var out []string
	done := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		name, _, ok := strings.Cut(line, "=")
		if v, set := settings[strings.TrimSpace(name)]; ok && set && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			line = strings.TrimSpace(name) + "=" + v
			done[strings.TrimSpace(name)] = true
		}
		out = append(out, line)
	}
	f.Close()
	if err := sc.Err(); err != nil {
		return err
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range settings {
			if !yield(k) {
				return
			}
		}
	}) {
		if !done[k] {
			out = append(out, k+"="+settings[k])
		}
	}
	return os.WriteFile(path, []byte(strings.Join(out, "\n")+"\n"), info.Mode().Perm())
}

func dockerShowSettings(settings map[string]string) string {
	var parts []string
	for k, v := range settings {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// dockerChownTree gives a folder and everything in it to uid:gid.
func dockerChownTree(dir string, uid, gid int) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}

func dockerOwner(path string) (uid, gid int, err error) {
	info, err := os.Lstat(path)
	if err != nil {
		return 0, 0, err
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, fmt.Errorf("%s: no owner information", path)
	}
	return int(st.Uid), int(st.Gid), nil
}
