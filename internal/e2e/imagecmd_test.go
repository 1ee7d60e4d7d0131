package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
)

// dynImage is what the final stage of a Dockerfile says about how the container
// starts: enough to run the same command outside Docker.
type dynImage struct {
	Entrypoint  []string
	Cmd         []string
	Healthcheck []string    // the probe's command; nil without HEALTHCHECK
	Env         [][2]string // in order; later entries win
	Runs        []string    // shell-form RUN commands, mount flags removed
}

// dynParseDockerfile reads the final stage of a Dockerfile. CMD and ENTRYPOINT
// must be in JSON form: the shell form would start a shell as PID 1, which
// swallows the stop signal.
func dynParseDockerfile(src string) (dynImage, error) {
	var img dynImage
	for _, line := range dynLogicalLines(src) {
		keyword, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(keyword) {
		case "FROM":
			img = dynImage{}
		case "CMD", "ENTRYPOINT":
			var argv []string
			if err := json.Unmarshal([]byte(rest), &argv); err != nil {
				return img, fmt.Errorf("%s %s: not a JSON array of strings: %v", keyword, rest, err)
			}
			if strings.EqualFold(keyword, "CMD") {
				img.Cmd = argv
			} else {
				img.Entrypoint = argv
			}
		case "HEALTHCHECK":
			for strings.HasPrefix(rest, "--") {
				_, rest, _ = strings.Cut(rest, " ")
				rest = strings.TrimSpace(rest)
			}
			probe, isCmd := strings.CutPrefix(rest, "CMD ")
			switch probe = strings.TrimSpace(probe); {
			case strings.EqualFold(rest, "NONE"):
				img.Healthcheck = nil
			case !isCmd:
				return img, fmt.Errorf("HEALTHCHECK %s: want CMD after the options", rest)
			case strings.HasPrefix(probe, "["):
				if err := json.Unmarshal([]byte(probe), &img.Healthcheck); err != nil {
					return img, fmt.Errorf("HEALTHCHECK CMD %s: not a JSON array of strings: %v", probe, err)
				}
			default:
				img.Healthcheck = []string{"/bin/sh", "-c", probe}
			}
		case "ENV":
			pairs, err := dynParseEnv(rest)
			if err != nil {
				return img, fmt.Errorf("ENV %s: %v", rest, err)
			}
			img.Env = append(img.Env, pairs...)
		case "RUN":
			for strings.HasPrefix(rest, "--") {
				_, rest, _ = strings.Cut(rest, " ")
				rest = strings.TrimSpace(rest)
			}
			img.Runs = append(img.Runs, rest)
		}
	}
	if len(img.Cmd) == 0 && len(img.Entrypoint) == 0 {
		return img, fmt.Errorf("the final stage has neither CMD nor ENTRYPOINT")
	}
	return img, nil
}

// dynLogicalLines joins backslash continuations and drops comments and blank
// lines, as the Dockerfile parser does.
func dynLogicalLines(src string) []string {
	var out []string
	var cur strings.Builder
	for _, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if body, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(line)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// dynParseEnv reads `ENV a=1 b="two words"` and the legacy `ENV a value`.
func dynParseEnv(s string) ([][2]string, error) {
	words, err := dynSplitWords(s)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("no variable")
	}
	if !strings.Contains(words[0], "=") {
		_, value, _ := strings.Cut(s, " ")
		return [][2]string{{words[0], strings.TrimSpace(value)}}, nil
	}
	var pairs [][2]string
	for _, w := range words {
		name, value, ok := strings.Cut(w, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not name=value", w)
		}
		pairs = append(pairs, [2]string{name, value})
	}
	return pairs, nil
}

// dynSplitWords splits on blanks outside quotes and removes the quotes.
func dynSplitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// dynBindTo points a command at addr instead of the container's 0.0.0.0:8000 and
// says whether the command named that address at all.
func dynBindTo(argv []string, addr string) ([]string, bool) {
	out := make([]string, len(argv))
	found := false
	for i, a := range argv {
		if strings.Contains(a, "0.0.0.0:8000") {
			a = strings.ReplaceAll(a, "0.0.0.0:8000", addr)
			found = true
		}
		out[i] = a
	}
	return out, found
}
