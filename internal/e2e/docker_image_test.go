package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// dockerScaffoldImage builds scaffold's own container image from the Dockerfile
// at the repository's root, as GoReleaser does for a tag (the binary under
// PLATFORM/scaffold, Debian's CA certificates beside it), and runs it as the
// README says: as the user, in the user's folder. The files it writes belong to
// that user.
func dockerScaffoldImage(t *testing.T, env *dockerEnv) {
	const image = "scaffold-e2e/scaffold:dev"
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.TempDir()
	platform := "linux/" + runtime.GOARCH
	bin := filepath.Join(ctx, platform, "scaffold")
	build := []string{"go", "build", "-trimpath", "-ldflags", "-s -w -buildid=", "-o", bin, "./cmd/scaffold"}
	if out, err := dynRunCommand(repo, append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux"), build, 5*time.Minute); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	certs, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Fatalf("Debian's CA certificates: %v (install ca-certificates)", err)
	}
	if err := os.MkdirAll(filepath.Join(ctx, "build/release/image"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ctx, "build/release/image/ca-certificates.crt"), certs, 0o644); err != nil {
		t.Fatal(err)
	}
	docker := func(timeout time.Duration, args ...string) string {
		t.Helper()
		out, err := dynRunCommand(ctx, os.Environ(), append([]string{"docker"}, args...), timeout)
		if err != nil {
			t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, dynTail(out, dynTailLines))
		}
		return out
	}
	docker(5*time.Minute, "build", "--platform", platform, "-f", filepath.Join(repo, "Dockerfile"), "-t", image, ctx)
	if user := strings.TrimSpace(docker(time.Minute, "image", "inspect", "--format", "{{.Config.User}}", image)); user == "" || user == "0" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0:") {
		t.Errorf("the image runs as %q; want a user other than root", user)
	}
	if out := docker(time.Minute, "run", "--rm", image, "version"); !strings.HasPrefix(out, "scaffold ") {
		t.Errorf("version in the image: %q", out)
	}

	work := t.TempDir()
	if err := os.Chown(work, env.uid, env.gid); err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("%d:%d", env.uid, env.gid)
	out := docker(2*time.Minute, "run", "--rm", "--user", user, "-v", work+":/work", "-w", "/work", image, "new", "myapi", "--yes")
	if _, err := os.Stat(filepath.Join(work, "myapi", "manage.py")); err != nil {
		t.Fatalf("new myapi in the image wrote no project: %v\n%s", err, out)
	}
	n := 0
	err = filepath.WalkDir(filepath.Join(work, "myapi"), func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		uid, gid, err := dockerOwner(p)
		if err != nil {
			return err
		}
		if uid != env.uid || gid != env.gid {
			return fmt.Errorf("%s belongs to %d:%d, want %s", p, uid, gid, user)
		}
		n++
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	t.Logf("%s: %d files and folders written by the image, all owned by %s", image, n, user)
	docker(time.Minute, "image", "rm", image)
}
