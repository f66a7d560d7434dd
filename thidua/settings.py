"""Thi đua settings: one module, driven by the environment, with demo defaults.

Nothing needs to be set for the demo (`make run`): SQLite and uploaded files live under `var/`,
e-mail goes to files under `var/mail/`. Production differs only by environment variables,
listed in docs/configuration.md. An invalid value raises ImproperlyConfigured at start-up.
"""

import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("THIDUA_VAR_DIR", BASE_DIR / "var"))


# --- small typed helpers ------------------------------------------------------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_list(name: str, default: list[int]) -> list[int]:
    try:
        return [int(item) for item in env_list(name, [str(d) for d in default])]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be integers separated by commas") from exc


def _secret_key() -> str:
    """The key comes from the environment; for the demo a random one is kept under var/.

    It is never a constant in the repository. With THIDUA_REQUIRE_SECRET_KEY=1 (production)
    a missing key is an error instead.
    """
    key = env_str("THIDUA_SECRET_KEY")
    if key:
        return key
    if env_bool("THIDUA_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("THIDUA_SECRET_KEY is required in production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- core --------------------------------------------------------------------------------

DEBUG = env_bool("THIDUA_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("THIDUA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("THIDUA_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # the API's interactive page, with its own copy of Swagger UI (no CDN)
    "thidua.core",
    "thidua.accounts",
    "thidua.units",
    "thidua.campaigns",
    "thidua.submissions",
    "thidua.progress",
    "thidua.planimport",
    "thidua.initiatives",
    "thidua.practices",
    "thidua.commendation",
    "thidua.documents",
    "thidua.mailgateway",
    "thidua.home",
    "thidua.api",
    "thidua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "thidua.core.middleware.SecurityHeadersMiddleware",
    "thidua.core.middleware.CompressTextMiddleware",  # before anything that reads or writes the body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "thidua.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "thidua.accounts.middleware.AccountGuardMiddleware",
    "thidua.api.middleware.ApiMiddleware",  # /api/: bearer tokens only, problem+json errors
    "django.contrib.messages.middleware.MessageMiddleware",
    "thidua.core.middleware.RefuseNulMiddleware",
    "thidua.core.middleware.AnonymousBodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "thidua.urls"
WSGI_APPLICATION = "thidua.wsgi.application"

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
                "thidua.core.context_processors.unread_notifications",
                "thidua.mailgateway.context_processors.mail_triage",
            ],
        },
    },
]

# --- database ----------------------------------------------------------------------------
# SQLite under var/ by default; DATABASE_URL=postgres://… switches to PostgreSQL.

_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "thidua.sqlite3",
            "OPTIONS": {
                # WAL lets the demo serve pages while a command writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth --------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- i18n and time -----------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# --- files -------------------------------------------------------------------------------
# Uploaded files are kept under var/ and never served from a public URL: views stream them
# after the access check.

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("THIDUA_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("THIDUA_MEDIA_ROOT", str(VAR_DIR / "files")))
# No URL route serves MEDIA_ROOT; files go out only through views that check access.
MEDIA_URL = "/_private-files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded documents on S3-compatible object storage (AWS S3, MinIO, Ceph …) when a bucket is named;
# else on the local disk under MEDIA_ROOT. Private objects, reached only through the app's views.
S3_BUCKET = env_str("THIDUA_S3_BUCKET")
if S3_BUCKET:
    STORAGES["files"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("THIDUA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("THIDUA_S3_REGION") or None,
            "access_key": env_str("THIDUA_S3_ACCESS_KEY") or None,
            "secret_key": env_str("THIDUA_S3_SECRET_KEY") or None,
            "location": env_str("THIDUA_S3_PREFIX", "thidua"),
            "default_acl": None,  # the bucket's own (private) policy; nothing is public
            "file_overwrite": True,  # content-addressed: the same key always holds the same bytes
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [  # Django's two, with each file's SHA-256 computed while it arrives
    "thidua.core.uploads.HashingMemoryFileUploadHandler",
    "thidua.core.uploads.HashingTemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None  # the system temp dir; files reach MEDIA_ROOT only through thidua.core.files
UNIT_IMPORT_MAX_BYTES = env_int("THIDUA_UNIT_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
SUBMISSION_MAX_FILE_BYTES = env_int("THIDUA_SUBMISSION_MAX_FILE_MB", 25) * 1024 * 1024
SUBMISSION_MAX_FILES = env_int("THIDUA_SUBMISSION_MAX_FILES", 10)
# Reminders before/after each deadline, in minutes (negative = before): 3 days, 1 day, 2 hours before, 1 day after.
REMINDER_STEPS = env_int_list("THIDUA_REMINDER_STEPS", [-4320, -1440, -120, 1440])
DIGEST_HOUR = env_int("THIDUA_DIGEST_HOUR", 7)  # daily digest to coordinators, Ho Chi Minh City time
SITE_URL = env_str("THIDUA_SITE_URL", "http://127.0.0.1:8000")

# --- e-mail ------------------------------------------------------------------------------

_email = env_str("THIDUA_EMAIL", "file")
if _email == "file":
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
elif _email == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif _email == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("THIDUA_EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("THIDUA_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("THIDUA_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("THIDUA_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("THIDUA_EMAIL_TLS", True)
    EMAIL_TIMEOUT = env_int("THIDUA_EMAIL_TIMEOUT", 30)  # a hanging mail server must not hold a worker
else:
    raise ImproperlyConfigured("THIDUA_EMAIL must be one of: file, console, smtp")
DEFAULT_FROM_EMAIL = env_str("THIDUA_FROM_EMAIL", "Thi đua <no-reply@thidua.local>")
# A sender that died mid-send leaves its message to another after this (thidua.core.outbox).
OUTBOX_LEASE_SECONDS = env_int("THIDUA_OUTBOX_LEASE_SECONDS", 300)

# --- background tasks (thidua/celery.py) --------------------------------------------------

# A broker (redis://… or amqp://…) hands tasks to `celery -A thidua worker -B`; without one they
# run in-process, at once (the `make run` default: nothing else to install).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
TASKS_IN_PROCESS = not CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = TASKS_IN_PROCESS
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # results go to the database (Export rows), never to the broker
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the task to another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {"jobs": {"task": "thidua.core.tasks.jobs_run_task", "schedule": 60.0}}
# Directory exports of more units than this are prepared in the background, with a progress page.
EXPORT_IN_BACKGROUND_UNITS = env_int("THIDUA_EXPORT_IN_BACKGROUND_UNITS", 5000)
# Documents concerning more units than this (a report's units, a decision's awards, ten per
# certificate page) are written in the background, with a progress page (documents/background.py):
# a report goes through ~1,500 units a second (the demo's 2,959: 2 s), a certificate page takes ~6 ms.
DOCUMENTS_IN_BACKGROUND_UNITS = env_int("THIDUA_DOCUMENTS_IN_BACKGROUND_UNITS", 2000)

# --- mail gateway (thidua.mailgateway, docs/mail-gateway.md) -----------------------------

# Larger messages are stored but not read (triage); the intakes keep at most twice this.
MAIL_MAX_BYTES = env_int("THIDUA_MAIL_MAX_MB", 40) * 1024 * 1024
MAIL_MAX_ATTACHMENTS = env_int("THIDUA_MAIL_MAX_ATTACHMENTS", 20)
MAIL_IMAP_HOST = env_str("THIDUA_MAIL_IMAP_HOST")
MAIL_IMAP_PORT = env_int("THIDUA_MAIL_IMAP_PORT", 993)
MAIL_IMAP_TLS = env_str("THIDUA_MAIL_IMAP_TLS", "ssl")  # ssl (993), starttls (143) or none (a local server only)
if MAIL_IMAP_TLS not in ("ssl", "starttls", "none"):
    raise ImproperlyConfigured("THIDUA_MAIL_IMAP_TLS must be one of: ssl, starttls, none")
MAIL_IMAP_USER = env_str("THIDUA_MAIL_IMAP_USER")
MAIL_IMAP_PASSWORD = env_str("THIDUA_MAIL_IMAP_PASSWORD")
MAIL_IMAP_FOLDER = env_str("THIDUA_MAIL_IMAP_FOLDER", "INBOX")
MAIL_IMAP_DONE_FOLDER = env_str("THIDUA_MAIL_IMAP_DONE_FOLDER")  # empty: processed messages are only marked seen
MAIL_IMAP_TIMEOUT = env_int("THIDUA_MAIL_IMAP_TIMEOUT", 60)
MAIL_SMTPD_HOST = env_str("THIDUA_MAIL_SMTPD_HOST", "127.0.0.1")
MAIL_SMTPD_PORT = env_int("THIDUA_MAIL_SMTPD_PORT", 2525)
# Recipients the SMTP intake accepts (the gateway's own addresses); empty: any.
MAIL_SMTPD_RECIPIENTS = [a.lower() for a in env_list("THIDUA_MAIL_SMTPD_RECIPIENTS", [])]

# --- security ----------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Cache: Redis when REDIS_URL is set (shared by every worker), else a table of the database.
# Rate limits count there (thidua.core.ratelimit).
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis on every request, written through to the database (kept on a restart).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "thidua_cache"}}
# What a visitor without an account may post: forms only, except on the tracking link's page,
# where a confirmed author adds files (thidua.core.middleware.AnonymousBodyLimitMiddleware).
ANONYMOUS_MAX_BODY = 256 * 1024
ANONYMOUS_UPLOAD_PATHS = ("/sang-kien/theo-doi/",)
# Reverse proxies in front of the app whose X-Forwarded-For is trusted (0: use REMOTE_ADDR).
TRUSTED_PROXIES = env_int("THIDUA_TRUSTED_PROXIES", 0)
# "count/seconds" per key; THIDUA_RATE_<NAME> overrides one (e.g. THIDUA_RATE_SIGNIN_IP=60/600).
RATE_LIMITS = {
    name: env_str(f"THIDUA_RATE_{name.upper().replace('-', '_')}", default)
    for name, default in {
        "signin-ip": "60/600",  # sign-in attempts from one address (a whole office shares one)
        "reset-ip": "10/3600",  # password-reset requests from one address
        "reset-email": "3/86400",  # reset e-mails to one address a day
        "initiative-ip": "10/3600",  # initiatives sent from one address an hour
        "initiative-ip-day": "30/86400",
        "confirm-email": "3/86400",  # confirmation e-mails to one address a day
        "unit-message-user": "20/3600",  # messages to units one coordinator sends an hour
        "api-token": "600/60",  # API calls with one token a minute
        "api-anonymous-ip": "60/60",  # API calls without a valid token from one address a minute
    }.items()
}
for _name, _value in RATE_LIMITS.items():
    if not re.fullmatch(r"[1-9][0-9]*/[1-9][0-9]*", _value):
        raise ImproperlyConfigured(f"rate limit {_name}: expected count/seconds, got {_value!r}")

# Sign-in: django-axes locks a (user name, address) pair after THIDUA_SIGNIN_FAILURES wrong
# passwords, for 15 minutes doubling with each lockout of the day (thidua.accounts.throttle).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("THIDUA_SIGNIN_FAILURES", 5)
AXES_COOLOFF_TIME = "thidua.accounts.throttle.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Two-step sign-in (TOTP, django-otp): always for superusers; for coordinators when this is 1.
TWO_FACTOR_FOR_COORDINATORS = env_bool("THIDUA_2FA_COORDINATORS", False)
OTP_TOTP_ISSUER = "Thi đua"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# THIDUA_HTTPS=1: the site is served over HTTPS only: redirect, HSTS (a year, with subdomains and
# preload), cookies sent over HTTPS only. `manage.py check --deploy` is clean with it (CI checks).
HTTPS = env_bool("THIDUA_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("THIDUA_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS or env_bool("THIDUA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if env_bool("THIDUA_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent on every response by thidua.core.middleware.SecurityHeadersMiddleware: no inline script
# anywhere (behaviour lives in static/js/), inline style attributes only (progress bars' widths).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("THIDUA_LOG_LEVEL", "WARNING")},
}
