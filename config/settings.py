"""ServiceStar settings: one file, driven by the environment.

With no environment variables ServiceStar runs embedded: SQLite in ``var/`` and
the in-memory channel layer, one daphne process. ``DATABASE_URL`` switches to
PostgreSQL and ``REDIS_URL`` to channels-redis (docs/operations.md).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envint, envlist, envstr
from config.origins import allowed_origins

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in DATA_DIR.

    Several machines behind one proxy must share the key: set SECRET_KEY there.
    """
    if key := envstr("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written aside and linked into place: two processes starting at once
        # agree on one key, and nobody ever reads a half-written file.
        draft = DATA_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if "*" in ALLOWED_HOSTS and not DEBUG:
    # Raised here, not in a system check: daphne runs no checks, and "*"
    # would serve any Host and name no address for the WebSocket origin.
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS='*' is refused outside DEBUG: name the host names people "
        "open, e.g. ALLOWED_HOSTS=star.example.com (docs/operations.md)."
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Behind TLS (the default outside DEBUG) cookies are secure and HSTS is on.
# A plain-HTTP intranet install sets HTTPS=false (docs/operations.md).
HTTPS = envbool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if HTTPS else 0
# Off unless asked for: an intranet domain is shared with other services,
# which includeSubDomains would force onto HTTPS, and preload cannot be undone
# quickly. The deploy check's nudges toward them are silenced for that reason.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The address people open (comma-separated if several), e.g.
# https://star.example.com or http://star.intranet:8000. WebSockets accept only
# pages from it, scheme, host and port alike (config/origins.py). Unset, it is
# each ALLOWED_HOSTS name on the standard port of HTTPS's scheme.
SITE_URLS = envlist("SITE_URL", [])
try:
    WEBSOCKET_ORIGINS = allowed_origins(
        site_urls=SITE_URLS,
        hosts=ALLOWED_HOSTS,
        https=HTTPS,
        trusted=CSRF_TRUSTED_ORIGINS,
    )
except ValueError as bad:
    raise ImproperlyConfigured(f"SITE_URL or CSRF_TRUSTED_ORIGINS: {bad}") from None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "channels",
    "django_htmx",
    "template_partials",
    "people",
    "training",
    "contests",
    "leaderboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files (an SVG opened on its own) carry it too.
    "config.csp.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A temporary password (set by a manager) is changed before anything else.
    "people.middleware.password_change_required",
]

# Content-Security-Policy (config/csp.py, docs/operations.md): everything from
# this site, no inline script or style, no eval; the admin works under it too.
# CSP_EXTRA_SOURCES="img-src https://cdn.example.com; connect-src wss://x.example"
# adds sources; a page's own socket origin is added to connect-src per request.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CSP_EXTRA_SOURCES = envstr("CSP_EXTRA_SOURCES")

ROOT_URLCONF = "config.urls"
# Widgets may use the project's templates (e.g. the kudos heart picker).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in DATA_DIR unless DATABASE_URL names another.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=envint("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "servicestar.sqlite3",
            # Keep the connection: opening one (file, pragmas, functions) on
            # every database call was a fifth of the server's CPU in a
            # connect storm (docs/performance.md). A local file never drops.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                # BEGIN IMMEDIATE takes the write lock up front, so two writers
                # queue on the busy timeout instead of one failing at once
                # with "database is locked" when both upgrade a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channel layer: Redis when REDIS_URL is set, else in-memory (one process only;
# config.asgi refuses a second process on the same database).
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py's default pool of 100 runs dry in a connect
                        # storm of hundreds of group_add calls.
                        "max_connections": envint("REDIS_MAX_CONNECTIONS", 1000),
                        # redis-py 8 gives up reading after 5 s, which is
                        # exactly how long channels-redis blocks waiting for
                        # a message: on a busy loop the wait's own reply came
                        # "late" and the socket closed with 1011.
                        "socket_timeout": 30,
                    }
                ],
                "prefix": envstr("REDIS_PREFIX", "servicestar"),
                "capacity": 1000,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            # Channels' own, sweeping for expired messages once a second
            # instead of on every receive (realtime/layers.py).
            "BACKEND": "realtime.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1000},
        }
    }

# A cache shared by every worker when there is Redis (login throttling).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("REDIS_PREFIX", "servicestar"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "people.User"
# Failed logins before a pause: per username, and per client address (a
# whole floor may share one address, so that limit is higher).
LOGIN_FAILURES_ALLOWED = envint("LOGIN_FAILURES_ALLOWED", 10)
LOGIN_FAILURES_ALLOWED_PER_ADDRESS = envint("LOGIN_FAILURES_ALLOWED_PER_ADDRESS", 100)
LOGIN_PAUSE_MINUTES = envint("LOGIN_PAUSE_MINUTES", 15)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "people:home"
LOGOUT_REDIRECT_URL = "people:login"
# Agents log in once per shift; a session outlives a long shift, not a week.
SESSION_COOKIE_AGE = envint("SESSION_HOURS", 14) * 3600
# WebSockets one person may hold open at once, across all workers: a live
# page holds one or two (README "Limits"; realtime/socket_cap.py).
SOCKETS_PER_USER = envint("SOCKETS_PER_USER", 10)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Upload limits (docs/operations.md states them to users).
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
# Request bodies: refused past these while daphne receives them
# (config/body_limits.py), and again by Django when no daphne is in front.
REQUEST_BODY_MAX_BYTES = 1024 * 1024
UPLOAD_BODY_MAX_BYTES = 6 * 1024 * 1024  # a 5 MB file and the form around it
UPLOAD_VIEWS = frozenset(
    {
        "people:profile",  # photo
        "training:question_create",  # question picture
        "training:question_edit",
        "training:bank_import",  # .xlsx with pictures
        "leaderboard:csat",  # CSAT .xlsx
    }
)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Live quizzes: a running quiz nobody has moved on for this long is ended by
# the server, as its host would have (docs/operations.md).
QUIZ_IDLE_END_MINUTES = envint("QUIZ_IDLE_END_MINUTES", 120)
# The hub writes frames straight to daphne's sockets, leaning on autobahn's
# and Twisted's internals (docs/operations.md, "Other people's internals");
# false sends every frame daphne's own, slower way.
HUB_DIRECT_WRITE = envbool("HUB_DIRECT_WRITE", True)

# Leaderboard (README: "Limits" and docs/csat.md).
# New wall-display pairing codes one client address may ask for in the ten
# minutes a code lives (a TV reloading keeps its own code).
DISPLAY_CODES_PER_ADDRESS = envint("DISPLAY_CODES_PER_ADDRESS", 30)
BOARD_TOP_N = envint("BOARD_TOP_N", 10)  # public boards never show more
# A wall display this far behind (bytes written, not yet read) is closed
# rather than buffered without end; it reconnects when it reads again.
DISPLAY_MAX_UNSENT_KB = envint("DISPLAY_MAX_UNSENT_KB", 1024)
CSAT_MIN_RATINGS = envint("CSAT_MIN_RATINGS", 20)  # fewer: no CSAT points
CSAT_PRIOR_WEIGHT = envint("CSAT_PRIOR_WEIGHT", 50)  # pull toward the average

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "servicestar": {"level": envstr("LOG_LEVEL", "INFO"), "propagate": True},
        "django.request": {"level": "WARNING", "propagate": True},
    },
}
