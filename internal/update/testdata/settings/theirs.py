"""Settings for q0.

Everything that differs between a laptop and production is read from the
environment; README.md lists every variable. Without any of them the
project refuses to start in production mode rather than run insecurely.
"""

import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean such as True or False, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
# "change-me" is the placeholder of .env.example, copied to a server by mistake.
if not DEBUG and SECRET_KEY in ("", "change-me"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is off."
    )
if not SECRET_KEY:
    # The prefix makes `check --deploy` flag this key should DEBUG ever be left on by mistake.
    SECRET_KEY = "django-insecure-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A browser app on a sibling host (app.example.com beside api.example.com) reads the
# CSRF cookie only when it is set for the parent domain, e.g. .example.com.
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = os.environ.get("DJANGO_COOKIE_DOMAIN") or None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that runserver serves files the same way as production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The project itself: its migration creates the database cache's table.
    "config",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI's files, served from this image instead of a CDN.
    "drf_spectacular_sidecar",
    "items",
    # scaffold: installed-apps
]

MIDDLEWARE = [
    # First, so that container healthchecks get an answer over plain HTTP from any Host
    # header, before the SSL redirect and the ALLOWED_HOSTS validation can refuse them.
    "config.health.HealthCheckMiddleware",
    # Next, so that every log line of the request, and the tasks it queues, carry its id.
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Local runs without DATABASE_URL fall back to a SQLite file next to manage.py.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    ),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files. The image sets DJANGO_MEDIA_ROOT to /media, a volume the app user can write.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Production assumes a TLS-terminating proxy in front of the container that sets
# X-Forwarded-Proto; without such a proxy, never trust that header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Browsers remember HSTS for this long, and a mistake with it cannot be taken back
# before it expires: start with an hour, then raise it (README.md, "HTTPS").
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Leaving subdomains and preloading out is a choice made above, not an oversight.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

# Caches: the sign-in throttle counts attempts here, so that every worker process and
# every container share one count.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        # Created by the migration config/migrations/0001_cache_table.py.
        "LOCATION": "django_cache",
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", ""),
    }
}

# Email: printed to the console while DEBUG is on, sent over SMTP otherwise.
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
SMTP_OPTIONS = {
    "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
    "port": env_int("DJANGO_EMAIL_PORT", 587),
    "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
    "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", default=True),
    "timeout": 10,
}
EMAIL_BACKEND = EMAIL_BACKEND_PATH
EMAIL_HOST = SMTP_OPTIONS["host"]
EMAIL_PORT = SMTP_OPTIONS["port"]
EMAIL_HOST_USER = SMTP_OPTIONS["username"]
EMAIL_HOST_PASSWORD = SMTP_OPTIONS["password"]
EMAIL_USE_TLS = SMTP_OPTIONS["use_tls"]
EMAIL_TIMEOUT = SMTP_OPTIONS["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
# Where error reports come from, and who gets them: "Name <address>, other@example.com".
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "root@localhost")
ADMINS = [(name, address) for name, address in map(parseaddr, env_list("DJANGO_ADMINS")) if address]

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
# One JSON object a line in production, for log collectors; plain text while DEBUG is on.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logs.RequestIdFilter"},
    },
    "formatters": {
        "plain": {
            "format": "{asctime} {levelname} {name} [{request_id}] {message}",
            "style": "{",
        },
        "json": {"()": "config.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Without propagate=False, Django's own console handler would print each line twice.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}

# Error reports to Sentry when SENTRY_DSN is set; without it sentry_sdk is never imported.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
        send_default_pii=False,
    )

REST_FRAMEWORK = {
    # The first class answers anonymous requests: 401 with its WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        # Sessions let the browsable API and Swagger UI use an admin login.
        "config.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # The browsable API is for development; in production the API answers JSON only.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Only signing in is throttled (config/throttling.py): attempts per client address.
    "DEFAULT_THROTTLE_RATES": {"sign_in": os.environ.get("DJANGO_SIGN_IN_RATE", "20/minute")},
    # How many proxies in front of the app append to X-Forwarded-For. 0 means none: the
    # client is the connection's address, and nothing a client sends can change that.
    "NUM_PROXIES": env_int("DJANGO_NUM_PROXIES", 0),
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The schema and Swagger UI are public while DEBUG is on; in production only staff who
# signed in (at /admin/) can open them, unless DJANGO_API_DOCS_PUBLIC=True.
API_DOCS_PUBLIC = env_bool("DJANGO_API_DOCS_PUBLIC", default=DEBUG)
SPECTACULAR_SETTINGS = {
    "TITLE": "q0 API",
    "VERSION": "1.0.0",
    # The schema is served at its own URL, so Swagger UI does not list it as an endpoint.
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if API_DOCS_PUBLIC
        else "rest_framework.permissions.IsAdminUser"
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from the public validator: the page loads nothing from other sites.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}
