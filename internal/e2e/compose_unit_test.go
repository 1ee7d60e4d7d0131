package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

const validCompose = `services:
  db:
    image: postgres:17
    environment:
      POSTGRES_DB: app
      POSTGRES_USER: app
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}
    volumes:
      - postgres-data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app -d app"]
      interval: 5s
      timeout: 3s
      retries: 10

  migrate:
    build: .
    command: ["python", "manage.py", "migrate", "--noinput"]
    env_file: .env
    restart: "no"
    depends_on:
      db:
        condition: service_healthy

  web:
    build:
      context: .
      args:
        UID: ${UID:-1000}
    ports:
      - "8000:8000"
    env_file: .env
    depends_on:
      db:
        condition: service_healthy
      migrate:
        condition: service_completed_successfully
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health/')"]
      interval: 10s
    develop:
      watch:
        - action: sync
          path: .
          target: /app
          ignore:
            - .venv/
        - action: rebuild
          path: requirements.txt

volumes:
  postgres-data:
`

const prodOverride = `services:
  web:
    environment:
      DJANGO_DEBUG: "False"
    command: ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
`

const validEnv = "POSTGRES_PASSWORD=s3cret\nDJANGO_SECRET_KEY=k3y\nDJANGO_DEBUG=True\n"

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "myapi")
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadComposeValid(t *testing.T) {
	// The machine's environment must not leak into interpolation.
	t.Setenv("POSTGRES_PASSWORD", "from-the-shell")
	t.Setenv("COMPOSE_PROFILES", "nothing")
	dir := writeTree(t, map[string]string{
		"docker-compose.yml":      validCompose,
		"docker-compose.prod.yml": prodOverride,
		".env":                    validEnv,
	})

	p, err := loadCompose(t, dir, "docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "myapi" {
		t.Errorf("project name = %q, want myapi", p.Name)
	}
	db := p.Services["db"]
	if got := *db.Environment["POSTGRES_PASSWORD"]; got != "s3cret" {
		t.Errorf("POSTGRES_PASSWORD = %q, want the value from .env", got)
	}
	web := p.Services["web"]
	if got := web.DependsOn["migrate"].Condition; got != types.ServiceConditionCompletedSuccessfully {
		t.Errorf("web depends on migrate with %q", got)
	}
	if web.Build == nil || web.Build.Context != dir {
		t.Errorf("web build context = %+v, want %s", web.Build, dir)
	}
	if web.Develop == nil || len(web.Develop.Watch) != 2 {
		t.Errorf("web develop.watch = %+v", web.Develop)
	}
	if got := *web.Environment["DJANGO_SECRET_KEY"]; got != "k3y" {
		t.Errorf("env_file not resolved: DJANGO_SECRET_KEY = %q", got)
	}
	if _, ok := p.Volumes["postgres-data"]; !ok {
		t.Errorf("named volume missing: %v", p.Volumes)
	}

	p, err = loadCompose(t, dir, "docker-compose.yml", "docker-compose.prod.yml")
	if err != nil {
		t.Fatal(err)
	}
	web = p.Services["web"]
	if got := *web.Environment["DJANGO_DEBUG"]; got != "False" {
		t.Errorf("override not applied: DJANGO_DEBUG = %q", got)
	}
	if got := web.Command; len(got) == 0 || got[0] != "gunicorn" {
		t.Errorf("override command = %q", got)
	}
}

func TestLoadComposeBroken(t *testing.T) {
	tests := []struct {
		name    string
		compose string
		env     string
		want    string
	}{
		{
			name:    "unknown key",
			compose: strings.Replace(validCompose, "    ports:", "    portz:\n      - \"8000:8000\"\n    ports:", 1),
			env:     validEnv,
			want:    "portz",
		},
		{
			name:    "undefined dependency",
			compose: strings.Replace(validCompose, "      migrate:\n        condition: service_completed_successfully", "      cache:\n        condition: service_healthy", 1),
			env:     validEnv,
			want:    "cache",
		},
		{
			name:    "missing required variable",
			compose: validCompose,
			env:     "DJANGO_SECRET_KEY=k3y\n",
			want:    "set POSTGRES_PASSWORD in .env",
		},
		{
			name:    "undefined volume",
			compose: strings.Replace(validCompose, "volumes:\n  postgres-data:\n", "", 1),
			env:     validEnv,
			want:    "postgres-data",
		},
		{
			name:    "missing env_file",
			compose: validCompose,
			want:    ".env",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"docker-compose.yml": tt.compose}
			if tt.env != "" {
				files[".env"] = tt.env
			}
			dir := writeTree(t, files)
			_, err := loadCompose(t, dir, "docker-compose.yml")
			if err == nil {
				t.Fatalf("loaded, want an error mentioning %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
			t.Log(err)
		})
	}
}
