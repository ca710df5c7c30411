"""Heartbeats of the background services, which /health/ reads: the worker's (when it starts, and a beat task it
runs every minute) and beat's (when it starts, and every task it queues). Both go to the database, so they
survive the cache's loss."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils import timezone

logger = logging.getLogger(__name__)

_in_beat = False


def heartbeat_record(*, service: str, at: datetime | None = None) -> None:
    """Note that `service` was seen working now (or at `at`)."""
    from home.models import ServiceHeartbeat

    ServiceHeartbeat.objects.update_or_create(service=service, defaults={"seen_at": at or timezone.now()})


def heartbeats_seen() -> dict[str, datetime]:
    """When each service was last seen: service -> time."""
    from home.models import ServiceHeartbeat

    return dict(ServiceHeartbeat.objects.values_list("service", "seen_at"))


def _record_at_start(service: str) -> None:
    """A heartbeat from a process that forks or runs on: written, then its database connection closed (a forked
    child must never share it). A database that is down then is no reason not to start."""
    from django.db import connections

    try:
        heartbeat_record(service=service)
    except Exception:  # the database is down: /health/ says so itself
        logger.warning("Could not record the %s's heartbeat in the database.", service, exc_info=True)
    finally:
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:  # inside one only in tests, which roll it back
                connection.close()


def on_worker_ready(**_kwargs: Any) -> None:
    """Celery's worker_ready: the worker is connected to the broker and about to take tasks."""
    _record_at_start("worker")


def on_beat_init(**_kwargs: Any) -> None:
    """Celery's beat_init: this process is beat, whose start and every published task are its heartbeats."""
    global _in_beat  # one flag per process, set once when beat starts
    _in_beat = True
    _record_at_start("beat")


def on_before_task_publish(**_kwargs: Any) -> None:
    """Celery's before_task_publish: in beat, note the heartbeat. Never stops beat from queueing the task."""
    if not _in_beat:
        return
    try:
        heartbeat_record(service="beat")
    except Exception:  # a database outage must not stop the schedule; /health/ shows it
        logger.warning("Could not record beat's heartbeat in the database.", exc_info=True)
