"""Settings, read once from the environment.

Every setting heard reads is listed in docs/settings.md; tests fail when one is not.
Safe defaults for a laptop; refusals for production (``HEARD_ENV=production``).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


HEARD_ENV = env("HEARD_ENV", "development")
PRODUCTION = HEARD_ENV == "production"

SECRET_KEY = env("HEARD_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("HEARD_SECRET_KEY must be set when HEARD_ENV=production.")
    SECRET_KEY = "heard-insecure-development-key-do-not-use-in-production"

DEBUG = env_bool("HEARD_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [h.strip() for h in env("HEARD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("HEARD_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]
BASE_URL = env("HEARD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies in front of heard append to X-Forwarded-For (0: use REMOTE_ADDR).
_trusted_proxies = env("HEARD_TRUSTED_PROXIES", "0").strip()
if not _trusted_proxies.isdigit():
    raise ImproperlyConfigured("HEARD_TRUSTED_PROXIES must be a whole number of proxy hops (0 when there is none).")
HEARD_TRUSTED_PROXIES = int(_trusted_proxies)
# The addresses those proxies connect from (addresses or networks, comma-separated). Forwarded
# headers from anyone else are ignored, so a client that reaches heard directly cannot forge them.
HEARD_TRUSTED_PROXY_ADDRESSES = [a.strip() for a in env("HEARD_TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1").split(",") if a.strip()]


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = env(name, str(default)).strip()
    if not raw.isdigit() or int(raw) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum} (it is {raw!r}).")
    return int(raw)


# `heard serve`: worker processes (0: one per core, at least 2) and threads in each.
HEARD_SERVE_WORKERS = env_int("HEARD_SERVE_WORKERS", 0)
HEARD_SERVE_THREADS = env_int("HEARD_SERVE_THREADS", 4, minimum=1)
HEARD_ACCESS_LOG = env_bool("HEARD_ACCESS_LOG", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "heard.core",
    "heard.stakeholders",
    "heard.participation",
    "heard.sessions",
    "heard.backlog",
    "heard.feedback",
    # Holds only the migrations that made the ticket and theme tables (see support/apps.py).
    "heard.support",
    "heard.tickets",
    "heard.themes",
    # After the apps whose rows decisions cite as evidence (the demo links to them).
    "heard.decisions",
    "heard.closure",
    "heard.portal",
    "heard.health",
    "heard.firstrun",
    "heard.demos",
    "heard.programs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "heard.core.middleware.HeardErrorMiddleware",
]

ROOT_URLCONF = "heard.urls"
WSGI_APPLICATION = "heard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% partialdef %} in every template without {% load %}: pages and their HTMX partials.
            "builtins": ["template_partials.templatetags.partials", "heard.core.templatetags.heard_ui"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "heard.core.context.heard_context",
                "heard.core.context.ui_context",
            ],
        },
    }
]

# Database: SQLite by default (one file, WAL, IMMEDIATE transactions); PostgreSQL when
# DATABASE_URL is set.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        if not DATABASES["default"].get("NAME"):
            DATABASES["default"]["NAME"] = "heard"
        # A pool of connections per process, shared by its threads: opening a PostgreSQL
        # connection (a new server process) costs more than most requests, and a thread per
        # request would otherwise open one each time. 0 turns the pool off.
        HEARD_DB_POOL_SIZE = int(env("HEARD_DB_POOL_SIZE", "8"))
        if HEARD_DB_POOL_SIZE > 0:
            DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
            DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
                "min_size": 1, "max_size": HEARD_DB_POOL_SIZE, "timeout": 30,
            }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("HEARD_DB_PATH", str(Path.cwd() / "heard.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development WhiteNoise serves straight from the apps (finders); production collects
# into STATIC_ROOT when `heard serve` starts.
STATIC_ROOT = Path(env("HEARD_STATIC_ROOT", str(Path.cwd() / ".staticfiles"))) if (PRODUCTION or env("HEARD_STATIC_ROOT")) else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env("HEARD_MEDIA_ROOT", str(Path.cwd() / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = env("HEARD_EMAIL_HOST")
EMAIL_PORT = int(env("HEARD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("HEARD_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("HEARD_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("HEARD_EMAIL_USE_TLS", False)
# Without an SMTP host mail goes to the console: one line per message (recipients, subject,
# links) unless HEARD_EMAIL_CONSOLE=full asks for whole messages.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
    if env("HEARD_EMAIL_CONSOLE", "summary") == "full"
    else "heard.core.mail.ConsoleSummaryBackend"
)
DEFAULT_FROM_EMAIL = env("HEARD_FROM_EMAIL", "heard <heard@localhost>")

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: redirect plain HTTP and send Strict-Transport-Security. Off by default (a laptop has no
# certificate); `heard check --deploy` warns until they are set in production.
SECURE_SSL_REDIRECT = env_bool("HEARD_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("HEARD_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HEARD_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HEARD_HSTS_PRELOAD", False)
# /healthz answers plain HTTP for load balancers' probes.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

PAGE_SIZE = int(env("HEARD_PAGE_SIZE", "50"))

# API rate limit (core.tokens): each token may make HEARD_API_RATE_LIMIT requests per
# HEARD_API_RATE_WINDOW seconds (a fixed window in Django's cache; 0 turns it off), then 429
# with Retry-After. The default cache is per process: `heard serve` is one process.
HEARD_API_RATE_LIMIT = int(env("HEARD_API_RATE_LIMIT", "600"))
HEARD_API_RATE_WINDOW = int(env("HEARD_API_RATE_WINDOW", "60"))

# Background jobs (core.heartbeat): a running job's process stamps it this often, and a job
# whose last stamp is older than HEARD_JOB_STALE_SECONDS is settled (resumed or failed).
HEARD_HEARTBEAT_SECONDS = float(env("HEARD_HEARTBEAT_SECONDS", "10"))
HEARD_JOB_STALE_SECONDS = int(env("HEARD_JOB_STALE_SECONDS", "60"))

# Support theme mining: "default" (NumPy + scikit-learn) or "embeddings" (the optional
# extra `heard[embeddings]`; checked when a run starts, not here, so a missing extra never
# stops the site).
HEARD_THEMES_ENGINE = env("HEARD_THEMES_ENGINE", "default")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("HEARD_LOG_LEVEL", "WARNING")},
}
