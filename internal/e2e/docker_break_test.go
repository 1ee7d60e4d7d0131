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

// dockerBreakProductionMount makes the production run of web keep the code's bind
// mount: where the production override resets web's volumes, that reset goes; where
// the bind mount lives only in the development files, the override gains it.
func dockerBreakProductionMount(dir string) error {
	return dockerEdit(dir, "docker-compose.prod.yml", func(src string) (string, error) {
		if out, err := dockerDropWebVolumes(src); err == nil {
			return out, nil
		}
		i := strings.Index(src, "\n  web:\n")
		if i < 0 {
			return "", fmt.Errorf("no web service")
		}
		i += len("\n  web:\n")
		return src[:i] + "    volumes:\n      - .:/app\n" + src[i:], nil
	})
}

func dockerDropWebVolumes(src string) (string, error) {
	{
		lines := strings.SplitAfter(src, "\n")
		var out []string
		inWeb, dropping, dropped := false, false, false
		for _, line := range lines {
			trimmed := strings.TrimRight(line, "\n")
			indent := len(trimmed) - len(strings.TrimLeft(trimmed, " "))
			switch {
			case trimmed == "  web:":
				inWeb = true
			case indent <= 2 && strings.TrimSpace(trimmed) != "" && !strings.HasPrefix(strings.TrimSpace(trimmed), "#"):
				inWeb = false
			}
			if dropping {
				if indent > 4 || strings.TrimSpace(trimmed) == "" {
					continue
				}
				dropping = false
			}
			if inWeb && indent == 4 && strings.HasPrefix(strings.TrimSpace(trimmed), "volumes:") {
				dropping, dropped = true, true
				continue
			}
			out = append(out, line)
		}
		if !dropped {
			return "", fmt.Errorf("web has no volumes: key")
		}
		return strings.Join(out, ""), nil
	}
}
