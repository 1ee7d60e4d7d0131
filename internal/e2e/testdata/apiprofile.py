"""Where a DRF project's time goes per request, measured in one process.

Run from a project's folder with its settings in the environment (DATABASE_URL,
DJANGO_SECRET_KEY, DJANGO_SETTINGS_MODULE...), as BenchmarkAPI does:

    python apiprofile.py --auth 'Token KEY' --list /api/items/

It calls Django's WSGI handler directly, as gunicorn's sync worker does, with the
headers a client behind the TLS proxy sends, and with the request_started and
request_finished signals that close or check the database connection. For each
variant (the whole project, then the project with one part taken away or added) it
serves --requests requests of the list and of its first item (a round), and
measures per request:

- cpu: this process's CPU time (user + system), which the load of other processes
  barely changes;
- db: the CPU time of the PostgreSQL backend that serves the connection (from
  /proc/PID/schedstat), when the server runs on this machine;
- queries: the statements sent, the connection health check's SELECT 1 included;
- calls: the Python functions called (built-in ones included) for one request,
  which, unlike the CPU time, no other process changes: the parts' rows of this
  column are exact where those of the CPU time show noise.

The variants run in --rounds short rounds, one of each per round in a rotating
order (--offset rotates it too), so that a burst of load falls on all of them
alike. One JSON
object a line goes to standard output:
{"variant", "path", "round", "cpu_us", "db_us", "wall_us", "queries", "calls"}.
--only measures the whole project alone, as for the baseline.
--cprofile FILE instead writes cProfile's statistics of the whole project's
requests to FILE.
"""

import argparse
import contextlib
import io
import json
import logging
import os
import sys
import time

sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.urls import resolve  # noqa: E402
from rest_framework import renderers, serializers  # noqa: E402


def environ(path, auth):
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": os.environ.get("BENCH_HOST", "api.example.com"),
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ACCEPT": "application/json",
        "HTTP_AUTHORIZATION": auth,
        "HTTP_USER_AGENT": "apiprofile",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class Served:
    """One WSGI call, as gunicorn's sync worker makes it."""

    def __init__(self, handler):
        self.handler = handler
        self.status = None
        self.body = b""

    def start_response(self, status, headers, exc_info=None):
        self.status = status

    def __call__(self, path, auth):
        body = self.handler(environ(path, auth), self.start_response)
        try:
            self.body = b"".join(body)
        finally:
            body.close()  # sends request_finished
        if not self.status.startswith("200"):
            raise SystemExit(f"GET {path}: {self.status}: {self.body[:500]!r}")


def backend_pid():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def run_ns(pid):
    """Nanoseconds process pid has run on a CPU, or None when it is not on this machine."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, TypeError):
        return None


@contextlib.contextmanager
def counting_queries(counter):
    """Counts statements, and the health check's SELECT 1, which bypasses cursors.

    A check that sends no query (config/postgresql's, on an idle connection) opens
    no cursor of the driver's, and counts nothing.
    """

    def wrapper(execute, sql, params, many, context):
        counter[0] += 1
        return execute(sql, params, many, context)

    usable = connection.is_usable

    def is_usable():
        raw = connection.connection
        if raw is None:
            return usable()
        cursor = raw.cursor

        def counted_cursor(*args, **kwargs):
            counter[0] += 1
            return cursor(*args, **kwargs)

        raw.cursor = counted_cursor
        try:
            return usable()
        finally:
            del raw.cursor

    connection.is_usable = is_usable
    try:
        with connection.execute_wrapper(wrapper):
            yield
    finally:
        del connection.is_usable


# Variants: a name, and a function that applies it and returns what undoes it.
def middleware_off(path):
    def apply(ctx):
        ctx["middleware"] = [m for m in settings.MIDDLEWARE if m != path]
        return lambda: None

    return apply


def attr(obj, name, value):
    old = obj.__dict__.get(name, AttributeError)
    setattr(obj, name, value)

    def undo():
        if old is AttributeError:
            delattr(obj, name)
        else:
            setattr(obj, name, old)

    return undo


def variants(view):
    serializer = view.serializer_class
    out = [("whole project", lambda ctx: (lambda: None))]
    for path, name in [
        ("config.health.HealthCheckMiddleware", "without the /health/ middleware"),
        ("config.logs.RequestIdMiddleware", "without the request-id middleware"),
        ("django.middleware.security.SecurityMiddleware", "without SecurityMiddleware (security headers, HTTPS redirect)"),
        ("django.middleware.csp.ContentSecurityPolicyMiddleware", "without the CSP middleware"),
        ("csp.middleware.CSPMiddleware", "without the CSP middleware"),
        ("config.headers.CSPMiddleware", "without the CSP middleware"),
        ("whitenoise.middleware.WhiteNoiseMiddleware", "without WhiteNoise"),
        ("corsheaders.middleware.CorsMiddleware", "without CORS"),
    ]:
        if path in settings.MIDDLEWARE:
            out.append((name, middleware_off(path)))
    if settings.DATABASES["default"].get("CONN_HEALTH_CHECKS"):
        out.append(
            ("without the connection health check", lambda ctx: attr(connections["default"], "health_check_enabled", False))
        )
    declared = getattr(serializer, "_declared_fields", {})
    if "url" in declared or any(
        isinstance(f, serializers.HyperlinkedRelatedField) for f in declared.values()
    ) or issubclass(serializer, serializers.HyperlinkedModelSerializer):
        meta = serializer.Meta

        class Plain(serializers.ModelSerializer):
            class Meta:
                model = meta.model
                fields = [f for f in meta.fields if f != "url"]

        out.append(("without the url of each object", lambda ctx: attr(view, "serializer_class", Plain)))
    if view.filter_backends:
        out.append(("without filters, search and ordering", lambda ctx: attr(view, "filter_backends", [])))
    if getattr(view, "filterset_fields", None) and not getattr(view, "filterset_class", None):
        from django_filters.rest_framework import DjangoFilterBackend

        def once(ctx):
            made = DjangoFilterBackend().get_filterset_class(view(), view.queryset)
            return attr(view, "filterset_class", made)

        out.append(("with the FilterSet class made once", once))
    out.append(
        (
            "with DRF's default renderers (JSON, browsable)",
            lambda ctx: attr(view, "renderer_classes", [renderers.JSONRenderer, renderers.BrowsableAPIRenderer]),
        )
    )
    out.append(("without parsers", lambda ctx: attr(view, "parser_classes", [])))

    def no_logging(ctx):
        logging.disable(logging.CRITICAL)
        return lambda: logging.disable(logging.NOTSET)

    out.append(("without logging", no_logging))

    def user_throttle(ctx):
        from rest_framework.throttling import UserRateThrottle

        class PerUser(UserRateThrottle):
            rate = "1000000/minute"

        return attr(view, "throttle_classes", [PerUser])

    out.append(("with a per-user throttle (database cache)", user_throttle))
    return out


def measure(serve, path, auth, n):
    pid = backend_pid()
    db0, cpu0, wall0 = run_ns(pid), time.process_time_ns(), time.perf_counter_ns()
    for _ in range(n):
        serve(path, auth)
    wall, cpu = time.perf_counter_ns() - wall0, time.process_time_ns() - cpu0
    db1 = run_ns(pid) if pid == backend_pid() else None
    counter = [0]
    with counting_queries(counter):
        serve(path, auth)
    return {
        "cpu_us": cpu / n / 1000,
        "wall_us": wall / n / 1000,
        "db_us": (db1 - db0) / n / 1000 if db0 is not None and db1 is not None else None,
        "queries": counter[0],
        "calls": count_calls(serve, path, auth),
    }


def count_calls(serve, path, auth):
    calls = [0]

    def profile(frame, event, arg):
        if event in ("call", "c_call"):
            calls[0] += 1

    sys.setprofile(profile)
    try:
        serve(path, auth)
    finally:
        sys.setprofile(None)
    return calls[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--offset", type=int, default=0)
    ap.add_argument("--only", default="", help="measure only the whole project")
    ap.add_argument("--cprofile", default="")
    args = ap.parse_args()

    # A connection that lives as long as the run: its backend's CPU time stays readable.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = None
    connection.settings_dict["CONN_MAX_AGE"] = None

    view = resolve(args.list).func.cls
    chosen = variants(view)
    if args.only or args.cprofile:
        chosen = chosen[:1]
    handlers = {}
    for name, apply in chosen:
        ctx = {"middleware": list(settings.MIDDLEWARE)}
        undo = apply(ctx)
        undo()
        saved = settings.MIDDLEWARE
        settings.MIDDLEWARE = ctx["middleware"]
        handlers[name] = Served(WSGIHandler())
        settings.MIDDLEWARE = saved

    first = handlers[chosen[0][0]]
    first(args.list, args.auth)
    detail = f"{args.list}{json.loads(first.body)['results'][0]['id']}/"
    paths = [("list", args.list), ("detail", detail)]
    if args.cprofile:
        import cProfile

        serve = handlers[chosen[0][0]]
        for _, p in paths:
            for _ in range(50):
                serve(p, args.auth)
        prof = cProfile.Profile()
        prof.enable()
        for _, p in paths:
            for _ in range(args.requests):
                serve(p, args.auth)
        prof.disable()
        prof.dump_stats(args.cprofile)
        return

    for name, apply in chosen:  # warm-up, untimed
        undo = apply({})
        try:
            for _, p in paths:
                for _ in range(50):
                    handlers[name](p, args.auth)
        finally:
            undo()
    for r in range(args.rounds):
        k = (r + args.offset) % len(chosen)
        for name, apply in chosen[k:] + chosen[:k]:
            undo = apply({})
            try:
                for label, p in paths:
                    row = measure(handlers[name], p, args.auth, args.requests)
                    row.update(variant=name, path=label, round=r + args.offset)
                    print(json.dumps(row), flush=True)
            finally:
                undo()

if __name__ == "__main__":
    main()
