"""Celery tasks of the curriculum app."""

from __future__ import annotations

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from curriculum.models import ModulePdf


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


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def certificates_issue(session_id: int) -> int:
    """Issue the certificates of a completed session; a retry or a second run issues nothing twice. Returns how many were new."""
    from curriculum.certificates import certificates_issue_for_session
    from curriculum.models import SessionStatus, TrainingSession

    session = TrainingSession.objects.filter(pk=session_id, status=SessionStatus.COMPLETED).first()
    if session is None:
        return 0
    return certificates_issue_for_session(session)
