"""The broker (Redis at CELERY_BROKER_URL) is down while a trainee applies: the application is saved, the page answers
at once, and the confirmation e-mail goes out exactly once after the broker is back.

Before the outbox (home/outbox.py) the request waited about 19 s on Celery's connection retries, then answered 500;
the application was saved but its e-mail never sent. The broker here is a redis-server of the test's own, killed
(and, in the second test, frozen with SIGSTOP) by its PID; the worker is a real `celery worker` on it and on the
test database, writing e-mails to files so that each delivery can be counted.
"""

from __future__ import annotations

import datetime
import os
import signal
import time
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from curriculum.models import SessionApplication
from home import outbox
from home.models import QueuedTask
from people.models import OutboundEmail
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.faults.conftest import PrivateRedis, WorkerProcess, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ANSWER_WITHIN = 2.0
DELIVERED_WITHIN = 60


@pytest.fixture
def open_session(site):
    module = ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory()))
    today = timezone.localdate()
    return TrainingSessionFactory(
        module=module,
        start_date=today + datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=34),
        application_deadline=today + datetime.timedelta(days=20),
    )


def _apply(trainee, session) -> tuple[int, float]:
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    started = time.monotonic()
    response = client.post(
        f"/en/sessions/{session.pk}/apply/",
        {"motivation": "I handle asylum cases.", "organisation_confirmed": "on", "position_confirmed": "on"},
    )
    return response.status_code, time.monotonic() - started


def _mails(directory: Path) -> list[str]:
    return [path.read_text(errors="replace") for path in sorted(directory.glob("*.log"))]


def _worker(private_redis: PrivateRedis, queue: str, tmp_path: Path) -> tuple[WorkerProcess, Path]:
    mail = tmp_path / "mail"
    mail.mkdir()
    environment = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail)}
    worker = WorkerProcess(broker_url=private_redis.url(0), queue=queue, directory=tmp_path, name="mailer", environment=environment)
    return worker, mail


def _confirmation(trainee) -> OutboundEmail:
    return OutboundEmail.objects.get(to=trainee.email)


def test_with_the_broker_killed_an_application_answers_at_once_and_its_e_mail_goes_out_once_when_it_is_back(
    private_redis, celery_on_private_redis, open_session, trainee, tmp_path, settings
):
    settings.OUTBOX_REPUBLISH_AFTER = 0  # the sweep may publish at once: the test runs it itself
    private_redis.kill()

    status, seconds = _apply(trainee, open_session)

    assert status == 302, "the application did not go through with the broker down"
    assert seconds < ANSWER_WITHIN
    assert SessionApplication.objects.filter(session=open_session, trainee=trainee).exists()
    email = _confirmation(trainee)
    assert email.sent_at is None
    row = QueuedTask.objects.get(args=[email.pk])
    assert (row.published_at, row.done_at) == (None, None)
    print(f"\nfaults: with the broker killed the application answered {status} in {seconds:.2f} s")

    private_redis.start()
    worker, mail = _worker(private_redis, celery_on_private_redis, tmp_path)
    worker.start()
    try:
        back = time.monotonic()
        assert outbox.outbox_sweep()["published"] == 1
        wait_for(lambda: _confirmation(trainee).sent_at is not None, DELIVERED_WITHIN, "the e-mail was not delivered", worker.log_path)
        delivered_after = time.monotonic() - back
        # a second sweep, and a third, find nothing owed
        assert outbox.outbox_sweep()["published"] == 0
        time.sleep(2)
        assert outbox.outbox_sweep()["published"] == 0
    finally:
        worker.stop()

    mails = _mails(mail)
    assert len(mails) == 1, f"{len(mails)} messages delivered"
    assert trainee.email in mails[0]
    row.refresh_from_db()
    assert row.done_at is not None
    assert _confirmation(trainee).attempts == 1
    print(f"faults: the e-mail was delivered {delivered_after:.2f} s after the broker came back and the sweep ran")


def test_with_the_broker_frozen_an_application_still_answers_within_two_seconds(
    private_redis, celery_on_private_redis, open_session, trainee, make_second_trainee
):
    os.kill(private_redis.pid, signal.SIGSTOP)  # connections are accepted by the kernel, nothing answers
    try:
        first_status, first_seconds = _apply(trainee, open_session)
        second_status, second_seconds = _apply(make_second_trainee, open_session)
    finally:
        os.kill(private_redis.pid, signal.SIGCONT)

    assert (first_status, second_status) == (302, 302)
    assert first_seconds < ANSWER_WITHIN
    # the first request found the broker unresponsive; this process leaves it alone for a while
    assert second_seconds < first_seconds or second_seconds < 0.5
    assert QueuedTask.objects.filter(published_at__isnull=True).count() == 2
    print(f"\nfaults: with the broker frozen the applications answered in {first_seconds:.2f} s, then {second_seconds:.2f} s")


@pytest.fixture
def make_second_trainee(reference_data):
    from tests.factories.people import UserFactory

    return UserFactory(role="trainee", email="second.trainee@example.org")
