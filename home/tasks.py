"""Celery tasks of the site as a whole."""

from __future__ import annotations

import io

from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def publish_scheduled_pages() -> str:
    """Publish pages whose scheduled time has come and unpublish expired ones (Wagtail's own command)."""
    output = io.StringIO()
    call_command("publish_scheduled", stdout=output)
    return output.getvalue()


@shared_task(acks_late=True)
def worker_heartbeat() -> None:
    """Note that a worker runs tasks: beat queues this every minute, and /health/ reads when it last ran."""
    from home.heartbeats import heartbeat_record

    heartbeat_record(service="worker")


@shared_task(acks_late=True)
def outbox_sweep() -> dict[str, int]:
    """Every minute: publish again the queued work the broker never got or a dead worker left unfinished."""
    from home.outbox import outbox_sweep as sweep

    return sweep()
