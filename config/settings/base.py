"""Settings shared by every environment; everything variable comes from the environment."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.cache import cache_settings
from config.env import env_addresses, env_bool, env_int, env_list, env_networks, env_str, env_url
from config.errors import sentry_init

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("RTCM_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "people",
    "home",
    "curriculum",
    "assessments",
    "experts",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "people.apps.WagtailUsersConfig",  # wagtail.users with our User forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "django_celery_beat",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # before WhiteNoise, so static files carry the two policies as well
    "config.security_headers.SitePolicyMiddleware",
    "config.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # before any view, lookup or redirect reads the address or the form (the 400 page shows the user and the language)
    "home.middleware.RefuseBadInputMiddleware",
    # a view that meets an unreachable object store (config/storage.py) answers a 503 page, not a 500
    "home.middleware.StorageUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "people.context_processors.roles",
            ],
        },
    },
]

# Database: SQLite file by default; DATABASE_URL (postgres://...) switches to PostgreSQL.
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Persistent connections are checked before a request reuses them (CONN_HEALTH_CHECKS): after PostgreSQL
    # restarts, a worker's old connection is dead, and without the check its next request answered 500.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Write-ahead log: readers go on while one writer works, and a commit appends to the log instead of
            # copying every page it changes into a rollback journal first (the bulk enrolment of 10,000 rows
            # takes about 1 s instead of 1.6 s). synchronous=NORMAL is the setting SQLite advises with WAL:
            # a power cut may lose the last commits, never corrupt the file.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: in-process by default; CACHE_URL (redis://...) shares it between processes, which the login rate
# limits need once there is more than one web worker. While that Redis is unreachable each process uses a
# cache of its own (config/cache.py) and tries Redis again every CACHE_RETRY_SECONDS: pages keep working, and
# the rate limits count per process. Sessions are in the database, not in the cache.
CACHE_URL = env_url("CACHE_URL", ("redis", "rediss"))
CACHES = cache_settings(CACHE_URL, retry_after=env_int("CACHE_RETRY_SECONDS", 5))

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verification is mandatory, failed logins are throttled.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "people.forms.ProfileSignupForm"
ACCOUNT_ADAPTER = "people.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[RTCM] "
ACCOUNT_RATE_LIMITS = {
    # five failed attempts on one account in five minutes lock it for the rest of the window
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "20/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    # The site's other public writes go through the same limiter (lib.ratelimit.rate_limited), with
    # limits no one filling a form by hand meets: per client address, and per target (the e-mail an
    # expert applies with, the respondent answering a survey).
    "expert_apply": "20/h/ip,10/h/key",
    # a whole classroom answering the evaluation from one address at the end of a session stays below 60
    "survey_submit": "60/m/ip,10/m/key",
    # reading, not writing, but the code is the secret: looking codes up is limited per address
    "certificate_verify": "30/m/ip,300/h/ip",
}

# The client's address, which the rate limits count by. Behind a reverse proxy every request comes from the
# proxy's address, so the limits would count the whole site as one client; the proxy's X-Forwarded-For (or a
# header of the client's address it sets) is believed only when configured, and only on requests that come
# from one of FORWARDED_ALLOW_IPS (people.adapters.AccountAdapter.get_client_ip): anyone else's is forged.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front of the site.")
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
if ALLAUTH_TRUSTED_CLIENT_IP_HEADER and not re.fullmatch(r"[A-Za-z0-9-]+", ALLAUTH_TRUSTED_CLIENT_IP_HEADER):
    raise ImproperlyConfigured("TRUSTED_CLIENT_IP_HEADER must be a header name such as X-Real-IP.")
# the variable gunicorn reads for the same purpose (X-Forwarded-Proto), so the two trust the same peers
FORWARDED_ALLOW_IPS = env_networks("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])

# Internationalisation: Azerbaijani is the default; every URL carries its language.
LANGUAGE_CODE = "az"
LANGUAGES = [
    ("az", "Azərbaycanca"),
    ("ru", "Русский"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Baku"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files only the platform's own views hand out (experts' CVs, certificates, exports, import spreadsheets awaiting
# confirmation): outside MEDIA_ROOT, never served by URL.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files on an S3-compatible object store (config/storage.py), which every web and worker machine shares: set the bucket
# and its keys, and both storages above move there, "default" under the prefix media/ and "private" under private/.
# Objects are private; the platform's views stream them after their permission checks, and the few URLs the storage
# makes itself are signed and expire after STORAGE_S3_URL_SECONDS. Unset, files stay on the local disk.
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
STORAGE_S3_ACCESS_KEY_ID = env_str("STORAGE_S3_ACCESS_KEY_ID")
STORAGE_S3_SECRET_ACCESS_KEY = env_str("STORAGE_S3_SECRET_ACCESS_KEY")
STORAGE_S3_ENDPOINT_URL = env_url("STORAGE_S3_ENDPOINT_URL", ("https", "http"))
STORAGE_S3_URL_SECONDS = env_int("STORAGE_S3_URL_SECONDS", 300)
if not 1 <= STORAGE_S3_URL_SECONDS <= 3600:
    raise ImproperlyConfigured("STORAGE_S3_URL_SECONDS must be between 1 and 3600 (signed links are short-lived).")
STORAGE_S3_ADDRESSING_STYLE = env_str("STORAGE_S3_ADDRESSING_STYLE", "auto")
if STORAGE_S3_ADDRESSING_STYLE not in {"auto", "path", "virtual"}:
    raise ImproperlyConfigured("STORAGE_S3_ADDRESSING_STYLE must be auto, path or virtual.")
_storage_s3_missing = [
    name
    for name, value in (
        ("STORAGE_S3_BUCKET", STORAGE_S3_BUCKET),
        ("STORAGE_S3_ACCESS_KEY_ID", STORAGE_S3_ACCESS_KEY_ID),
        ("STORAGE_S3_SECRET_ACCESS_KEY", STORAGE_S3_SECRET_ACCESS_KEY),
    )
    if not value
]
if STORAGE_S3_BUCKET or STORAGE_S3_ACCESS_KEY_ID or STORAGE_S3_SECRET_ACCESS_KEY or STORAGE_S3_ENDPOINT_URL:
    # half a configuration would write some files to the disk of one machine and look for them in the store
    if _storage_s3_missing:
        raise ImproperlyConfigured(
            "The object store needs STORAGE_S3_BUCKET, STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY together; "
            "missing: " + ", ".join(_storage_s3_missing) + "."
        )
    _storage_s3_options = {
        "bucket_name": STORAGE_S3_BUCKET,
        "access_key": STORAGE_S3_ACCESS_KEY_ID,
        "secret_key": STORAGE_S3_SECRET_ACCESS_KEY,
        "endpoint_url": STORAGE_S3_ENDPOINT_URL or None,
        "region_name": env_str("STORAGE_S3_REGION", "us-east-1"),
        "querystring_expire": STORAGE_S3_URL_SECONDS,
        "addressing_style": STORAGE_S3_ADDRESSING_STYLE,
        "timeout_seconds": env_int("STORAGE_S3_TIMEOUT_SECONDS", 5),
    }
    STORAGES["default"] = {"BACKEND": "config.storage.SiteMediaStorage", "OPTIONS": {**_storage_s3_options, "location": "media"}}
    STORAGES["private"] = {"BACKEND": "config.storage.ObjectStorage", "OPTIONS": {**_storage_s3_options, "location": "private"}}
# Wagtail's documents are streamed by its own view after the collection's privacy check, whatever the storage:
# never a redirect to the store (which may not be reachable from browsers, and is another origin).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# An uploaded workbook (XLSX, a zip archive) is opened only within these limits, so a small file cannot unpack into
# gigabytes (lib/uploads.py). A real 20,000-row enrolment list unpacks to about 15 MB, packed about 10 to 1.
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env_int("SPREADSHEET_MAX_UNCOMPRESSED_MB", 50) * 1024 * 1024
SPREADSHEET_MAX_COMPRESSION_RATIO = env_int("SPREADSHEET_MAX_COMPRESSION_RATIO", 100)
SPREADSHEET_MAX_MEMBERS = env_int("SPREADSHEET_MAX_MEMBERS", 500)

# Wagtail
WAGTAIL_SITE_NAME = "RTCM"
# No Gravatar: the admin's avatars would be requests to an outside service (and broken images offline).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Wagtail sends whoever may not open the admin here: sign-in for who is signed out, a 403 page for a signed-in account.
WAGTAILADMIN_LOGIN_URL = "admin_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True

# Celery: no broker configured means tasks run eagerly in-process (development, laptops).
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", ("redis", "rediss", "amqp", "memory"))
CELERY_RESULT_BACKEND = env_url(
    "CELERY_RESULT_BACKEND", ("redis", "rediss"), CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# A task's result (and, when it fails, its exception and traceback, which may quote an e-mail address) is
# stored only for a task someone reads (the worker probe): every other task keeps nothing in the backend,
# and what is stored expires within the hour instead of Celery's default day.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_STORE_ERRORS_EVEN_IF_IGNORED = False
CELERY_RESULT_EXPIRES = datetime.timedelta(hours=1)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "rtcm")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The longest a task may run: a hard limit kills it (its work is then published again by the outbox sweep), a soft one
# lets it stop cleanly a minute before. The longest today is issuing a large session's certificates (about 0.5 s each).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, CELERY_TASK_TIME_LIMIT // 2)
# A task taken by a worker that dies without acknowledging it goes back to the queue after the visibility timeout
# (Redis keeps it meanwhile). Sized to the longest task, plus the longest retry back-off (retry_backoff_max,
# 600 s), so that a task still running or waiting to retry is never handed to a second worker; Celery's default is
# an hour. The outbox sweep (home/outbox.py) finds a dead worker's jobs much sooner, by their stopped heartbeats.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", max(CELERY_TASK_TIME_LIMIT, 600) + 300)}
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT.")
# The outbox of background work (home/outbox.py): after a failed hand-over a web process leaves the broker alone
# for this many seconds; the sweep publishes again a task not started this long after its last hand-over, and one
# whose heartbeat stopped this long ago; it gives up (and reports) after so many hand-overs; done rows are kept a week.
OUTBOX_PUBLISH_PAUSE_SECONDS = env_int("OUTBOX_PUBLISH_PAUSE_SECONDS", 5)
OUTBOX_REPUBLISH_AFTER = env_int("OUTBOX_REPUBLISH_AFTER", 300)
OUTBOX_STALLED_AFTER = env_int("OUTBOX_STALLED_AFTER", 120)
OUTBOX_MAX_PUBLISHES = env_int("OUTBOX_MAX_PUBLISHES", 12)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 7)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Static entries; django-celery-beat copies them into its database tables when beat starts.
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {"task": "home.tasks.publish_scheduled_pages", "schedule": 60.0},
    # hourly: a reminder is sent once per participant (a unique row), so reruns send nothing twice
    "session-reminders": {"task": "curriculum.tasks.session_reminders_send", "schedule": 3600.0},
    # hourly as well: each survey e-mail (reminder, evaluation opening...) is one unique row, sent once
    "survey-round-reminders": {"task": "assessments.tasks.round_reminders_send", "schedule": 3600.0},
    "session-surveys": {"task": "assessments.tasks.session_surveys_send", "schedule": 3600.0},
    # the secrets of an e-mail never sent are forgotten once its links would have expired anyway
    "outbound-email-secrets-expire": {"task": "people.tasks.outbound_email_secrets_expire", "schedule": 3600.0},
    # hourly: an import spreadsheet left unconfirmed (it lists people) is deleted once it is a day old
    "stale-uploads": {"task": "people.tasks.stale_uploads_delete", "schedule": 3600.0},
    # /health/ reads when a worker last ran this (home/heartbeats.py); a stale one is never worth running late
    "worker-heartbeat": {"task": "home.tasks.worker_heartbeat", "schedule": 60.0, "options": {"expires": 50}},
    # every minute: background work the broker never got, or a killed worker left unfinished, is published again
    "outbox-sweep": {"task": "home.tasks.outbox_sweep", "schedule": 60.0, "options": {"expires": 50}},
}
# Hours an unsent e-mail keeps the secrets (reset, confirmation, personal links) needed to deliver it:
# Django's password-reset links and allauth's confirmation links live 3 days by default.
OUTBOUND_EMAIL_SECRET_HOURS = env_int("OUTBOUND_EMAIL_SECRET_HOURS", 72)
if OUTBOUND_EMAIL_SECRET_HOURS < 1:
    raise ImproperlyConfigured("OUTBOUND_EMAIL_SECRET_HOURS must be at least 1.")
# /health/ calls the worker or beat "stale" when it has not been seen for this many seconds.
HEALTH_HEARTBEAT_MAX_AGE = env_int("HEALTH_HEARTBEAT_MAX_AGE", 300)
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if env_str("EMAIL_HOST") else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "RTCM <noreply@rtcm.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp; config/security_headers.py). The public site ships no JavaScript:
# no script runs, and styles, images and fonts come from the site itself. Videos embedded in lessons
# (Wagtail embeds) are the only frames, from the two hosts editors are told to use.
VIDEO_FRAME_SOURCES = ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "media-src": [SELF],
        "frame-src": VIDEO_FRAME_SOURCES,
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Wagtail's admin (under /admin/) starts its panels and date pickers with inline scripts, sets inline
# styles, shows uploads as data: and blob: previews and previews pages in a frame of its own: all of it
# from the site's origin, nothing from elsewhere.
RTCM_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF, *VIDEO_FRAME_SOURCES],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Permissions-Policy: browser features no page of the site uses, switched off for it and its frames.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Errors reach someone (config/errors.py): Sentry when SENTRY_DSN is set; otherwise an e-mail to ADMINS
# ("Name <address>, address" in the variable) for each unhandled exception and each ERROR logged. Neither carries
# an e-mail address of a user: events and e-mails are scrubbed of them.
ADMINS = env_addresses("ADMINS")
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_RELEASE = env_str("SENTRY_RELEASE")
if SENTRY_DSN:
    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "sentry_inactive": {"()": "config.errors.SentryInactive"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "class": "config.errors.ScrubbedAdminEmailHandler",
            "filters": ["require_debug_false", "sentry_inactive"],
        },
    },
    "root": {"handlers": ["console", "mail_admins"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers (console in DEBUG, an unscrubbed mail_admins) give way to the root's above.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        # Wagtail's background tasks (search index, reference index) log every run at INFO
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

RTCM_NAME = _("Regional Training Centre on Migration")
