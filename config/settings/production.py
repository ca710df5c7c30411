"""Production settings: refuse to start without the variables a real deployment needs."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, CELERY_TASK_ALWAYS_EAGER, DATABASE_URL

DEBUG = False

_missing = [
    name
    for name, present in (
        ("SECRET_KEY", bool(env_str("SECRET_KEY"))),
        ("ALLOWED_HOSTS", bool(env_str("ALLOWED_HOSTS"))),
        ("DATABASE_URL", bool(DATABASE_URL) and not DATABASE_URL.startswith("sqlite")),
        ("CELERY_BROKER_URL", not CELERY_TASK_ALWAYS_EAGER),
    )
    if not present
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing) + " (see platform/env.example)."
    )
if len(env_str("SECRET_KEY")) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts, not '*'.")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload is what `check --deploy` asks for; a domain with a plain-HTTP subdomain sets it false.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/live/$"]
# Nothing frames the site; Wagtail's preview panel sets SAMEORIGIN on its own responses.
X_FRAME_OPTIONS = "DENY"
