"""Fixtures for the tests that use real services: the PostgreSQL stage and a Celery worker on Redis.

Imported by tests/conftest.py. Tests marked `postgres` run only when the suite runs on PostgreSQL;
tests marked `real_worker` only in the PostgreSQL stage (`make test-postgres`, RTCM_TEST_TASKS=worker),
where `real_celery_worker` sends their tasks through Redis to a `celery worker` subprocess that
works on the same test database. Everywhere else tasks run eagerly inside the test process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import pytest
from django.conf import settings

from tests import services

REPOSITORY = Path(__file__).resolve().parent.parent
WORKER_START_TIMEOUT = 60


def service_missing(message: str) -> NoReturn:
    """Fail in CI, where every stage must run; skip on a developer's machine."""
    if services.in_ci():
        pytest.fail(f"{message} (CI must run this test)", pytrace=False)
    pytest.skip(message)


def suite_runs_on_postgres() -> bool:
    """Whether this run's database is PostgreSQL (DATABASE_URL=postgres://...)."""
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def suite_runs_real_worker_stage() -> bool:
    """Whether this is the PostgreSQL stage with a real Celery worker (`make test-postgres`)."""
    return suite_runs_on_postgres() and os.environ.get("RTCM_TEST_TASKS") == "worker"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the real_worker tests, and any transactional test without serialized rollback, after every other test."""
    # Their transactional flush also removes rows that migrations created (some permissions, Wagtail's
    # root page); a later test that reaches the database through request.getfixturevalue() is not seen
    # as a database test by pytest-django, so its ordering does not protect it. A plain transactional
    # flush also re-creates the content types under new ids and empties their cache: a later
    # serialized-rollback test then fails to load its snapshot, and a test without database access
    # that builds a page object fails to look its content type up.
    items.sort(key=_flushes_without_snapshot)


def _flushes_without_snapshot(item: pytest.Item) -> bool:
    if item.get_closest_marker("real_worker") is not None:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction")) and not marker.kwargs.get("serialized_rollback")


@pytest.fixture(scope="session")
def require_services() -> Callable[..., None]:
    """A check that skips the test (fails it in CI) unless the named services of tests/services.py answer."""

    def require(*names: str) -> None:
        missing = [message for name in names for check, message in [services.CHECKS[name]] if not check()]
        if missing:
            service_missing("; ".join(missing))

    return require


@pytest.fixture(autouse=True)
def real_services_gate(request: pytest.FixtureRequest) -> None:
    """Skip tests marked postgres or real_worker outside the stage that provides them."""
    if request.node.get_closest_marker("postgres") and not suite_runs_on_postgres():
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL stage (make test-postgres)")
    if request.node.get_closest_marker("real_worker") and not suite_runs_real_worker_stage():
        pytest.skip("needs a real Celery worker on Redis: runs in the PostgreSQL stage (make test-postgres)")


@pytest.fixture(scope="session", autouse=True)
def celery_eager_in_the_test_process() -> Iterator[None]:
    """Run tasks inline in the test process even when CELERY_BROKER_URL is set (the PostgreSQL stage)."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@dataclass(frozen=True)
class CeleryWorkerProcess:
    """A running `celery worker` subprocess and where to reach it."""

    process: subprocess.Popen[bytes]
    nodename: str
    queue: str
    broker_url: str
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        """The end of the worker's log, for failure messages."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _database_url(database: dict[str, Any]) -> str:
    """The DATABASE_URL of one of Django's connections (pytest-django's test database)."""
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or ""
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(database['NAME'], safe='')}"


def celery_use_broker(patch: pytest.MonkeyPatch, broker_url: str) -> None:
    """Point Celery's environment variables at this broker; they override any Celery app's configuration."""
    # The PostgreSQL stage sets CELERY_BROKER_URL for the settings; Celery itself reads it too.
    patch.setenv("CELERY_BROKER_URL", broker_url)
    patch.setenv("CELERY_RESULT_BACKEND", broker_url)


def _celery_forget_connections(app: Any) -> None:
    """Drop the app's cached broker pool, queues, router and result backend so a changed conf applies."""
    app._pool = None  # kombu keeps pools per broker URL; closing one here would break its next user
    if "amqp" in app.__dict__:
        del app.amqp
    app._backend_cache = None
    vars(app._local).pop("backend", None)


def redis_forget_queue(broker_url: str, queue: str) -> None:
    """Delete a run's queue and kombu's bindings of it from Redis, so test runs leave nothing behind."""
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        for key in client.scan_iter(match=f"*{queue}*"):  # the name is unique to the run
            client.delete(key)
    finally:
        client.close()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CeleryWorkerProcess]:
    """A real `celery worker` subprocess on Redis and on pytest-django's test database, with a queue of its own."""
    from celery import Celery
    from django.db import connection

    run = uuid.uuid4().hex[:10]
    queue = f"rtcm-test-{run}"  # unique, so a stale worker from another run never takes these tasks
    nodename = f"rtcm-test-{run}@{os.uname().nodename}"
    broker_url = services.REDIS_URL
    log_path = tmp_path_factory.mktemp("celery-worker") / "worker.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "DB_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "config", "worker", "--pool=solo", "--concurrency=1", f"--queues={queue}", f"--hostname={nodename}"]
    command += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=REPOSITORY, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    worker = CeleryWorkerProcess(process=process, nodename=nodename, queue=queue, broker_url=broker_url, log_path=log_path)
    client = Celery("rtcm-test-client", broker=broker_url, backend=broker_url, set_as_current=False)
    try:
        with pytest.MonkeyPatch.context() as patch:
            celery_use_broker(patch, broker_url)
            deadline = time.monotonic() + WORKER_START_TIMEOUT
            while not client.control.ping(destination=[nodename], timeout=1.0):
                if process.poll() is not None:
                    pytest.fail(f"The Celery worker exited with status {process.returncode}:\n{worker.log_tail()}", pytrace=False)
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"The Celery worker did not answer a ping within {WORKER_START_TIMEOUT} s:\n{worker.log_tail()}", pytrace=False
                    )
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        client.close()
        redis_forget_queue(broker_url, queue)


@pytest.fixture
def real_celery_worker(
    request: pytest.FixtureRequest, transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CeleryWorkerProcess]:
    """Send this test's tasks through Redis to the real worker subprocess instead of running them eagerly."""
    from config.celery import app

    if not suite_runs_real_worker_stage():
        pytest.skip("needs a real Celery worker on Redis: runs in the PostgreSQL stage (make test-postgres)")
    if not services.redis_available():
        service_missing(services.CHECKS["redis"][1])
    worker: CeleryWorkerProcess = request.getfixturevalue("celery_worker_process")
    # Celery's "a task is running here, don't block on results" flag is one global, set and restored around every eager
    # task; eager tasks run at once in the concurrency tests' threads can leave it set. The test process is no worker.
    from celery._state import _set_task_join_will_block

    monkeypatch.setattr("celery._state._task_join_will_block", False)
    _set_task_join_will_block(False)
    keys = ("task_always_eager", "broker_url", "result_backend", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    celery_use_broker(monkeypatch, worker.broker_url)
    app.conf.update(
        task_always_eager=False, broker_url=worker.broker_url, result_backend=worker.broker_url, task_default_queue=worker.queue
    )
    _celery_forget_connections(app)
    try:
        yield worker
    finally:
        app.conf.update(saved)
        _celery_forget_connections(app)
