"""Files on more than one machine: two web processes and a Celery worker that share only the database, the broker and
the object store. A certificate the worker issued downloads through either web process; with the store hung or dead,
the download answers a 503 page (not a 500) and /health/ names the storage; once the store answers, downloads work.

The object store is moto's S3 server (tests/object_store.py: an emulator of S3, not a full implementation), the broker a
private redis-server, the database the faults stage's private PostgreSQL. Each process has MEDIA_ROOT, PRIVATE_MEDIA_ROOT
and RTCM_VAR_DIR in a temporary folder of its own, so a file one of them wrote on disk is one the others cannot read;
the test checks that none of them wrote any. Every process is started here and stopped or killed by its PID.
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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections

from curriculum.models import ApplicationStatus, Attendance, Certificate, SessionApplication, SessionStatus
from tests.factories.curriculum import ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory
from tests.faults.conftest import PrivatePostgres, PrivateRedis, free_port, wait_for
from tests.object_store import Bucket, MotoServer, bucket_create
from tests.real_services import REPOSITORY, _database_url

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Seconds each request to the store may take before it counts as failed (STORAGE_S3_TIMEOUT_SECONDS).
STORE_TIMEOUT = 2
# The worker renders the certificate (WeasyPrint, fonts loaded once per process): well within a minute.
ISSUE_TIMEOUT = 90


@dataclass
class Process:
    """A subprocess of the test, its log and its private folder."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    folder: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def files_on_disk(self) -> list[Path]:
        return [path for path in self.folder.rglob("*") if path.is_file() and path.parent != self.folder]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an answer to look at (the sign-in page), not to follow


_opener = urllib.request.build_opener(_NoRedirects)


def _request(url: str, cookie: str = "") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310 - local http:// URL
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def object_store(tmp_path: Path) -> Iterator[Bucket]:
    """moto's S3 server on a free port with one bucket; killed by its PID at the end."""
    server = MotoServer(tmp_path / "moto.log")
    server.start()
    try:
        yield bucket_create(server)
    finally:
        server.kill()


@pytest.fixture
def shared_only(on_private_postgres: PrivatePostgres, private_redis: PrivateRedis, object_store: Bucket, tmp_path: Path) -> dict[str, str]:
    """What every process gets: the database, the broker, the object store and a queue of this test's own; nothing else."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "RTCM_VAR_DIR"}
        and not key.startswith("STORAGE_S3_")
    }
    return (
        environment
        | object_store.environment(STORAGE_S3_TIMEOUT_SECONDS=str(STORE_TIMEOUT))
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(connection.settings_dict),
            "DB_CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": private_redis.url(0),
            "CELERY_RESULT_BACKEND": private_redis.url(0),
            "CELERY_QUEUE": f"rtcm-storage-{uuid.uuid4().hex[:8]}",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )


def _start(name: str, command: list[str], environment: dict[str, str], tmp_path: Path) -> Process:
    folder = tmp_path / name
    folder.mkdir()
    own_disk = {"MEDIA_ROOT": str(folder / "media"), "PRIVATE_MEDIA_ROOT": str(folder / "private"), "RTCM_VAR_DIR": str(folder / "var")}
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=REPOSITORY, env=environment | own_disk, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    return Process(name=name, process=process, log_path=log_path, folder=folder)


@pytest.fixture
def processes(shared_only: dict[str, str], tmp_path: Path) -> Iterator[dict[str, object]]:
    """Web processes A and B (gunicorn, one worker each, ports of their own) and a Celery worker; base URLs and the worker."""
    started: list[Process] = []
    bases: dict[str, str] = {}
    try:
        for name in ("web-a", "web-b"):
            port = free_port()
            gunicorn = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application", "--config", "platform/gunicorn.conf.py"]
            environment = shared_only | {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1"}
            started.append(_start(name, gunicorn, environment, tmp_path))
            bases[name] = f"http://127.0.0.1:{port}"
        celery = [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--pool=solo", "--concurrency=1"]
        celery += [f"--queues={shared_only['CELERY_QUEUE']}", f"--hostname=storage-{uuid.uuid4().hex[:8]}@%h", "--loglevel=INFO"]
        celery += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        started.append(_start("worker", celery, shared_only, tmp_path))
        for process, base in zip(started, bases.values(), strict=False):

            def answering(process: Process = process, base: str = base) -> bool:
                if process.process.poll() is not None:
                    pytest.fail(f"{process.name} exited:\n{process.log_path.read_text(errors='replace')[-3000:]}", pytrace=False)
                try:
                    _request(f"{base}/health/live/")
                except OSError:
                    return False
                return True

            wait_for(answering, 60, f"{process.name} did not answer", process.log_path)
        yield {"bases": bases, "processes": started, "queue": shared_only["CELERY_QUEUE"], "broker": shared_only["CELERY_BROKER_URL"]}
    finally:
        for process in started:
            process.stop()


def _holder_cookie(user: object) -> str:
    """A signed-in session of `user` in the shared database, as the sign-in form would leave it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def _completed_session_with_holder() -> tuple[object, SessionApplication]:
    import datetime

    from django.utils import timezone

    from home import demo as home_demo
    from people.services import reference_data_load

    # the `site` fixture without the roles, whose permissions an earlier test's flush may have taken
    reference_data_load()
    home_demo.load()
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=ModulePageFactory(),
        start_date=today - datetime.timedelta(days=3),
        end_date=today - datetime.timedelta(days=1),
        application_deadline=today - datetime.timedelta(days=9),
    )
    trainee = UserFactory(email="holder@example.org", first_name="Aygün", last_name="Məmmədova")
    application = SessionApplication.objects.create(
        session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="Files."
    )
    for day in session.days():
        Attendance.objects.create(application=application, day=day, present=True)
    session.status = SessionStatus.COMPLETED
    session.save(update_fields=["status"])
    return session, application


def _issue_through_the_broker(session_id: int, broker: str, queue: str) -> None:
    from celery import Celery

    client = Celery("rtcm-storage-test", broker=broker, set_as_current=False)
    try:
        client.send_task("curriculum.tasks.certificates_issue", args=[session_id], queue=queue)
    finally:
        client.close()


def _issued(application: SessionApplication) -> Certificate | None:
    connections.close_all()
    return Certificate.objects.filter(application=application).exclude(file="").first()


def test_a_certificate_the_worker_issued_downloads_through_either_web_process_and_the_store_down_answers_503(processes, object_store):
    bases, queue, broker = processes["bases"], processes["queue"], processes["broker"]
    session, application = _completed_session_with_holder()
    cookie = _holder_cookie(application.trainee)

    started = time.monotonic()
    _issue_through_the_broker(session.pk, broker, queue)
    worker = processes["processes"][2]
    wait_for(lambda: _issued(application) is not None, ISSUE_TIMEOUT, "the worker issued no certificate", worker.log_path)
    issue_seconds = time.monotonic() - started
    certificate = _issued(application)
    key = f"private/{certificate.file.name}"
    assert object_store.object_keys() == [key], "the worker's PDF is not (only) in the bucket"
    stored = object_store.read(key)

    downloads = {}
    for name, base in bases.items():
        began = time.monotonic()
        status, headers, body = _request(f"{base}/en/certificates/{certificate.code}/download/", cookie)
        downloads[name] = time.monotonic() - began
        assert (status, headers.get("Content-Type")) == (200, "application/pdf"), f"{name}: {status}\n{body[:500]!r}"
        assert body == stored, f"{name} did not hand out the worker's PDF"
    anonymous = _request(f"{bases['web-b']}/en/certificates/{certificate.code}/download/")
    assert anonymous[0] == 302 and "/accounts/login/" in anonymous[1]["Location"]
    # neither web process rendered a PDF of its own, and no process wrote a file on its own disk
    assert _issued(application).file.name == certificate.file.name
    assert object_store.object_keys() == [key]
    assert {process.name: process.files_on_disk() for process in processes["processes"]} == {"web-a": [], "web-b": [], "worker": []}

    # The store hangs (SIGSTOP): the download waits for the store's timeouts, then answers the 503 page.
    moto = object_store.server.process
    os.kill(moto.pid, signal.SIGSTOP)
    try:
        began = time.monotonic()
        hung_status, _headers, hung_body = _request(f"{bases['web-a']}/en/certificates/{certificate.code}/download/", cookie)
        hung_seconds = time.monotonic() - began
        began = time.monotonic()
        hung_health_status, _headers, hung_health = _request(f"{bases['web-b']}/health/")
        hung_health_seconds = time.monotonic() - began
    finally:
        os.kill(moto.pid, signal.SIGCONT)
    began = time.monotonic()
    resumed_status, _headers, resumed_body = _request(f"{bases['web-a']}/en/certificates/{certificate.code}/download/", cookie)
    resumed_seconds = time.monotonic() - began

    assert hung_status == 503 and b"Files are unavailable for a moment" in hung_body
    assert hung_health_status == 200 and json.loads(hung_health)["storage"] == "unreachable"
    assert (resumed_status, resumed_body) == (200, stored)

    # The store dies (SIGKILL): the same 503 page at once, /health/ names the storage, the rest of the site works.
    object_store.server.kill()
    began = time.monotonic()
    dead = {name: _request(f"{base}/en/certificates/{certificate.code}/download/", cookie) for name, base in bases.items()}
    dead_seconds = (time.monotonic() - began) / len(bases)
    health_status, _headers, health = _request(f"{bases['web-a']}/health/")
    verify_status = _request(f"{bases['web-b']}/en/certificates/verify/{certificate.code}/")[0]

    for name, (status, headers, body) in dead.items():
        assert status == 503, f"{name}: {status}\n{body[:500]!r}"
        assert headers.get("Retry-After") == "30"
        assert b"Files are unavailable for a moment" in body
    health = json.loads(health)
    assert health_status == 200
    assert (health["status"], health["storage"], health["database"], health["broker"]) == ("degraded", "unreachable", "ok", "ok")
    assert "storage" in health["failing"]
    assert verify_status == 200  # the public verification page needs no file

    print(
        f"\nfaults: object store: certificate issued by the worker in {issue_seconds:.2f} s; downloads "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in downloads.items())
        + f"; store hung: download 503 in {hung_seconds:.2f} s, /health/ in {hung_health_seconds:.2f} s; "
        f"after SIGCONT the download took {resumed_seconds:.2f} s; store killed: download 503 in {dead_seconds:.2f} s"
    )
