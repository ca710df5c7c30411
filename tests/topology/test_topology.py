"""`platform/launch` brings up gunicorn, a Celery worker and beat on a fresh PostgreSQL database and Redis."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import pytest
from celery import Celery

from tests import services
from tests.real_services import REPOSITORY, celery_use_broker, redis_forget_queue

pytestmark = pytest.mark.topology

# About 40 s on an idle two-core machine (migrations and collectstatic dominate); far more when it is busy.
START_TIMEOUT = 150
STOP_TIMEOUT = 30


@dataclass(frozen=True)
class Topology:
    """What one `platform/launch` run needs: its database, broker, queue and a place for files."""

    database_url: str
    broker_url: str
    queue: str
    directory: Path


@dataclass(frozen=True)
class Launched:
    """A running `platform/launch` process and the port its web server listens on."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def topology(require_services, tmp_path_factory) -> Iterator[Topology]:
    """A fresh PostgreSQL database (dropped at the end), Redis database 13 and a queue of this run's own."""
    require_services("postgres", "redis")
    run = uuid.uuid4().hex[:10]
    name = f"rtcm_topology_{run}"
    server = urlparse(services.POSTGRES_URL)
    connection_options = {
        "host": server.hostname,
        "port": server.port or 5432,
        "user": server.username or "postgres",
        "password": server.password,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **connection_options) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    queue = f"rtcm-topology-{run}"
    broker_url = urlparse(services.REDIS_URL)._replace(path="/13").geturl()
    try:
        yield Topology(
            database_url=server._replace(path=f"/{name}").geturl(),
            broker_url=broker_url,
            queue=queue,
            directory=tmp_path_factory.mktemp("topology"),
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **connection_options) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis_forget_queue(broker_url, queue)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - a local http:// URL built above
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _stat(pid: int) -> tuple[str, int, int] | None:
    """State, parent and process group of a process, from /proc; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, parent, group = text[text.rindex(")") + 2 :].split()[:3]
    return state, int(parent), int(group)


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _live_processes(*, group: int | None = None, parent: int | None = None) -> dict[int, str]:
    """Processes (zombies excluded) in a process group or with a given parent: pid -> command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(int(entry.name))
        if stat is None or stat[0] in {"Z", "X"}:
            continue
        if (group is None or stat[2] == group) and (parent is None or stat[1] == parent):
            found[int(entry.name)] = _command_line(int(entry.name))
    return found


def _children_by_role(launch_pid: int) -> dict[str, int]:
    children = _live_processes(parent=launch_pid)
    roles = {"web": "gunicorn", "worker": " worker ", "beat": " beat "}
    return {role: pid for role, marker in roles.items() for pid, command in children.items() if marker in command}


@pytest.fixture
def launch(topology: Topology) -> Iterator[Callable[..., Launched]]:
    """Start `platform/launch --env-file` from an unrelated directory; stop everything it started at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> Launched:
        port = _free_port()
        variables = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": topology.database_url,
            "CELERY_BROKER_URL": topology.broker_url,
            "CELERY_QUEUE": topology.queue,
            "SITE_URL": f"http://127.0.0.1:{port}",
            "SECURE_SSL_REDIRECT": "false",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "1",
            "CELERY_CONCURRENCY": "1",
            "STATIC_ROOT": str(topology.directory / "static"),
            "MEDIA_ROOT": str(topology.directory / "media"),
            "RTCM_VAR_DIR": str(topology.directory / "var"),
            "STOP_TIMEOUT": str(STOP_TIMEOUT),
            **extra,
        }
        env_file = topology.directory / f"rtcm-{port}.env"
        env_file.write_text("".join(f"{name}={value}\n" for name, value in variables.items()))
        log_path = topology.directory / f"launch-{port}.log"
        # Only what a bare service manager passes: no DJANGO_SETTINGS_MODULE from pytest-django.
        environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(topology.directory)), "LANG": "C.UTF-8"}
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(REPOSITORY / "platform" / "launch"), "--env-file", str(env_file)],
                cwd=topology.directory,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so the test can find every descendant
            )
        started.append(process)
        return Launched(process=process, port=port, log_path=log_path)

    yield start
    for process in started:
        if process.poll() is None or _live_processes(group=process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_healthy(launched: Launched) -> dict[str, str]:
    deadline = time.monotonic() + START_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if launched.process.poll() is not None:
            pytest.fail(f"platform/launch exited with status {launched.process.returncode}:\n{launched.log_tail()}", pytrace=False)
        try:
            status, body = _get(f"http://127.0.0.1:{launched.port}/health/")
        except OSError as error:
            last = str(error)
        else:
            if status == 200:
                return json.loads(body)
            last = f"{status} {body}"
        time.sleep(0.5)
    pytest.fail(f"/health/ did not answer 200 within {START_TIMEOUT} s (last: {last}):\n{launched.log_tail()}", pytrace=False)


def _wait_until_worker_and_beat_seen(launched: Launched) -> dict[str, object]:
    """/health/ once the worker and beat have recorded their heartbeats (each does when it starts)."""
    deadline = time.monotonic() + START_TIMEOUT
    health: dict[str, object] = {}
    while time.monotonic() < deadline:
        status, body = _get(f"http://127.0.0.1:{launched.port}/health/")
        health = json.loads(body)
        if status == 200 and health["status"] == "ok":
            return health
        time.sleep(0.5)
    pytest.fail(f"/health/ never said the worker and beat were seen (last: {health}):\n{launched.log_tail()}", pytrace=False)


def _wait_for_exit(launched: Launched) -> int:
    try:
        return launched.process.wait(timeout=STOP_TIMEOUT + 15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"platform/launch did not exit:\n{launched.log_tail()}", pytrace=False)


def _wait_until_group_is_empty(group: int) -> dict[int, str]:
    deadline = time.monotonic() + 10
    while (left := _live_processes(group=group)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_launched_topology_serves_pages_runs_tasks_and_stops_on_sigterm(topology, launch, monkeypatch):
    launched = launch(LOAD_REFERENCE_DATA="true")

    health = _wait_until_healthy(launched)
    assert (health["database"], health["broker"], health["cache"], health["vendor"]) == ("ok", "ok", "local", "postgresql")
    assert set(health["failing"]) <= {"worker", "beat"}  # until each has started and recorded its heartbeat
    health = _wait_until_worker_and_beat_seen(launched)
    assert (health["status"], health["failing"], health["worker"], health["beat"]) == ("ok", [], "ok", "ok")

    status, page = _get(f"http://127.0.0.1:{launched.port}/az/accounts/login/")
    assert status == 200
    assert "<form" in page
    assert 'name="password"' in page

    children = _children_by_role(launched.process.pid)
    assert sorted(children) == ["beat", "web", "worker"], launched.log_tail()

    celery_use_broker(monkeypatch, topology.broker_url)
    client = Celery("rtcm-topology-client", broker=topology.broker_url, backend=topology.broker_url, set_as_current=False)
    try:
        probe = client.send_task("people.tasks.platform_probe", queue=topology.queue).get(timeout=30)
    finally:
        client.close()
    assert probe["system"]
    assert not Path(probe["module_file"]).resolve().is_relative_to(REPOSITORY)

    with psycopg.connect(topology.database_url) as database:
        countries = database.execute("SELECT count(*) FROM people_country").fetchone()[0]
    assert countries > 0

    launched.process.send_signal(signal.SIGTERM)

    assert _wait_for_exit(launched) == 0, launched.log_tail()
    assert _wait_until_group_is_empty(launched.process.pid) == {}
    assert "received SIGTERM; stopping web, worker and beat" in launched.log_tail()


def test_launch_stops_the_others_and_fails_when_one_process_dies(launch):
    launched = launch(COLLECTSTATIC="false")  # the supervision is under test here, not the static files
    _wait_until_healthy(launched)
    children = _children_by_role(launched.process.pid)
    assert "beat" in children, launched.log_tail()

    os.kill(children["beat"], signal.SIGKILL)

    assert _wait_for_exit(launched) != 0
    assert _wait_until_group_is_empty(launched.process.pid) == {}
    assert "beat (pid" in launched.log_tail()
