"""django-allauth adapter: account e-mails go through the queued, Celery-delivered outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from people import services
from people.models import User


@dataclass(frozen=True)
class SiteForEmail:
    """What allauth's e-mail templates call `current_site`: the centre's name and the host."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Send allauth's e-mails (verification, password reset) through the outbox and Celery, in the
    recipient's preferred language when they have an account, else in the language of the page."""

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        user = User.objects.filter(email__iexact=email).only("preferred_language").first()
        language = user.preferred_language if user else (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        with translation.override(language):
            ctx = {
                "request": request,
                "email": email,
                "current_site": SiteForEmail(
                    name=gettext("Regional Training Centre on Migration"), domain=request.get_host() if request else ""
                ),
            }
            ctx.update(context)
            message = self.render_mail(template_prefix, email, ctx)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        services.outbound_email_queue(to=email, subject=message.subject, body_text=message.body, body_html=html, language=language)
