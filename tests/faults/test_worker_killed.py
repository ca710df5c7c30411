"""The whole Celery worker is killed (SIGKILL to its main process and its pool child, as the loss of its machine
would) while it issues a session's 60 certificates: a new worker finishes the job, with no certificate issued twice.

Before the outbox, the job stayed unacknowledged in Redis until the visibility timeout (an hour by default): nothing
resumed for as long as anyone watched. Now the worker beats on the job's outbox row while it works
(home/outbox.py), and the sweep publishes again a job whose heartbeat stopped OUTBOX_STALLED_AFTER seconds ago
(shortened here to 10 s from 120 s). The broker is a redis-server of the test's own; both workers are real.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.db.models import Count
from django.utils import timezone

from curriculum import certificates
from curriculum.models import ApplicationStatus, Attendance, Certificate, SessionApplication, SessionStatus
from home import outbox
from home.models import QueuedTask
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory
from tests.faults.conftest import WorkerProcess, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PARTICIPANTS = 60
STALLED_AFTER = 10
FINISHED_WITHIN = 300  # seconds, from the kill


@pytest.fixture
def finished_session(site):
    module = ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory()))
    module.save_revision().publish()
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=4),
        end_date=today - datetime.timedelta(days=2),
        application_deadline=today - datetime.timedelta(days=10),
        status=SessionStatus.IN_PROGRESS,
        capacity=PARTICIPANTS,
    )
    for number in range(PARTICIPANTS):
        trainee = UserFactory(role="trainee", email=f"participant{number}@example.org")
        application = SessionApplication.objects.create(
            session=session, trainee=trainee, motivation="I work on this.", status=ApplicationStatus.APPROVED
        )
        Attendance.objects.bulk_create([Attendance(application=application, day=day, present=True) for day in session.days()])
    return session


def _issued() -> int:
    return Certificate.objects.count()


def test_a_new_worker_finishes_the_certificates_a_killed_worker_left_half_issued(
    private_redis, celery_on_private_redis, finished_session, coordinator, tmp_path, settings
):
    settings.OUTBOX_STALLED_AFTER = STALLED_AFTER
    first = WorkerProcess(broker_url=private_redis.url(0), queue=celery_on_private_redis, directory=tmp_path, name="first", environment={})
    second = WorkerProcess(
        broker_url=private_redis.url(0), queue=celery_on_private_redis, directory=tmp_path, name="second", environment={}
    )
    first.start()
    try:
        certificates.session_complete(session=finished_session, completed_by=coordinator)  # commits: the job is published
        wait_for(lambda: _issued() >= 5, 180, "the first worker issued no certificates", first.log_path)
        first.kill()
        killed = time.monotonic()
        at_kill = _issued()
        row = QueuedTask.objects.get(name="curriculum.tasks.certificates_issue")
        assert row.done_at is None and row.started_at is not None
        assert at_kill < PARTICIPANTS, "the first worker finished before it was killed: nothing was tested"

        second.start()

        def finished() -> bool:
            outbox.outbox_sweep()  # what beat runs every minute
            return _issued() >= PARTICIPANTS and QueuedTask.objects.filter(pk=row.pk, done_at__isnull=False).exists()

        wait_for(finished, FINISHED_WITHIN, "the certificates were not all issued after the kill", second.log_path)
        took = time.monotonic() - killed
    finally:
        first.kill()
        second.stop()

    per_application = Certificate.objects.values("application").annotate(n=Count("pk"))
    assert Certificate.objects.count() == PARTICIPANTS
    assert sorted(entry["n"] for entry in per_application) == [1] * PARTICIPANTS
    assert took < FINISHED_WITHIN
    row.refresh_from_db()
    assert row.publish_count == 2  # once on completing, once by the sweep
    print(
        f"\nfaults: worker killed with {at_kill}/{PARTICIPANTS} certificates issued; all {PARTICIPANTS} issued, none twice, "
        f"{took:.1f} s after the kill (heartbeat timeout {STALLED_AFTER} s)"
    )
