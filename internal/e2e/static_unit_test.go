package e2e

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

const (
	testSecretKey  = "django-insecure-Zq8r1vX0pLm3nB7cT5yW2kH9dF4gJ6sA"
	testDBPassword = "Vb3nQ7xLk2Pz9RmT4wYc"
)

const goodDockerignore = `# keep secrets, history and local artifacts out of the image
.env
.env.db
.git
**/__pycache__
*.pyc
.venv
venv
db.sqlite3
`

// staticComposeBase is validCompose as the generated base file has it: the
// database's password in its own env file, the server published on 127.0.0.1, and
// the app's .env given by the development override only.
var staticComposeBase = strings.ReplaceAll(strings.NewReplacer(
	"      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}\n", "",
	"    env_file: .env\n    depends_on:\n      db:\n        condition: service_healthy\n      migrate:", "    env_file: .env\n    volumes:\n      - media:/media\n    depends_on:\n      db:\n        condition: service_healthy\n      migrate:",
	"volumes:\n  postgres-data:\n", "volumes:\n  postgres-data:\n  media:\n",
	// Watching belongs to the development override.
	"    develop:\n      watch:\n        - action: sync\n          path: .\n          target: /app\n          ignore:\n            - .venv/\n        - action: rebuild\n          path: requirements.txt\n", "",
	"    volumes:\n      - postgres-data", "    env_file: .env.db\n    volumes:\n      - postgres-data",
	`"8000:8000"`, `"127.0.0.1:8000:8000"`,
).Replace(validCompose), "    env_file: .env\n", "")

const staticComposeOverride = `services:
  web:
    env_file: .env
    develop:
      watch:
        - action: rebuild
          path: requirements.txt
    volumes:
      - .:/app:z
    command: ["python", "manage.py", "runserver", "0.0.0.0:8000"]
  migrate:
    env_file: .env
    volumes:
      - .:/app:z
`

const staticComposeProd = `services:
  web:
    environment:
      DJANGO_DEBUG: "False"
      DJANGO_SECRET_KEY:
    command: ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
  migrate:
    environment:
      DJANGO_DEBUG: "False"
      DJANGO_SECRET_KEY:
`

func goodProject() map[string]string {
	return map[string]string{
		".dockerignore":               goodDockerignore,
		".env":                        "DJANGO_SECRET_KEY=" + testSecretKey + "\nDATABASE_URL=postgres://app:" + testDBPassword + "@db:5432/app\nDJANGO_DEBUG=True\n",
		".env.db":                     "POSTGRES_PASSWORD=" + testDBPassword + "\n",
		".env.example":                "DJANGO_SECRET_KEY=change-me\nPOSTGRES_PASSWORD=change-me\n",
		"Dockerfile":                  cleanDockerfile,
		"docker-compose.yml":          staticComposeBase,
		"docker-compose.override.yml": staticComposeOverride,
		"docker-compose.prod.yml":     staticComposeProd,
		"manage.py":                   "#!/usr/bin/env python\n",
		"config/settings.py":          "import os\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\n",
		"requirements.txt":            "Django==5.2.8\n",
	}
}

func TestCheckProjectStaticClean(t *testing.T) {
	dir := writeTree(t, goodProject())
	checkProjectStatic(t, dir, []string{testSecretKey, testDBPassword})
}

func TestStaticProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(files map[string]string)
		want   string
	}{
		{
			name:   "env not ignored",
			change: func(f map[string]string) { f[".dockerignore"] = strings.Replace(goodDockerignore, ".env\n", "", 1) },
			want:   ".dockerignore lets .env into the build context",
		},
		{
			name: "git not ignored",
			change: func(f map[string]string) {
				f[".dockerignore"] = strings.Replace(goodDockerignore, ".git\n", ".github\n", 1)
			},
			want: ".dockerignore lets .git/HEAD into the build context",
		},
		{
			// Unlike .gitignore, a bare name only matches at the context root.
			name: "pycache only at the root",
			change: func(f map[string]string) {
				f[".dockerignore"] = strings.Replace(goodDockerignore, "**/__pycache__\n*.pyc\n", "__pycache__\n", 1)
			},
			want: ".dockerignore lets config/__pycache__/settings.cpython-313.pyc into the build context",
		},
		{
			name:   "database env not ignored",
			change: func(f map[string]string) { f[".dockerignore"] = strings.Replace(goodDockerignore, ".env.db\n", "", 1) },
			want:   ".dockerignore lets .env.db into the build context",
		},
		{
			name:   "env excluded then re-included",
			change: func(f map[string]string) { f[".dockerignore"] = goodDockerignore + "!.env\n" },
			want:   ".dockerignore lets .env into the build context",
		},
		{
			name:   "needed source ignored",
			change: func(f map[string]string) { f[".dockerignore"] = goodDockerignore + "config\n" },
			want:   ".dockerignore keeps out config/settings.py, which the image needs",
		},
		{
			name:   "copied file ignored",
			change: func(f map[string]string) { f[".dockerignore"] = goodDockerignore + "requirements*.txt\n" },
			want:   ".dockerignore keeps out requirements.txt, which the image needs",
		},
		{
			name:   "no dockerignore",
			change: func(f map[string]string) { delete(f, ".dockerignore") },
			want:   ".dockerignore: open",
		},
		{
			name: "secret in settings",
			change: func(f map[string]string) {
				f["config/settings.py"] = "SECRET_KEY = \"" + testSecretKey + "\"\n"
			},
			want: "config/settings.py holds secret #1; secrets belong in .env and .env.db only",
		},
		{
			name:   "secret in example",
			change: func(f map[string]string) { f[".env.example"] = "POSTGRES_PASSWORD=" + testDBPassword + "\n" },
			want:   ".env.example holds secret #2; secrets belong in .env and .env.db only",
		},
		{
			name: "secret missing from env",
			change: func(f map[string]string) {
				f[".env"] = strings.Replace(f[".env"], testSecretKey, "something-else-entirely", 1)
			},
			want: ".env does not hold secret #1",
		},
		{
			name:   "version key",
			change: func(f map[string]string) { f["docker-compose.yml"] = "version: \"3.8\"\n" + staticComposeBase },
			want:   "docker-compose.yml: has the obsolete version key",
		},
		{
			name: "variable missing from env",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, "POSTGRES_DB: app", "POSTGRES_DB: ${POSTGRES_DB}", 1)
			},
			want: "docker-compose.yml: $POSTGRES_DB is not set in .env and would be empty",
		},
		{
			name: "started, not healthy",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase,
					"    depends_on:\n      db:\n        condition: service_healthy\n\n  web:",
					"    depends_on:\n      - db\n\n  web:", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: migrate depends on db with service_started; db has a healthcheck, use service_healthy",
		},
		{
			name: "web does not wait for migrate",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, "condition: service_completed_successfully", "condition: service_started", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web must depend on migrate with service_completed_successfully",
		},
		{
			name: "migrate restarts",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, "restart: \"no\"", "restart: unless-stopped", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: migrate restarts (unless-stopped); it must run once",
		},
		{
			name: "web without healthcheck",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, "      test: [\"CMD\", \"python\"", "      disable: true\n      test: [\"CMD\", \"python\"", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web has no healthcheck",
		},
		{
			name: "production keeps the bind mount",
			change: func(f map[string]string) {
				f["docker-compose.prod.yml"] = strings.Replace(staticComposeProd, "  web:\n", "  web:\n    volumes:\n      - .:/app:z\n", 1)
			},
			want: "docker-compose.yml + docker-compose.prod.yml: web bind-mounts",
		},
		{
			name: "reset tag",
			change: func(f map[string]string) {
				f["docker-compose.prod.yml"] = strings.Replace(staticComposeProd, "  migrate:\n", "  migrate:\n    depends_on: !reset {}\n", 1)
			},
			want: "docker-compose.prod.yml: uses !reset, which Compose before 2.24.4 silently ignores",
		},
		{
			name: "no media volume",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, "    volumes:\n      - media:/media\n", "", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web keeps no named volume at /media",
		},
		{
			name: "no watch",
			change: func(f map[string]string) {
				f["docker-compose.override.yml"] = strings.Replace(staticComposeOverride, "    develop:\n      watch:\n        - action: rebuild\n          path: requirements.txt\n", "", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web has no compose watch rule",
		},
		{
			name: "port on every interface",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, `"127.0.0.1:8000:8000"`, `"8000:8000"`, 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web publishes port 8000 on every interface",
		},
		{
			name: "database password in the app",
			change: func(f map[string]string) {
				f["docker-compose.yml"] = strings.Replace(staticComposeBase, "  web:\n", "  web:\n    environment:\n      POSTGRES_PASSWORD: x\n", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web gets POSTGRES_PASSWORD",
		},
		{
			name: "bind mount without z",
			change: func(f map[string]string) {
				f["docker-compose.override.yml"] = strings.Replace(staticComposeOverride, "      - .:/app:z\n    command", "      - .:/app\n    command", 1)
			},
			want: "docker-compose.yml + docker-compose.override.yml: web bind-mounts",
		},
		{
			name: "production debug",
			change: func(f map[string]string) {
				f["docker-compose.prod.yml"] = strings.Replace(staticComposeProd, "DJANGO_DEBUG: \"False\"", "DJANGO_DEBUG: \"True\"", 1)
			},
			want: "docker-compose.yml + docker-compose.prod.yml: web runs with DJANGO_DEBUG=True in production",
		},
		{
			name: "invalid override",
			change: func(f map[string]string) {
				f["docker-compose.prod.yml"] = staticComposeProd + "  worker:\n    depends_on: [redis]\n    image: x\n"
			},
			want: "docker-compose.yml + docker-compose.prod.yml: service \"worker\" depends on undefined service \"redis\"",
		},
		{
			name: "production web lacks a setting the app reads",
			change: func(f map[string]string) {
				f["config/settings.py"] += "LEVEL = os.environ.get(\n    \"DJANGO_LOG_LEVEL\", \"INFO\"\n)\n"
			},
			want: "docker-compose.yml + docker-compose.prod.yml: web does not get DJANGO_LOG_LEVEL in production",
		},
		{
			name: "production web gets the whole .env",
			change: func(f map[string]string) {
				f["docker-compose.prod.yml"] = strings.Replace(staticComposeProd, "  web:\n", "  web:\n    env_file: .env\n", 1)
			},
			want: "docker-compose.yml + docker-compose.prod.yml: web reads env_file in production",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := maps.Clone(goodProject())
			tt.change(files)
			dir := writeTree(t, files)
			var got []string
			got = append(got, dockerignoreProblems(dir)...)
			got = append(got, secretProblems(dir, []string{testSecretKey, testDBPassword})...)
			got = append(got, composeProblems(t, dir)...)
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, tt.want) }) {
				t.Errorf("problems = %q\nwant one starting with %q", got, tt.want)
			}
			if len(got) != 1 {
				t.Errorf("want exactly one problem, got %d: %q", len(got), got)
			}
		})
	}
}
