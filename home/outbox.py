"""Background work that survives the broker and the worker: a transactional outbox of Celery tasks.

`task_enqueue_on_commit` writes a QueuedTask row in the caller's transaction and, once it commits, hands a copy to
the broker. A web request never waits on the broker: the hand-over uses a connection that gives up at once
(no retries, one-second socket timeouts) and, after a failure, this process skips the broker for
OUTBOX_PUBLISH_PAUSE_SECONDS, leaving the rows to the sweep. The worker notes on the row when the task starts,
beats while it runs (`job_heartbeat`), and when it ends. Beat's `outbox_sweep` then

- publishes again what the broker never got (the broker was down) or lost, once it has waited
  OUTBOX_REPUBLISH_AFTER seconds, and
- publishes again what a dead worker left half done: started, but no heartbeat for OUTBOX_STALLED_AFTER seconds.

So every task run through here must be idempotent (a second run does nothing twice): the e-mail task checks
`sent_at`, certificate issuing issues only what is missing. In eager mode (no broker) the task runs at once in the
caller's process, after the commit, as before.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from typing import Any

from celery import Task, current_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from home.models import QueuedTask

logger = logging.getLogger(__name__)

# what a dropped or refused broker connection raises through kombu and redis-py
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (OSError, ConnectionError, TimeoutError)
try:
    from kombu.exceptions import OperationalError as _KombuOperationalError

    PUBLISH_ERRORS += (_KombuOperationalError,)
except ImportError:  # pragma: no cover - kombu comes with Celery
    pass
try:
    from redis.exceptions import RedisError as _RedisError

    PUBLISH_ERRORS += (_RedisError,)
except ImportError:  # pragma: no cover - without a Redis transport
    pass


class _Publisher(threading.local):
    """This thread's short-fuse broker connection, and until when the broker is taken to be down."""

    connection: Any = None
    broker_url: str = ""
    paused_until: float = 0.0


_publisher = _Publisher()


def task_enqueue_on_commit(task: Task, *args: Any) -> QueuedTask:
    """Record `task(*args)` as owed, in the current transaction, and hand it to the broker after the commit."""
    row = QueuedTask.objects.create(name=task.name, args=list(args))
    if task.app.conf.task_always_eager:  # what apply_async itself obeys (tests may set it apart from the settings)
        transaction.on_commit(lambda: _run_eagerly(task, row))
    else:
        transaction.on_commit(lambda: task_publish(row, task=task, from_request=True))
    return row


def _run_eagerly(task: Task, row: QueuedTask) -> None:
    # as delay_on_commit did: the task runs here, its exceptions reach the caller (CELERY_TASK_EAGER_PROPAGATES)
    task.apply_async(args=row.args, task_id=str(row.task_id))
    QueuedTask.objects.filter(pk=row.pk, done_at__isnull=True).update(done_at=timezone.now())


def _short_fuse_connection() -> Any:
    """A broker connection that fails at once rather than retrying: for publishing from a web request."""
    from config.celery import app

    if _publisher.connection is not None and _publisher.broker_url != app.conf.broker_url:
        _forget_connection()  # the app was pointed at another broker (a test's own)
    if _publisher.connection is None:
        options = {"max_retries": 0, "socket_connect_timeout": 1, "socket_timeout": 1, "retry_on_timeout": False}
        _publisher.connection = app.connection_for_write(transport_options=options, connect_timeout=1)
        _publisher.broker_url = app.conf.broker_url
    return _publisher.connection


def _forget_connection() -> None:
    connection, _publisher.connection = _publisher.connection, None
    if connection is not None:
        try:
            connection.release()
        except Exception:
            logger.debug("closing the broker connection failed", exc_info=True)


def task_publish(row: QueuedTask, *, task: Task | None = None, from_request: bool = False) -> bool:
    """Hand the row's task to the broker; False (logged, left to the sweep) when the broker does not take it.

    From a request the hand-over fails at once and pauses this process's attempts for a few seconds; from the
    worker (the sweep) it uses the app's pool with Celery's usual retries.
    """
    from config.celery import app

    task = task or app.tasks[row.name]
    if from_request and time.monotonic() < _publisher.paused_until:
        return False
    try:
        if from_request:
            task.apply_async(args=row.args, task_id=str(row.task_id), connection=_short_fuse_connection(), retry=False)
        else:
            task.apply_async(args=row.args, task_id=str(row.task_id))
    except PUBLISH_ERRORS as error:
        if from_request:
            _forget_connection()
            _publisher.paused_until = time.monotonic() + settings.OUTBOX_PUBLISH_PAUSE_SECONDS
        logger.warning("the broker did not take task %s (%s): the sweep publishes it later: %s", row.name, row.task_id, error)
        return False
    QueuedTask.objects.filter(pk=row.pk).update(published_at=timezone.now(), publish_count=F("publish_count") + 1)
    return True


def _seconds_ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def outbox_sweep() -> dict[str, int]:
    """Publish again the tasks the broker never got or a dead worker left unfinished; give up on the hopeless.

    Returns how many rows it published again, gave up on and deleted (done rows past OUTBOX_KEEP_DAYS).
    """
    open_rows = QueuedTask.objects.filter(done_at__isnull=True, failed_at__isnull=True)
    republish_before = _seconds_ago(settings.OUTBOX_REPUBLISH_AFTER)
    never_started = open_rows.filter(started_at__isnull=True, created_at__lt=republish_before).filter(
        Q(published_at__isnull=True) | Q(published_at__lt=republish_before)
    )
    stalled = open_rows.filter(started_at__isnull=False, heartbeat_at__lt=_seconds_ago(settings.OUTBOX_STALLED_AFTER))
    counts = {"published": 0, "given_up": 0, "deleted": 0}
    for row in [*never_started.order_by("created_at")[:500], *stalled.order_by("created_at")[:500]]:
        if row.publish_count >= settings.OUTBOX_MAX_PUBLISHES:
            QueuedTask.objects.filter(pk=row.pk).update(failed_at=timezone.now(), last_error=row.last_error or "gave up: never finished")
            logger.error("gave up on task %s %s after %s hand-overs to the broker", row.name, row.args, row.publish_count)
            counts["given_up"] += 1
            continue
        if row.started_at is not None:
            logger.warning("task %s %s stopped beating on %s: publishing it again", row.name, row.args, row.worker or "a worker")
            QueuedTask.objects.filter(pk=row.pk).update(started_at=None, heartbeat_at=None)
        counts["published"] += task_publish(row)
    deleted, _by_model = QueuedTask.objects.filter(done_at__lt=timezone.now() - datetime.timedelta(days=settings.OUTBOX_KEEP_DAYS)).delete()
    counts["deleted"] = deleted
    return counts


# Heartbeats are written at most this often by one task, so a loop can call job_heartbeat() at every step.
HEARTBEAT_EVERY_SECONDS = 5.0


class _Beat(threading.local):
    task_id: str = ""
    last: float = 0.0


_beat = _Beat()


def job_heartbeat() -> None:
    """Tell the sweep that the running task is alive; cheap to call often (one write per few seconds)."""
    task_id = getattr(getattr(current_task, "request", None), "id", None)
    if not task_id or (task_id == _beat.task_id and time.monotonic() - _beat.last < HEARTBEAT_EVERY_SECONDS):
        return
    _beat.task_id, _beat.last = task_id, time.monotonic()
    QueuedTask.objects.filter(task_id=task_id, done_at__isnull=True).update(heartbeat_at=timezone.now())


def _is_uuid(value: object) -> bool:
    try:
        import uuid

        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def on_task_prerun(sender: Task | None = None, task_id: str | None = None, **kwargs: Any) -> None:
    """The worker starts a task: a queued one is marked started, with this worker's name and a first heartbeat."""
    if not task_id or not _is_uuid(task_id) or getattr(getattr(sender, "request", None), "is_eager", False):
        return
    now = timezone.now()
    hostname = getattr(getattr(sender, "request", None), "hostname", "") or ""
    QueuedTask.objects.filter(task_id=task_id, done_at__isnull=True).update(started_at=now, heartbeat_at=now, worker=hostname[:255])
    _beat.task_id, _beat.last = task_id, time.monotonic()


def on_task_success(sender: Task | None = None, **kwargs: Any) -> None:
    """A queued task finished: the row is done (a rerun that finds it done has nothing to owe)."""
    request = getattr(sender, "request", None)
    task_id = getattr(request, "id", None)
    if task_id and _is_uuid(task_id) and not getattr(request, "is_eager", False):
        QueuedTask.objects.filter(task_id=task_id, done_at__isnull=True).update(done_at=timezone.now(), last_error="")


def on_task_failure(sender: Task | None = None, task_id: str | None = None, exception: BaseException | None = None, **kwargs: Any) -> None:
    """A queued task failed for good (its retries spent): recorded, not published again, logged for Sentry or ADMINS."""
    if not task_id or not _is_uuid(task_id) or getattr(getattr(sender, "request", None), "is_eager", False):
        return
    QueuedTask.objects.filter(task_id=task_id, done_at__isnull=True).update(
        failed_at=timezone.now(), last_error=f"{type(exception).__name__}: {exception}"[:2000]
    )
