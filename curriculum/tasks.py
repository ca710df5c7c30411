"""Celery tasks of the curriculum app."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from curriculum.models import ModulePdf

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def module_pdf_render(pdf_id: int) -> str:
    """Render one module PDF pack; a pack already ready is left alone, so retries do no double work."""
    from curriculum.pdf import render_module_pdf

    with transaction.atomic():
        pdf = ModulePdf.objects.select_for_update().select_related("module").filter(pk=pdf_id).first()
        if pdf is None:
            return "missing"
        if pdf.status == ModulePdf.Status.READY:
            return "already-ready"
    try:
        content = render_module_pdf(pdf.module.specific)
    except Exception as exc:  # noqa: BLE001 - any rendering failure is recorded for the coordinator
        ModulePdf.objects.filter(pk=pdf_id).update(status=ModulePdf.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        return "failed"
    pdf.file.save(
        f"{pdf.module.code.lower()}-{pdf.module.locale.language_code}-{pdf.content_key[:12]}.pdf", ContentFile(content), save=False
    )
    ModulePdf.objects.filter(pk=pdf_id).update(status=ModulePdf.Status.READY, file=pdf.file.name, error="", finished_at=timezone.now())
    return "ready"


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def session_reminders_send(days_before: int = 3) -> int:
    """Remind approved participants of sessions that start within `days_before` days; each once, whatever the retries."""
    from curriculum.enrolment import reminders_send

    return reminders_send(days_before=days_before)


# Seconds before each new attempt at certificates that failed for a passing reason (rendering, a file, the database):
# three more attempts over about 26 minutes; after the last one the failures stay on the applications page.
CERTIFICATE_RETRY_COUNTDOWNS = (60, 300, 1200)


# A fault outside any one participant (the session cannot be read) runs the whole task again later (autoretry).
@shared_task(acks_late=True, autoretry_for=(OSError, DatabaseError), retry_backoff=60, retry_backoff_max=1200, max_retries=3)
def certificates_issue(session_id: int, attempt: int = 1) -> int:
    """Issue the missing certificates of a completed session; a retry or a second run issues nothing twice. Returns how
    many were new. A participant's failure is recorded and does not stop the others; while some failed for a reason
    that may pass, the task queues its next attempt, later each time (`CERTIFICATE_RETRY_COUNTDOWNS`)."""
    from curriculum.certificates import certificates_issue_run
    from curriculum.models import SessionStatus, TrainingSession

    session = TrainingSession.objects.filter(pk=session_id, status=SessionStatus.COMPLETED).first()
    if session is None:
        return 0
    run = certificates_issue_run(session)
    if run.retryable and attempt <= len(CERTIFICATE_RETRY_COUNTDOWNS):
        countdown = CERTIFICATE_RETRY_COUNTDOWNS[attempt - 1]
        logger.warning("%d certificates of session %s failed: attempt %d in %d s", len(run.retryable), session_id, attempt + 1, countdown)
        # a message of its own rather than Celery's retry: eager runs (no broker) propagate a retry as an error
        certificates_issue.apply_async(args=[session_id], kwargs={"attempt": attempt + 1}, countdown=countdown)
    elif run.retryable:
        # the last attempt: the failures stay recorded and shown to the coordinators, who can issue the missing ones
        logger.error("%d certificates of session %s could not be issued after %d attempts", len(run.retryable), session_id, attempt)
    elif run.failures:
        logger.warning("%d certificates of session %s wait for their data (a name) to be issued", len(run.failures), session_id)
    return run.issued
