"""Settings shared by every environment, with safe development defaults.

Everything that differs between machines comes from the environment (12-factor); see README "Configuration".
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# Development-only key; production.py refuses to start with it.
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-maturity-portal"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "common",
    "capability_model",
    "assessments",
    "reports",
    "api",
    "accounts2fa",
    "improvement",
    "reminders",
    "benchmark",
    "kpis",
    "teams",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compressed responses (the largest questionnaire page shrinks about tenfold); Django pads them against
    # BREACH since 4.2. Early, so it compresses what every later middleware adds.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL character in the query string answers 400 before any view or lookup sees it.
    "common.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Responses to signed-in users hold an organisation's data: "private, no-store" (static files are
    # answered by WhiteNoise above and keep their caching).
    "common.middleware.PrivateCacheControlMiddleware",
    # Two-factor sign-in: django-otp marks the user verified; ours sends a session that owes its second
    # factor to the verify (or enrol) page, and keeps the admin behind it.
    "django_otp.middleware.OTPMiddleware",
    "accounts2fa.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records the request's user on history rows written outside the services (e.g. the admin).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a refused login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maturity_portal.urls"
WSGI_APPLICATION = "maturity_portal.wsgi.application"

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
                "assessments.context_processors.roles",
            ],
        },
    },
]

# The embedded default: an SQLite file under var/ (created on first run), so a newcomer needs no server.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue (within the timeout)
# and then read fresh rows, as SELECT … FOR UPDATE makes them do on PostgreSQL. WAL lets readers go on
# while one writer commits, and synchronous=NORMAL makes a commit an append to the log instead of two
# fsyncs: an autosave costs a fraction of a millisecond of disk instead of ~10.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds derived data only (rendered criterion rows, dashboard rows), each under a key that names
# the version of what it shows (an assessment's revision), so nothing is ever invalidated and any backend is
# correct. Per process by default; CACHE_URL (e.g. redis://127.0.0.1:6379/1) shares it between app servers.
# No page is shared between sessions: only fragments without forms are cached.
# Peer benchmark (benchmark/rules.py, README "Peer benchmark"): peers needed besides the viewer's own, the
# organisations that must change before a cohort's figures are republished, and the rounding step.
BENCHMARK_MIN_PEERS = env.int("BENCHMARK_MIN_PEERS", default=5)
BENCHMARK_MIN_CHANGE = env.int("BENCHMARK_MIN_CHANGE", default=3)
BENCHMARK_ROUNDING = env.float("BENCHMARK_ROUNDING", default=0.25)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)

# Background work (PDF renders, emails): Django's task API (django-tasks) on the database queue
# (django-tasks-db), so no broker is needed: `manage.py db_worker` processes it, and any number of workers on
# any number of machines share one PostgreSQL queue (rows claimed with SELECT … FOR UPDATE SKIP LOCKED).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "reports", "emails"],
    }
}
# Approving an assessment queues its PDFs in both languages, so they are ready when the manager looks.
REPORTS_PREPARE_ON_APPROVAL = env.bool("REPORTS_PREPARE_ON_APPROVAL", default=True)
# One person may wait for this many report renders at once; more answers 429 until one is ready.
REPORT_JOBS_PER_USER = env.int("REPORT_JOBS_PER_USER", default=2)
# A render still "running" this long after it started lost its worker (killed, machine gone): it is retried.
REPORT_JOB_STALE_AFTER = timedelta(seconds=env.int("REPORT_JOB_STALE_SECONDS", default=600))
# Failed sends are retried this many times in all, the n-th after EMAIL_RETRY_DELAY × 2ⁿ⁻¹ seconds.
EMAIL_SEND_ATTEMPTS = env.int("EMAIL_SEND_ATTEMPTS", default=5)
EMAIL_RETRY_DELAY = env.int("EMAIL_RETRY_DELAY", default=30)
# Certification packages are signed with this Ed25519 key (PEM, PKCS#8). Set it in production so every
# server signs with one key; unset, a key is created in PACKAGE_SIGNING_KEY_FILE on first use.
PACKAGE_SIGNING_KEY = env.str("PACKAGE_SIGNING_KEY", default="").replace("\\n", "\n")
PACKAGE_SIGNING_KEY_FILE = Path(
    env.str("PACKAGE_SIGNING_KEY_FILE", default=str(VAR_DIR / "package-signing-key.pem"))
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Language names are shown in their own language, so they are not translated.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
# Evidence lives here, outside the static tree, and is served only through views that check access.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Evidence uploads: the largest file accepted (bytes). Django streams larger uploads to temporary files.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# The readiness verdict counts evidence older than this as stale (the issue's default: 12 months).
READINESS_EVIDENCE_MAX_AGE_DAYS = env.int("READINESS_EVIDENCE_MAX_AGE_DAYS", default=365)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # a questionnaire page posts up to ~100 criteria × 6 fields

# Security that every environment runs, so that development and the tests see what production does.
# Content Security Policy (django-csp): only the portal's own files; no inline script or style anywhere
# (templates use classes from static/css/portal.css). img-src allows data: for Bootstrap's inline SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one address, that
# pair is locked for AXES_COOLOFF_TIME (answer 429 with a page that says so); an admin
# unlocks earlier by deleting the attempt under "Axes › Access attempts" or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",  # refuses locked-out logins, then authenticates like ModelBackend
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "common.security.lockout_response"  # templates/registration/locked_out.html
AXES_HTTP_RESPONSE_CODE = 429
# The client address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the outermost one saw.
# 0 in every environment unless the deployment sets it: a forwarded header is only as honest as the proxy
# that wrote it, and without one it is whatever the client typed.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "common.security.client_ip"
# The callable above wins over django-ipware in django-axes; should ipware be installed and the callable
# removed, it reads the same rule: REMOTE_ADDR only, unless proxies are declared.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)

# Sessions end after SESSION_COOKIE_AGE without a request (every request renews the cookie).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The questionnaire's script reads the token from the page's form, never from the cookie.
CSRF_COOKIE_HTTPONLY = True

# Two-factor sign-in (accounts2fa, django-otp TOTP and hashed recovery codes): members may turn it on;
# with REQUIRE_2FA_FOR_STAFF, staff and consultants must (they enrol at their next sign-in) and the admin
# needs a verified second factor. Off here and in the tests, on in production.
REQUIRE_2FA_FOR_STAFF = env.bool("REQUIRE_2FA_FOR_STAFF", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Maturity Portal")
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes wait 1, 2, 4, 8 … seconds before the next try (per device)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret or its QR code

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Maturity Portal <portal@localhost>")
# The portal's address as users reach it, for links in notification emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The read API (``api``): personal access tokens (``Authorization: Bearer``) or the browser's session,
# read-only, paginated, throttled per user (API_THROTTLE_RATE, e.g. "1000/hour") and per address for
# requests without a user. The schema is generated by drf-spectacular; its docs page is served from the
# sidecar package's static files (the CSP allows no CDN).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1000/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_THROTTLE_RATE", default="60/minute"),
        "user": API_THROTTLE_RATE,
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maturity Portal API",
    "DESCRIPTION": "Read-only access to organisations, assessments (levels and indices from the scoring "
    "service) and answers. Send a personal access token as `Authorization: Bearer <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# The admin may read the audit trail but never restore an old version from it.
SIMPLE_HISTORY_REVERT_DISABLED = True

# django-import-export: an import is one transaction, so one bad row applies nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each rendering step at INFO; its warnings (e.g. a refused URL) still show.
    # "api.tokens" logs every use of a personal access token (INFO) and every refusal (WARNING).
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "api.tokens": {"level": "INFO"}},
}

# django-axes announces itself on every manage.py command otherwise; set-up is meant to print one line a step.
AXES_VERBOSE = False
