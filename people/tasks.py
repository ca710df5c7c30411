"""Celery tasks of the people app."""

from __future__ import annotations

import datetime
import platform

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from people import services
from people.email_secrets import secrets_reveal
from people.models import OutboundEmail


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def outbound_email_send(self, email_id: int) -> str:  # noqa: ANN001
    """Deliver one queued e-mail with its secrets put back; a retry or a duplicate delivery of the task
    sends nothing twice, and the secrets are forgotten in the same write that marks the e-mail sent."""
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
            if email is None:
                return "missing"
            if email.sent_at is not None:
                return "already-sent"
            if email.hidden_count and not email.hidden_values:
                return "expired"  # its links outlived their use: a message with "[link hidden]" helps nobody
            subject, body_text, body_html = secrets_reveal(
                subject=email.subject, body_text=email.body_text, body_html=email.body_html, hidden_values=email.hidden_values
            )
            message = EmailMultiAlternatives(subject, body_text, to=[email.to])
            if body_html:
                message.attach_alternative(body_html, "text/html")
            message.send()
            email.attempts += 1
            email.sent_at = timezone.now()
            email.last_error = ""
            email.hidden_values = {}
            email.save(update_fields=["attempts", "sent_at", "last_error", "hidden_values"])
    except OSError as exc:
        # Recorded after the rollback of the block above, so that the log shows the failed attempt.
        OutboundEmail.objects.filter(pk=email_id, sent_at__isnull=True).update(attempts=F("attempts") + 1, last_error=str(exc)[:2000])
        raise
    return "sent"


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def stale_uploads_delete() -> int:
    """Delete the import spreadsheets stashed for confirmation more than a day ago (they list people)."""
    from people import uploads

    return uploads.stale_uploads_delete()


@shared_task
def outbound_email_secrets_expire() -> int:
    """Hourly: forget the hidden secrets of e-mails that were not sent within the links' lifetime."""
    return services.outbound_email_secrets_expire(older_than=datetime.timedelta(hours=settings.OUTBOUND_EMAIL_SECRET_HOURS))


@shared_task(ignore_result=False)  # the one task whose result is read (tests, the worker check)
def platform_probe() -> dict[str, str]:
    """Report which `platform` module the worker imported (proves nothing shadows the stdlib)."""
    return {"system": platform.system(), "module_file": getattr(platform, "__file__", "")}
