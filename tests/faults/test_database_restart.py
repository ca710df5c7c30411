"""PostgreSQL restarts under gunicorn: once it accepts connections again, no request fails.

gunicorn runs from platform/gunicorn.conf.py with two workers and persistent connections (DB_CONN_MAX_AGE=60), on
the test database, which lives on the private cluster; the test restarts that cluster as `pg_ctl restart -m fast`
would (fast shutdown by the postmaster's PID, then a new postmaster). Before CONN_HEALTH_CHECKS, each worker
answered its next request with a 500, on a dead connection.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

from tests.factories.curriculum import CurriculumIndexPageFactory
from tests.faults.conftest import PrivatePostgres, free_port, wait_for
from tests.real_services import REPOSITORY, _database_url

# Committed rows, which gunicorn's own connections see; the database is put back from its snapshot afterwards.
pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORKERS = 2
ROUNDS = 8


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http:// URL built here
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def gunicorn(on_private_postgres: PrivatePostgres, tmp_path: Path) -> Iterator[str]:
    """gunicorn on the test database with persistent connections; its base URL."""
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if key not in {"CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DB_CONN_MAX_AGE": "60",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(WORKERS),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    log_path = tmp_path / "gunicorn.log"
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application", "--config", "platform/gunicorn.conf.py"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPOSITORY, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with status {process.returncode}:\n{log_path.read_text(errors='replace')}", pytrace=False)
        try:
            _status(f"{base}/health/live/")  # any HTTP answer: the workers are up
        except OSError:
            return False
        return True

    try:
        wait_for(answering, 60, "gunicorn did not answer", log_path)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_after_postgresql_restarts_no_request_answers_an_error(on_private_postgres, gunicorn, site):
    catalogue = CurriculumIndexPageFactory()
    pages = ["/az/", catalogue.url, "/az/accounts/login/", "/health/"]
    before = Counter(_status(gunicorn + page) for _round in range(ROUNDS) for page in pages)
    assert before == {200: ROUNDS * len(pages)}, "the pages did not work before the restart"
    connections.close_all()  # the test process's own connection would die with the server too

    restart_seconds = on_private_postgres.restart()
    started = time.monotonic()
    after = Counter(_status(gunicorn + page) for _round in range(ROUNDS) for page in pages)
    served_seconds = time.monotonic() - started

    assert after == {200: ROUNDS * len(pages)}
    print(
        f"\nfaults: PostgreSQL restart (fast shutdown to accepting connections) {restart_seconds:.2f} s; "
        f"then {sum(after.values())} requests over {WORKERS} gunicorn workers in {served_seconds:.2f} s, statuses {dict(after)}"
    )


def _json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http:// URL built here
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_while_postgresql_is_down_health_answers_503_naming_the_database_and_liveness_200(on_private_postgres, gunicorn):
    assert _json(gunicorn + "/health/")[0] == 200
    connections.close_all()

    on_private_postgres.stop(fast=True)
    try:
        health_status, health = _json(gunicorn + "/health/")
        live_status, live = _json(gunicorn + "/health/live/")
    finally:
        on_private_postgres.start()

    assert health_status == 503
    assert health["status"] == "unavailable"
    assert health["failing"] == ["database"]
    assert health["database"] == "unreachable"
    assert (live_status, live) == (200, {"status": "alive"})
    # after the earlier test's flush the pages' rows may be gone: the database check alone says it is back
    assert Counter(_status(gunicorn + "/health/") for _round in range(ROUNDS)) == {200: ROUNDS}
