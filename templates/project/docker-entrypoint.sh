#!/bin/sh
# Runs the container's command (the web server by default; manage.py or celery in
# the other compose services) as PID 1 through exec, so that `docker stop` reaches it.
set -eu

# For platforms that run a single container and no separate migration job. With
# several replicas, run `manage.py migrate` once before rolling them out instead.
if [ "${DJANGO_MIGRATE_ON_START:-false}" = "true" ]; then
    python manage.py migrate --noinput
fi

exec "$@"
