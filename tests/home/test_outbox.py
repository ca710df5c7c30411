"""The outbox of background work (home/outbox.py): a committed change always has its task, the broker's absence never
fails a request, and the sweep publishes again what the broker never got or a dead worker left unfinished.

The broker is replaced here by a stand-in for `apply_async` that records or refuses hand-overs; the real broker
and worker, killed for real, are in tests/faults/test_broker_down.py and tests/faults/test_worker_killed.py.
"""

from __future__ import annotations

import datetime
import logging
import time
import types

import pytest
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from home import outbox
from home.models import QueuedTask
from people import services
from people.models import OutboundEmail
from people.tasks import outbound_email_send


class FakeBroker:
    """Stands in for the broker behind one task's apply_async: takes or refuses each hand-over, and counts them."""

    def __init__(self) -> None:
        self.up = True
        self.handed: list[tuple[list, str]] = []
        self.attempts = 0

    def apply_async(self, args=None, task_id=None, **options):
        self.attempts += 1
        if not self.up:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.handed.append((list(args), task_id))


@pytest.fixture
def broker(settings, monkeypatch) -> FakeBroker:
    """As in production: tasks go to a broker (this stand-in) instead of running in the request."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setitem(outbound_email_send.app.conf, "task_always_eager", False)
    fake = FakeBroker()
    monkeypatch.setattr(outbound_email_send, "apply_async", fake.apply_async)
    monkeypatch.setattr(outbox._publisher, "paused_until", 0.0)
    monkeypatch.setattr(outbox._publisher, "connection", None)
    return fake


@pytest.fixture(autouse=True)
def _commits(django_capture_on_commit_callbacks) -> None:
    global _capture
    _capture = django_capture_on_commit_callbacks


_capture = None


def _queue(to: str = "trainee@example.org") -> OutboundEmail:
    """Queue an e-mail in a transaction and run what its commit runs."""
    with _capture(execute=True), transaction.atomic():
        return services.outbound_email_queue(to=to, subject="Application received", body_text="Thank you.")


def _age(row: QueuedTask, **delta: float) -> None:
    """Move the row's times back, as if it had waited."""
    shift = datetime.timedelta(**delta)
    QueuedTask.objects.filter(pk=row.pk).update(
        created_at=row.created_at - shift, published_at=row.published_at - shift if row.published_at else None
    )


@pytest.mark.django_db
def test_in_eager_mode_the_task_runs_after_the_commit_and_its_row_is_done():
    email = _queue()

    email.refresh_from_db()
    row = QueuedTask.objects.get()
    assert email.sent_at is not None
    assert (row.name, row.args) == ("people.tasks.outbound_email_send", [email.pk])
    assert row.done_at is not None


@pytest.mark.django_db
def test_a_rolled_back_change_owes_no_task(broker):
    with _capture(execute=True) as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        services.outbound_email_queue(to="trainee@example.org", subject="Application received", body_text="Thank you.")
        raise RuntimeError("the application failed to save")

    assert not QueuedTask.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert callbacks == []
    assert broker.attempts == 0


@pytest.mark.django_db
def test_the_committed_task_is_handed_to_the_broker_under_its_rows_id(broker):
    email = _queue()

    row = QueuedTask.objects.get()
    assert broker.handed == [([email.pk], str(row.task_id))]
    assert row.publish_count == 1
    assert row.published_at is not None


@pytest.mark.django_db
def test_with_the_broker_down_the_change_commits_and_the_task_waits_in_the_outbox(broker, caplog):
    broker.up = False

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="home.outbox"):
        email = _queue()
    elapsed = time.monotonic() - started

    row = QueuedTask.objects.get()
    assert OutboundEmail.objects.filter(pk=email.pk, sent_at__isnull=True).exists()
    assert (row.published_at, row.publish_count, row.done_at) == (None, 0, None)
    assert "the sweep publishes it later" in caplog.text
    assert elapsed < 1


@pytest.mark.django_db
def test_after_a_refused_hand_over_the_process_leaves_the_broker_alone_for_a_while(broker, settings):
    settings.OUTBOX_PUBLISH_PAUSE_SECONDS = 30
    broker.up = False
    _queue("first@example.org")
    broker.up = True

    _queue("second@example.org")

    assert broker.attempts == 1  # the second request did not knock on the broker again
    assert QueuedTask.objects.filter(published_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_the_sweep_publishes_what_the_broker_never_got_once_it_has_waited(broker, settings):
    settings.OUTBOX_REPUBLISH_AFTER = 300
    broker.up = False
    _queue("waited@example.org")
    _queue("recent@example.org")
    waited, recent = QueuedTask.objects.order_by("pk")
    _age(waited, seconds=301)
    broker.up = True

    counts = outbox.outbox_sweep()

    assert counts["published"] == 1
    assert broker.handed == [(waited.args, str(waited.task_id))]
    waited.refresh_from_db()
    recent.refresh_from_db()
    assert (waited.publish_count, recent.publish_count) == (1, 0)


@pytest.mark.django_db
def test_the_sweep_leaves_alone_a_task_handed_over_recently_or_done(broker, settings):
    settings.OUTBOX_REPUBLISH_AFTER = 300
    _queue("queued@example.org")
    _queue("done@example.org")
    queued, done = QueuedTask.objects.order_by("pk")
    _age(done, seconds=3600)
    QueuedTask.objects.filter(pk=done.pk).update(done_at=timezone.now())
    broker.handed.clear()

    assert outbox.outbox_sweep()["published"] == 0
    assert broker.handed == []
    _age(queued, seconds=301)  # handed over five minutes ago and never started: the broker lost it
    assert outbox.outbox_sweep()["published"] == 1


@pytest.mark.django_db
def test_the_sweep_publishes_again_a_task_whose_worker_stopped_beating(broker, settings):
    settings.OUTBOX_STALLED_AFTER = 120
    _queue("stalled@example.org")
    _queue("running@example.org")
    stalled, running = QueuedTask.objects.order_by("pk")
    long_ago, just_now = timezone.now() - datetime.timedelta(seconds=121), timezone.now()
    QueuedTask.objects.filter(pk=stalled.pk).update(started_at=long_ago, heartbeat_at=long_ago, worker="celery@dead")
    QueuedTask.objects.filter(pk=running.pk).update(started_at=long_ago, heartbeat_at=just_now, worker="celery@alive")
    broker.handed.clear()

    counts = outbox.outbox_sweep()

    assert counts["published"] == 1
    assert broker.handed == [(stalled.args, str(stalled.task_id))]
    stalled.refresh_from_db()
    assert (stalled.started_at, stalled.heartbeat_at, stalled.publish_count) == (None, None, 2)


@pytest.mark.django_db
def test_the_sweep_gives_up_after_so_many_hand_overs_and_says_so(broker, settings, caplog):
    settings.OUTBOX_MAX_PUBLISHES = 3
    _queue("hopeless@example.org")
    row = QueuedTask.objects.get()
    QueuedTask.objects.filter(pk=row.pk).update(publish_count=3, created_at=row.created_at - datetime.timedelta(hours=1), published_at=None)
    broker.handed.clear()

    with caplog.at_level(logging.ERROR, logger="home.outbox"):
        counts = outbox.outbox_sweep()

    row.refresh_from_db()
    assert counts == {"published": 0, "given_up": 1, "deleted": 0}
    assert row.failed_at is not None
    assert broker.handed == []
    assert "gave up on task people.tasks.outbound_email_send" in caplog.text


@pytest.mark.django_db
def test_the_sweep_deletes_rows_done_more_than_a_week_ago(broker, settings):
    settings.OUTBOX_KEEP_DAYS = 7
    _queue("old@example.org")
    _queue("new@example.org")
    old, new = QueuedTask.objects.order_by("pk")
    QueuedTask.objects.filter(pk=old.pk).update(done_at=timezone.now() - datetime.timedelta(days=8))
    QueuedTask.objects.filter(pk=new.pk).update(done_at=timezone.now() - datetime.timedelta(days=6))

    assert outbox.outbox_sweep()["deleted"] == 1
    assert list(QueuedTask.objects.values_list("pk", flat=True)) == [new.pk]


def _worker_task(task_id: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(request=types.SimpleNamespace(id=task_id, hostname="celery@web-2", is_eager=False))


@pytest.mark.django_db
def test_the_worker_marks_the_row_started_then_done(broker):
    _queue()
    row = QueuedTask.objects.get()
    sender = _worker_task(str(row.task_id))

    outbox.on_task_prerun(sender=sender, task_id=str(row.task_id))
    row.refresh_from_db()
    assert (row.worker, row.started_at is not None, row.heartbeat_at is not None, row.done_at) == ("celery@web-2", True, True, None)

    outbox.on_task_success(sender=sender)
    row.refresh_from_db()
    assert row.done_at is not None
    assert row.failed_at is None


@pytest.mark.django_db
def test_a_task_that_failed_for_good_is_recorded_and_not_published_again(broker, settings):
    settings.OUTBOX_STALLED_AFTER = 0
    _queue()
    row = QueuedTask.objects.get()
    sender = _worker_task(str(row.task_id))
    outbox.on_task_prerun(sender=sender, task_id=str(row.task_id))

    outbox.on_task_failure(sender=sender, task_id=str(row.task_id), exception=ValueError("template missing"))
    broker.handed.clear()

    row.refresh_from_db()
    assert row.failed_at is not None
    assert row.last_error == "ValueError: template missing"
    assert outbox.outbox_sweep()["published"] == 0


@pytest.mark.django_db
def test_tasks_not_from_the_outbox_leave_it_alone(broker):
    _queue()
    before = list(QueuedTask.objects.values_list("started_at", "done_at", "failed_at"))

    for task_id in ("not-a-uuid", "7d4f1f5e-8c39-4a54-9a2c-58d5e58d1c7a"):
        sender = _worker_task(task_id)
        outbox.on_task_prerun(sender=sender, task_id=task_id)
        outbox.on_task_success(sender=sender)
        outbox.on_task_failure(sender=sender, task_id=task_id, exception=ValueError("x"))

    assert list(QueuedTask.objects.values_list("started_at", "done_at", "failed_at")) == before


@pytest.mark.django_db
def test_a_heartbeat_is_written_at_most_every_few_seconds(broker, monkeypatch):
    _queue()
    row = QueuedTask.objects.get()
    monkeypatch.setattr(outbox, "current_task", _worker_task(str(row.task_id)))
    outbox.on_task_prerun(sender=_worker_task(str(row.task_id)), task_id=str(row.task_id))
    QueuedTask.objects.filter(pk=row.pk).update(heartbeat_at=None)

    outbox.job_heartbeat()  # within HEARTBEAT_EVERY_SECONDS of the start: no write
    row.refresh_from_db()
    assert row.heartbeat_at is None

    monkeypatch.setattr(outbox._beat, "last", time.monotonic() - outbox.HEARTBEAT_EVERY_SECONDS - 1)
    outbox.job_heartbeat()
    row.refresh_from_db()
    assert row.heartbeat_at is not None


@pytest.mark.django_db
def test_beat_runs_the_sweep_every_minute_and_the_task_is_the_sweep(broker, settings):
    from config.celery import app
    from home.tasks import outbox_sweep as sweep_task

    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["task"] == sweep_task.name
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 60
    broker.up = False
    _queue("waiting@example.org")
    _age(QueuedTask.objects.get(), seconds=settings.OUTBOX_REPUBLISH_AFTER + 1)
    broker.up = True

    assert sweep_task.apply().get()["published"] == 1
