package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Breakages of a generated project that the Docker stage must catch, each at its
// own step. They edit the project's files the way a careless change would.

func dockerEdit(dir, name string, edit func(src string) (string, error)) error {
	path := filepath.Join(dir, name)
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := edit(string(src))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(path, []byte(out), 0o644)
}

var dockerCopyLine = regexp.MustCompile(`(?m)^(COPY(?: --[a-z]+=\S+)*) (\S+) (\S+)$`)

// dockerBreakCopyPath makes the first COPY from the build context name a file that
// does not exist.
func dockerBreakCopyPath(dir string) error {
	return dockerEdit(dir, "Dockerfile", func(src string) (string, error) {
		for _, m := range dockerCopyLine.FindAllStringSubmatchIndex(src, -1) {
			opts, source := src[m[2]:m[3]], src[m[4]:m[5]]
			if strings.Contains(opts, "--from") || source == "." {
				continue
			}
			return src[:m[5]] + ".missing" + src[m[5]:], nil
		}
		return "", fmt.Errorf("no COPY of a file from the build context")
	})
}

// dockerBreakAppPermissions takes /app away from the image's user: only root may
// read the code.
func dockerBreakAppPermissions(dir string) error {
	return dockerEdit(dir, "Dockerfile", func(src string) (string, error) {
		i := strings.LastIndex(src, "\nUSER ")
		if i < 0 {
			return "", fmt.Errorf("no USER instruction")
		}
		return src[:i+1] + "RUN chown -R root:root /app && chmod -R go-rwx /app\n" + src[i+1:], nil
	})
}

var dockerMigrateCommand = regexp.MustCompile(`("manage\.py",\s*"migrate"[^\]]*)\]`)

// dockerBreakMigrate makes the migrate service exit with an error.
func dockerBreakMigrate(dir string) error {
	return dockerEdit(dir, "docker-compose.yml", func(src string) (string, error) {
		if !dockerMigrateCommand.MatchString(src) {
			return "", fmt.Errorf("no migrate command")
		}
		return dockerMigrateCommand.ReplaceAllString(src, `$1, "--database", "e2e-no-such-database"]`), nil
	})
}

// dockerBreakProductionMount makes the production run of web bind-mount the code, as
// the development override does: web's own volumes in the production override gain
// it (a value on the volumes: line itself, such as an alias or !reset, gives way to
// a list), or web gets volumes: with it.
func dockerBreakProductionMount(dir string) error {
	return dockerEdit(dir, "docker-compose.prod.yml", func(src string) (string, error) {
		const bind = "      - .:/app\n"
		start := strings.Index(src, "\n  web:\n")
		if start < 0 {
			return "", fmt.Errorf("no web service")
		}
		start += len("\n  web:\n")
		end := len(src)
		if m := dockerNextService.FindStringIndex(src[start:]); m != nil {
			end = start + m[0] + 1
		}
		web := src[start:end]
		loc := dockerVolumesKey.FindStringSubmatchIndex(web)
		switch {
		case loc == nil:
			return src[:start] + "    volumes:\n" + bind + src[start:], nil
		case loc[2] == loc[3]: // a block list follows
			at := start + loc[1]
			return src[:at] + bind + src[at:], nil
		default:
			return src[:start+loc[0]] + "    volumes:\n" + bind + src[start+loc[1]:], nil
		}
	})
}

var (
	// The next line at the indentation of a service, or less.
	dockerNextService = regexp.MustCompile(`\n {0,2}[^\s#]`)
	// web's volumes: key, with whatever follows it on its line.
	dockerVolumesKey = regexp.MustCompile(`(?m)^    volumes:[ \t]*(\S.*)?\n`)
)
