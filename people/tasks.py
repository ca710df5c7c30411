"""Celery tasks of the people app."""

from __future__ import annotations

import platform

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from people.models import OutboundEmail


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def outbound_email_send(self, email_id: int) -> str:  # noqa: ANN001
    """Deliver one queued e-mail; a retry or a duplicate delivery of the task sends nothing twice."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "missing"
        if email.sent_at is not None:
            return "already-sent"
        email.attempts += 1
        message = EmailMultiAlternatives(email.subject, email.body_text, to=[email.to])
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except OSError as exc:
            OutboundEmail.objects.filter(pk=email.pk).update(attempts=email.attempts, last_error=str(exc)[:2000])
            raise
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "sent_at", "last_error"])
    return "sent"


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def stale_uploads_delete() -> int:
    """Delete the import spreadsheets stashed for confirmation more than a day ago (they list people)."""
    from people import uploads

    return uploads.stale_uploads_delete()


@shared_task
def platform_probe() -> dict[str, str]:
    """Report which `platform` module the worker imported (proves nothing shadows the stdlib)."""
    return {"system": platform.system(), "module_file": getattr(platform, "__file__", "")}
