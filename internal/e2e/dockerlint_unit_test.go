package e2e

import (
	"slices"
	"strings"
	"testing"
)

const cleanDockerfile = `# syntax=docker/dockerfile:1

ARG PYTHON_VERSION=3.13

FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential pkg-config default-libmysqlclient-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:${PYTHON_VERSION}-slim AS runtime
ARG UID=10001
ARG GID=10001
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/home/app/.local/bin:$PATH"
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmariadb3 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid "${GID}" app \
    && useradd --uid "${UID}" --gid app --create-home app
WORKDIR /app
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels /wheels/*.whl
COPY --chown=app:app . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health/', timeout=4)"]
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
`

func TestLintDockerfileClean(t *testing.T) {
	r := &offlineResolver{}
	if got := lintDockerfileWith(t, []byte(cleanDockerfile), r); len(got) != 0 {
		t.Fatalf("clean Dockerfile has findings:\n%s", strings.Join(got, "\n"))
	}
	// Both stages resolve their base image; none of it left the process.
	want := []string{"docker.io/library/python:3.13-slim", "docker.io/library/python:3.13-slim"}
	if got := r.resolved(); !slices.Equal(got, want) {
		t.Errorf("resolved images = %q, want %q", got, want)
	}
}

func TestLintDockerfileFindings(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			name: "from as casing",
			src:  "FROM python:3.13-slim as build\nCMD [\"python\"]\n",
			want: "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
		},
		{
			name: "legacy env",
			src:  "FROM python:3.13-slim\nENV DJANGO_DEBUG False\nCMD [\"python\"]\n",
			want: "LegacyKeyValueFormat: \"ENV key=value\" should be used instead of legacy \"ENV key value\" format (line 2)",
		},
		{
			name: "shell form cmd",
			src:  "FROM python:3.13-slim\nCMD python app.py\n",
			want: "JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)",
		},
		{
			name: "secret in arg",
			src:  "FROM python:3.13-slim\nARG DJANGO_SECRET_KEY\nCMD [\"python\"]\n",
			want: "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG \"DJANGO_SECRET_KEY\") (line 2)",
		},
		{
			// Without the base image's Env from the resolver, $PATH would be flagged too.
			name: "undefined var",
			src:  "FROM python:3.13-slim\nENV PATH=\"/app/bin:$PATH:$VIRTUAL_ENV\"\nCMD [\"python\"]\n",
			want: "UndefinedVar: Usage of undefined variable '$VIRTUAL_ENV' (line 2)",
		},
		{
			name: "skip directive",
			src:  "# check=skip=JSONArgsRecommended\nFROM python:3.13-slim\nCMD python app.py\n",
			want: "error: check directive \"skip=JSONArgsRecommended\" skips rules",
		},
		{
			name: "parse error",
			src:  "FROM python:3.13-slim\nCOPY --chmod=xyz . .\n",
			want: "error: invalid syntax (line 2)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lintDockerfile(t, []byte(tt.src))
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("findings = %q, want exactly %q", got, tt.want)
			}
		})
	}
}
