package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// The oldest Docker Engine and Compose that generated projects run on. The
// Dockerfile needs BuildKit (RUN --mount, COPY --chmod), which Engine 20.10 has.
// Compose: the README's development loop, `docker compose up --watch`, needs
// 2.24.7, the first release with that flag; the compose files themselves need 2.22
// (develop.watch), and the rest of what they and the README use (depends_on
// conditions, --wait, --wait-timeout, build args from the environment, several
// files merged) is older still.
var (
	minDockerEngine = release{20, 10, 0}
	minCompose      = release{2, 24, 7}
)

// release is a version's major, minor and patch numbers.
type release [3]int

// String leaves out a patch number of 0, as Docker names its Engine releases: 20.10.
func (r release) String() string {
	if r[2] == 0 {
		return fmt.Sprintf("%d.%d", r[0], r[1])
	}
	return fmt.Sprintf("%d.%d.%d", r[0], r[1], r[2])
}

func (r release) less(o release) bool {
	for i := range r {
		if r[i] != o[i] {
			return r[i] < o[i]
		}
	}
	return false
}

// parseRelease reads the numbers at the start of a version as programs print it:
// "v2.40.3", "2.24.4-desktop.1", "20.10.24+dfsg1", "28.2". A missing patch
// number is 0; ok is false when there is no major.minor to read.
func parseRelease(s string) (r release, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	end := strings.IndexFunc(s, func(c rune) bool { return (c < '0' || c > '9') && c != '.' })
	if end >= 0 {
		s = s[:end]
	}
	parts := strings.Split(strings.TrimSuffix(s, "."), ".")
	if len(parts) < 2 {
		return r, false
	}
	for i := 0; i < len(parts) && i < 3; i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return r, false
		}
		r[i] = n
	}
	return r, true
}

// checkMinimum turns a version older than min into the check's problem. A version
// it cannot read is reported without failing the doctor: it may be a build of
// the program's own.
func (c *check) checkMinimum(min release, fix string) {
	v, ok := parseRelease(c.version)
	switch {
	case !ok:
		c.problem = fmt.Sprintf("version %q not understood; generated projects need %s or newer", c.version, min)
		c.optional = true
	case v.less(min):
		c.problem = fmt.Sprintf("%s is too old; generated projects need %s or newer", c.version, min)
		c.fix = fix
	}
}
