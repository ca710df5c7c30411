"""django-allauth adapter: account e-mails go through the queued, Celery-delivered outbox."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language

from people import services


class AccountAdapter(DefaultAccountAdapter):
    """Send allauth's e-mails (verification, password reset) through the outbox and Celery."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        services.outbound_email_queue(
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            language=(get_language() or "az")[:2],
        )
