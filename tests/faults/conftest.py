"""Fixtures of the fault tests (`make test-faults`, pytest `-m faults`): servers of their own to break.

Every test here starts what it breaks itself: a private `redis-server` or a private PostgreSQL cluster
(initdb in a temporary directory, trust authentication), each on a free port of 127.0.0.1, and kills or
restarts it by its process id. The machine's shared servers (5432, 6379) are never touched. Mark every
test module here with `pytestmark = pytest.mark.faults`, so the other stages leave it out.

In the faults stage the test database itself lives on the private cluster (django_db_modify_db_settings below),
so a web server the test starts can share it and the test can restart it; it is migrated once per run.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import services
from tests.real_services import service_missing

START_TIMEOUT = 30


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(condition: object, timeout: float, what: str, log: Path | None = None) -> float:
    """Poll `condition()` until it is true; the seconds it took. Fails the test with the log's end after `timeout`."""
    started = time.monotonic()
    while not condition():  # type: ignore[operator]
        if time.monotonic() - started > timeout:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log and log.exists() else ""
            pytest.fail(f"{what} within {timeout} s\n{tail}", pytrace=False)
        time.sleep(0.05)
    return time.monotonic() - started


def settings_from_environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> types.ModuleType:
    """config/settings/base.py evaluated afresh with these environment variables: what a process started with them gets."""
    from config.settings import base

    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("rtcm_settings_under_test", base.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class PrivateRedis:
    """A `redis-server` of the test's own (no persistence) on a free port, killed and restarted by PID."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.log_path = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> float:
        """Start the server; seconds until it accepts connections."""
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory), "--daemonize", "no", "--protected-mode", "no"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        return wait_for(lambda: port_answers(self.port), START_TIMEOUT, "the private redis-server did not answer", self.log_path)

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would; returns once the port is closed."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        wait_for(lambda: not port_answers(self.port), 10, "the killed redis-server's port stayed open")

    def restart(self) -> float:
        self.kill()
        return self.start()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A running private redis-server; killed at the end of the test."""
    binary = services.redis_server_path()
    if binary is None:
        service_missing(services.CHECKS["redis-server"][1])
    server = PrivateRedis(binary, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


class PrivatePostgres:
    """A PostgreSQL cluster of the test session's own: initdb in a temporary directory, trust authentication.

    PostgreSQL refuses to run as root: as root the cluster belongs to, and runs as, the `postgres` account.
    """

    def __init__(self, bin_directory: str, directory: Path) -> None:
        self.bin = Path(bin_directory)
        self.directory = directory
        self.data = directory / "data"
        self.log_path = directory / "postgres.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.user = "postgres" if os.geteuid() == 0 else None

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _run(self, *command: str) -> None:
        result = subprocess.run(command, user=self.user, cwd=self.directory, capture_output=True, check=False, timeout=120)
        if result.returncode:
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout.decode()}\n{result.stderr.decode()}", pytrace=False)

    def initdb(self) -> None:
        if self.user:
            account = pwd.getpwnam(self.user)
            os.chown(self.directory, account.pw_uid, account.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")

    def accepts_connections(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False

    def start(self) -> float:
        """Start the postmaster; seconds until it accepts connections."""
        command = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port), "-c", "listen_addresses=127.0.0.1"]
        command += ["-c", f"unix_socket_directories={self.directory}", "-c", "fsync=off", "-c", "synchronous_commit=off"]
        command += ["-c", "full_page_writes=off", "-c", "max_connections=50"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, user=self.user, cwd=self.directory, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        return wait_for(self.accepts_connections, START_TIMEOUT, "the private PostgreSQL did not accept connections", self.log_path)

    def stop(self, *, fast: bool = True) -> None:
        """Stop the postmaster by its PID: SIGINT is PostgreSQL's fast shutdown (what `pg_ctl stop -m fast` sends),
        SIGKILL a crash. Returns once the process is gone."""
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT if fast else signal.SIGKILL)
            self.process.wait(timeout=30)
        wait_for(lambda: not port_answers(self.port), 10, "the stopped PostgreSQL's port stayed open")

    def restart(self) -> float:
        """`pg_ctl restart -m fast`, by PID: fast shutdown, then start; seconds from the shutdown to accepting connections."""
        started = time.monotonic()
        self.stop(fast=True)
        self.start()
        return time.monotonic() - started

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private PostgreSQL cluster for the session; stopped and deleted at the end."""
    bin_directory = services.postgres_bin_directory()
    if bin_directory is None:
        service_missing(services.CHECKS["postgres-server"][1])
    # Not under pytest's temporary directory: that one is private to root, and the cluster runs as `postgres`.
    directory = Path(tempfile.mkdtemp(prefix="rtcm-faults-postgres-"))
    cluster = PrivatePostgres(bin_directory, directory)
    try:
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(Exception):
            cluster.stop(fast=True)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None, private_postgres: PrivatePostgres) -> None:
    """pytest-django's test database on the private cluster (test_rtcm_faults), when the faults stage runs alone.

    In a run of the whole suite an earlier test has set the database up already (on SQLite or the shared
    PostgreSQL); the tests that restart the database then skip (see on_private_postgres).
    """
    import dj_database_url
    from django.conf import settings
    from django.db import connections

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        # Django started on SQLite: the search index's models were chosen for SQLite, and a test with serialized
        # rollback would read a table PostgreSQL does not have. `make test-faults` starts it as a PostgreSQL process.
        pytest.fail(
            "run the faults stage with `make test-faults` (or DATABASE_URL set to any postgres:// URL: the tests move "
            "the database to a private cluster)",
            pytrace=False,
        )
    database.clear()
    database.update(dj_database_url.parse(private_postgres.url("rtcm_faults"), conn_max_age=0, conn_health_checks=True))
    # Forget the connection handler's copy of the settings and any connection made with the old ones.
    vars(connections).pop("settings", None)
    with contextlib.suppress(AttributeError):
        delattr(connections._connections, "default")
    # The search index's PostgreSQL weights are set when the apps load on PostgreSQL; this process loaded them on SQLite,
    # and indexing a page (a module, with boosted fields) would fail without them.
    from modelsearch.backends.database.postgres.weights import BOOSTS_WEIGHTS, set_weights

    if not BOOSTS_WEIGHTS:
        set_weights()


@pytest.fixture
def on_private_postgres(django_db_setup: None, private_postgres: PrivatePostgres) -> PrivatePostgres:
    """The private cluster, when this run's test database is on it; else the test skips (fails in CI)."""
    from django.db import connection

    if connection.vendor != "postgresql" or int(connection.settings_dict["PORT"] or 0) != private_postgres.port:
        service_missing("the test database is not on the private PostgreSQL cluster: run the faults stage alone (make test-faults)")
    return private_postgres


class WorkerProcess:
    """A `celery worker` of the test's own (prefork, one child) on the private Redis and the test database.

    Started in a session of its own, so `kill()` takes the main process and its pool child together, as the loss of
    the machine would; the log is kept for failure messages.
    """

    def __init__(self, *, broker_url: str, queue: str, directory: Path, name: str, environment: dict[str, str]) -> None:
        self.broker_url, self.queue, self.name = broker_url, queue, name
        self.log_path = directory / f"{name}.log"
        self.environment = environment
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import sys

        from django.db import connection

        from tests.real_services import REPOSITORY, _database_url

        environment = {key: value for key, value in os.environ.items() if key not in {"CACHE_URL"}}
        environment |= {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(connection.settings_dict),
            "DB_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.broker_url,
            "CELERY_QUEUE": self.queue,
            **self.environment,
        }
        celery = Path(sys.executable).with_name("celery")
        command = [str(celery), "-A", "config", "worker", "--pool=prefork", "--concurrency=1", f"--queues={self.queue}"]
        command += [f"--hostname={self.name}@%h", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPOSITORY,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: self._running() and "ready." in self.log(), 90, f"the worker {self.name} did not start", self.log_path)

    def _running(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"the worker {self.name} exited with status {self.process.returncode}:\n{self.log()[-3000:]}", pytrace=False)
        return True

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL to the main process and its pool child at once: nothing acknowledges, nothing cleans up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), or a kill after 20 s."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_on_private_redis(private_redis: PrivateRedis, settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This process's Celery app publishes to the private Redis, on a queue of this test's own, as production does
    (no eager tasks); the queue's name."""
    import uuid

    from config.celery import app
    from tests.real_services import _celery_forget_connections, celery_use_broker

    queue = f"rtcm-faults-{uuid.uuid4().hex[:8]}"
    keys = ("task_always_eager", "broker_url", "result_backend", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    celery_use_broker(monkeypatch, private_redis.url(0))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(task_always_eager=False, broker_url=private_redis.url(0), result_backend=private_redis.url(0), task_default_queue=queue)
    _celery_forget_connections(app)
    from home import outbox

    monkeypatch.setattr(outbox._publisher, "connection", None)
    monkeypatch.setattr(outbox._publisher, "paused_until", 0.0)
    try:
        yield queue
    finally:
        app.conf.update(saved)
        _celery_forget_connections(app)
