package e2e

import (
	"reflect"
	"strings"
	"testing"
)

const dynSampleDockerfile = `# syntax=docker/dockerfile:1
FROM python:3.13-slim AS builder
ENV IGNORED=builder
CMD ["python3"]

FROM python:3.13-slim
ENV PYTHONUNBUFFERED=1 \
    # a comment inside a continuation
    NAME="two words" \
    WEB_CONCURRENCY=2
ENV LEGACY some value
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
RUN DJANGO_SECRET_KEY=x python manage.py collectstatic --noinput
HEALTHCHECK --interval=30s --timeout=5s \
    CMD ["python", "-c", "print('ok')"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
`

func TestDynParseDockerfile(t *testing.T) {
	img, err := dynParseDockerfile(dynSampleDockerfile)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"docker-entrypoint.sh"}; !reflect.DeepEqual(img.Entrypoint, want) {
		t.Errorf("Entrypoint = %q, want %q", img.Entrypoint, want)
	}
	if want := []string{"gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"}; !reflect.DeepEqual(img.Cmd, want) {
		t.Errorf("Cmd = %q, want %q", img.Cmd, want)
	}
	if want := []string{"python", "-c", "print('ok')"}; !reflect.DeepEqual(img.Healthcheck, want) {
		t.Errorf("Healthcheck = %q, want %q", img.Healthcheck, want)
	}
	wantEnv := [][2]string{{"PYTHONUNBUFFERED", "1"}, {"NAME", "two words"}, {"WEB_CONCURRENCY", "2"}, {"LEGACY", "some value"}}
	if !reflect.DeepEqual(img.Env, wantEnv) {
		t.Errorf("Env = %q, want %q", img.Env, wantEnv)
	}
	wantRuns := []string{"pip install -r requirements.txt", "DJANGO_SECRET_KEY=x python manage.py collectstatic --noinput"}
	if !reflect.DeepEqual(img.Runs, wantRuns) {
		t.Errorf("Runs = %q, want %q", img.Runs, wantRuns)
	}
}

func TestDynParseDockerfileRejectsShellForm(t *testing.T) {
	_, err := dynParseDockerfile("FROM python:3.13-slim\nCMD gunicorn config.wsgi:application\n")
	if err == nil || !strings.Contains(err.Error(), "JSON") {
		t.Fatalf("err = %v, want a JSON-form complaint", err)
	}
	if _, err := dynParseDockerfile("FROM python:3.13-slim\nRUN true\n"); err == nil {
		t.Fatal("a stage without CMD or ENTRYPOINT parsed")
	}
}

func TestDynBindTo(t *testing.T) {
	got, ok := dynBindTo([]string{"gunicorn", "--bind=0.0.0.0:8000", "app"}, "127.0.0.1:5000")
	if !ok || got[1] != "--bind=127.0.0.1:5000" {
		t.Errorf("dynBindTo = %q, %v", got, ok)
	}
	if _, ok := dynBindTo([]string{"gunicorn", "app"}, "127.0.0.1:5000"); ok {
		t.Error("found a bind address in a command without one")
	}
}
