"""A real Celery worker process on Redis runs the platform's tasks against the test database."""

from __future__ import annotations

import sysconfig
import time
from pathlib import Path

import pytest
from celery.result import EagerResult
from django.db import transaction

from people.models import OutboundEmail
from people.services import outbound_email_queue
from people.tasks import outbound_email_send, platform_probe
from tests.real_services import REPOSITORY

pytestmark = [pytest.mark.postgres, pytest.mark.real_worker]

TASK_TIMEOUT = 30


def _sent_email(email: OutboundEmail) -> OutboundEmail:
    """Poll the database until the worker has marked the e-mail sent, or the timeout passes."""
    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.sent_at is not None:
            break
        time.sleep(0.2)
    return email


def test_worker_process_imports_the_standard_library_platform_module(real_celery_worker):
    result = platform_probe.delay()
    probe = result.get(timeout=TASK_TIMEOUT)

    assert not isinstance(result, EagerResult)
    assert result.id in real_celery_worker.log_path.read_text()
    assert probe["system"]
    module_file = Path(probe["module_file"]).resolve()
    assert not module_file.is_relative_to(REPOSITORY / "platform")
    assert module_file.is_relative_to(Path(sysconfig.get_paths()["stdlib"]).resolve())


def test_email_queued_in_a_committed_transaction_is_sent_by_the_worker(real_celery_worker):
    with transaction.atomic():
        email = outbound_email_queue(to="trainee@example.org", subject="Welcome", body_text="Your account is ready.")

    email = _sent_email(email)

    assert email.sent_at is not None, f"not sent within {TASK_TIMEOUT} s:\n{real_celery_worker.log_tail()}"
    assert email.attempts == 1
    assert email.last_error == ""


def test_sending_an_already_sent_email_again_sends_nothing(real_celery_worker):
    with transaction.atomic():
        email = outbound_email_queue(to="trainee@example.org", subject="Welcome", body_text="Your account is ready.")
    email = _sent_email(email)
    assert email.sent_at is not None, f"not sent within {TASK_TIMEOUT} s:\n{real_celery_worker.log_tail()}"
    first_sent_at = email.sent_at

    # results are stored only when asked for (CELERY_TASK_IGNORE_RESULT): this test reads one
    outcome = outbound_email_send.apply_async(args=[email.pk], ignore_result=False).get(timeout=TASK_TIMEOUT)

    email.refresh_from_db()
    assert outcome == "already-sent"
    assert email.attempts == 1
    assert email.sent_at == first_sent_at
