"""Production settings refuse to start without their five variables and pass `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.real_services import REPOSITORY

REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "rtcm.example.org",
    "DATABASE_URL": "postgres://rtcm:secret@127.0.0.1:5432/rtcm",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://rtcm.example.org",
}
LOAD_SETTINGS = "from django.conf import settings; print(settings.DEBUG)"


def _python(*arguments: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run Python in the repository with production settings and nothing but these variables."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(REPOSITORY)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        **variables,
    }
    return subprocess.run([sys.executable, *arguments], cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=120)


def _error(completed: subprocess.CompletedProcess[str]) -> str:
    return completed.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_production_settings_refuse_to_start_without_each_required_variable(missing):
    variables = {name: value for name, value in REQUIRED.items() if name != missing}

    completed = _python("-c", LOAD_SETTINGS, variables=variables)

    assert completed.returncode != 0
    assert _error(completed).startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert f"need these environment variables: {missing} (" in _error(completed)


def test_production_settings_refuse_a_sqlite_database():
    completed = _python("-c", LOAD_SETTINGS, variables={**REQUIRED, "DATABASE_URL": "sqlite:///rtcm.sqlite3"})

    assert completed.returncode != 0
    assert "need these environment variables: DATABASE_URL (" in _error(completed)


def test_production_settings_refuse_a_short_secret_key():
    completed = _python("-c", LOAD_SETTINGS, variables={**REQUIRED, "SECRET_KEY": "too-short"})

    assert completed.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in _error(completed)


@pytest.mark.parametrize("site_url", ["https://", "ftp://rtcm.example.org", "rtcm.example.org"])
def test_production_settings_refuse_a_site_url_that_is_not_a_web_address(site_url):
    completed = _python("-c", LOAD_SETTINGS, variables={**REQUIRED, "SITE_URL": site_url})

    assert completed.returncode != 0
    assert _error(completed).startswith("django.core.exceptions.ImproperlyConfigured: SITE_URL must ")


def test_certificates_and_emails_link_to_the_site_url_in_production():
    code = (
        "import django; django.setup(); from curriculum.certificates import verification_url; "
        "from curriculum.models import Certificate; "
        "print(verification_url(Certificate(language='az', code='ABCD')))"
    )

    completed = _python("-c", code, variables=REQUIRED)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "https://rtcm.example.org/az/certificates/verify/ABCD/"


def test_production_settings_start_with_debug_off_when_the_variables_are_set():
    completed = _python("-c", LOAD_SETTINGS, variables=REQUIRED)

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"


def test_deploy_check_passes_at_warning_level_with_the_required_variables():
    completed = _python("manage.py", "check", "--deploy", "--fail-level", "WARNING", variables=REQUIRED)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout
