"""Production settings: refuse to start without the variables a real deployment needs."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str, env_url

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
        # the address printed on certificates and encoded in their QR codes, and in every e-mail's links:
        # without it they would point to the development default, http://127.0.0.1:8000
        ("SITE_URL", bool(env_str("SITE_URL"))),
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
SITE_URL = env_url("SITE_URL", ("https", "http"))
if not urlsplit(SITE_URL).hostname:
    raise ImproperlyConfigured(f"SITE_URL must be the site's public address, such as https://rtcm.example.org, not {SITE_URL!r}.")
WAGTAILADMIN_BASE_URL = SITE_URL

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
