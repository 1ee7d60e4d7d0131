package e2e

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/writer"
)

func TestDockerRewritePins(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "requirements.txt")
	src := "Django==5.2.18\npsycopg[binary]==3.3.9  # the driver\nwhitenoise==6.12.0\n-r other.txt\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	have := map[string][]string{
		"django":     {"6.1.1", "5.2.8", "5.1.9"},
		"psycopg":    {"3.3.5"},
		"whitenoise": {"6.12.0"},
	}
	changes, err := dockerRewritePins(path, have)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "Django==5.2.8\npsycopg[binary]==3.3.5  # the driver\nwhitenoise==6.12.0\n-r other.txt\n"
	if string(got) != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
	}
	if strings.Join(changes, "; ") != "Django==5.2.18 -> ==5.2.8; psycopg[binary]==3.3.9 -> ==3.3.5" {
		t.Errorf("changes: %q", changes)
	}
	if _, err := dockerRewritePins(path, map[string][]string{}); err == nil || !strings.Contains(err.Error(), "has no Django") {
		t.Errorf("a distribution the index lacks: %v", err)
	}
}

func TestDockerBestVersion(t *testing.T) {
	for _, c := range []struct {
		pin  string
		have []string
		want string
	}{
		{"5.2.18", []string{"5.2.18", "6.1.1"}, "5.2.18"},
		{"6.1.3", []string{"5.2.8", "6.1.1", "6.0.2"}, "6.1.1"},
		{"27.0.1", []string{"23.0.0", "25.1.0"}, "25.1.0"},
		{"2025.2", []string{"2024.10", "2025.1"}, "2025.1"},
	} {
		if got := dockerBestVersion(c.pin, c.have); got != c.want {
			t.Errorf("dockerBestVersion(%s, %v) = %s, want %s", c.pin, c.have, got, c.want)
		}
	}
}

func TestDockerParseProgress(t *testing.T) {
	out := `#1 [internal] load build definition from Dockerfile
#1 DONE 0.0s
#9 [builder 4/4] RUN --mount=type=cache,target=/root/.cache/pip     /opt/venv/bin/pip install --requirement "/tmp/requirements/${REQUIREMENTS}"
#9 CACHED

#12 [runtime 6/8] COPY . .
#12 DONE 0.1s
#13 [runtime 7/8] RUN python manage.py collectstatic --noinput
#13 0.512 129 static files copied.
#13 DONE 1.2s
`
	steps := dockerParseProgress(out)
	if len(steps) != 4 {
		t.Fatalf("steps: %+v", steps)
	}
	if !strings.Contains(steps[1].title, "pip install") || !steps[1].cached {
		t.Errorf("pip step: %+v", steps[1])
	}
	if steps[2].title != "[runtime 6/8] COPY . ." || steps[2].cached {
		t.Errorf("COPY step: %+v", steps[2])
	}
	if steps[3].took != 1200*time.Millisecond {
		t.Errorf("collectstatic took %v, want 1.2s", steps[3].took)
	}
	if got, want := dockerSlowest(steps, 2), "1.2s [runtime 7/8] RUN python manage.py collectstatic --noinput; 0.1s [runtime 6/8] COPY . ."; got != want {
		t.Errorf("slowest steps: %q, want %q", got, want)
	}
}

func TestDockerServiceProblems(t *testing.T) {
	out := `{"Name":"p-db-1","Service":"db","State":"running","Health":"healthy","ExitCode":0}
{"Name":"p-migrate-1","Service":"migrate","State":"exited","Health":"","ExitCode":1}
{"Name":"p-web-1","Service":"web","State":"running","Health":"starting","ExitCode":0}
`
	entries, err := dockerParsePs(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(dockerServiceProblems(entries, []string{"db", "migrate", "web", "worker"}), "; ")
	want := "migrate: exited (exit 1), want completed with exit 0; web: starting, want healthy; worker: no container"
	if got != want {
		t.Errorf("problems:\n%s\nwant:\n%s", got, want)
	}
	entries[1].ExitCode, entries[2].Health = 0, "healthy"
	if p := dockerServiceProblems(entries, []string{"db", "migrate", "web"}); len(p) != 0 {
		t.Errorf("a healthy stack: %v", p)
	}
}

func TestDockerSetEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("# ids\nUID=1000\nGID=1000\nDJANGO_DEBUG=True\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := dockerSetEnv(path, map[string]string{"UID": "4242", "PIP_INDEX_URL": "http://127.0.0.1:1/simple/"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := "# ids\nUID=4242\nGID=1000\nDJANGO_DEBUG=True\nPIP_INDEX_URL=http://127.0.0.1:1/simple/\n"; string(got) != want {
		t.Errorf(".env:\n%s\nwant:\n%s", got, want)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

// The breakages must change the builtin templates' output, each in its own file.
func TestDockerBreakagesApply(t *testing.T) {
	for _, db := range []string{"postgres", "sqlite"} {
		o := generator.DefaultOptions()
		o.Name, o.Database = "breakme", db
		plan, err := generator.Render(o, generator.Builtin(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range dockerBreakages() {
			dir := filepath.Join(t.TempDir(), "breakme")
			if _, err := writer.Write(afero.NewOsFs(), dir, plan, false); err != nil {
				t.Fatal(err)
			}
			before := dockerReadAll(t, dir)
			if err := b.mutate(dir); err != nil {
				t.Fatalf("%s (%s): %v", b.name, db, err)
			}
			after := dockerReadAll(t, dir)
			var changed []string
			for name := range after {
				if after[name] != before[name] {
					changed = append(changed, name)
				}
			}
			if len(changed) != 1 {
				t.Errorf("%s (%s): changed %v, want one file", b.name, db, changed)
			}
			if b.step == "production" && changed[0] == "docker-compose.prod.yml" {
				proj, err := loadCompose(t, dir, "docker-compose.yml", "docker-compose.prod.yml")
				if err != nil {
					t.Fatalf("%s (%s): %v", b.name, db, err)
				}
				if !slices.ContainsFunc(proj.Services["web"].Volumes, func(v types.ServiceVolumeConfig) bool {
					return v.Type == "bind" && v.Target == "/app"
				}) {
					t.Errorf("%s (%s): web's volumes in production are %v, want the code bind-mounted on /app", b.name, db, proj.Services["web"].Volumes)
				}
			}
		}
	}
	// Every shape of web's volumes in a production override gains the bind mount.
	for _, c := range []struct{ src, want string }{
		{
			"services:\n  web:\n    image: x-web:production\n  migrate:\n    image: x\n",
			"services:\n  web:\n    volumes:\n      - .:/app\n    image: x-web:production\n  migrate:\n    image: x\n",
		},
		{
			"services:\n  web:\n    volumes: *production-volumes\n    ports: []\n  migrate:\n    volumes: *production-volumes\n",
			"services:\n  web:\n    volumes:\n      - .:/app\n    ports: []\n  migrate:\n    volumes: *production-volumes\n",
		},
		{
			"services:\n  web:\n    volumes: !reset []\n  migrate:\n    volumes: !reset []\n",
			"services:\n  web:\n    volumes:\n      - .:/app\n  migrate:\n    volumes: !reset []\n",
		},
		{
			"services:\n  web:\n    volumes:\n      - media-production:/media\n\n  migrate:\n    volumes:\n      - x:/x\n",
			"services:\n  web:\n    volumes:\n      - .:/app\n      - media-production:/media\n\n  migrate:\n    volumes:\n      - x:/x\n",
		},
		{
			"services:\n  migrate:\n    volumes:\n      - x:/x\n  web:\n    image: w\n",
			"services:\n  migrate:\n    volumes:\n      - x:/x\n  web:\n    volumes:\n      - .:/app\n    image: w\n",
		},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "docker-compose.prod.yml"), []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := dockerBreakProductionMount(dir); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, "docker-compose.prod.yml")); string(got) != c.want {
			t.Errorf("production override:\n%s\nwith the bind mount:\n%s\nwant:\n%s", c.src, got, c.want)
		}
	}
}

func dockerReadAll(t *testing.T, dir string) map[string]string {
	files := map[string]string{}
	for _, name := range []string{"Dockerfile", "docker-compose.yml", "docker-compose.prod.yml"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return files
}
