"""django-allauth adapter: account e-mails go through the queued, Celery-delivered outbox."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from lib.ratelimit import peer_is_trusted_proxy
from people import services
from people.models import OutboundEmail, User

# allauth's e-mails by template, and the context values that let their reader act as the recipient.
EMAIL_KINDS = {
    "account/email/password_reset_key": OutboundEmail.Kind.PASSWORD_RESET,
    "account/email/password_reset_code": OutboundEmail.Kind.PASSWORD_RESET,
    "account/email/email_confirmation": OutboundEmail.Kind.ADDRESS_CONFIRMATION,
    "account/email/email_confirmation_signup": OutboundEmail.Kind.ADDRESS_CONFIRMATION,
    "account/email/login_code": OutboundEmail.Kind.SIGN_IN_CODE,
}
SECRET_CONTEXT_KEYS = ("password_reset_url", "activate_url", "key", "code")


@dataclass(frozen=True)
class SiteForEmail:
    """What allauth's e-mail templates call `current_site`: the centre's name and the host."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Send allauth's e-mails (verification, password reset) through the outbox and Celery, in the
    recipient's preferred language when they have an account, else in the language of the page;
    tell the rate limits who the client is."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address the rate limits count by: allauth's reading of the trusted proxy's headers
        (TRUSTED_PROXY_COUNT, TRUSTED_CLIENT_IP_HEADER), but only on a request that came from the proxy."""
        peer = request.META.get("REMOTE_ADDR", "")
        if peer_is_trusted_proxy(peer):
            return super().get_client_ip(request)
        # Reached directly, not through the proxy: whatever forwarded header it carries was written by the client.
        return str(ipaddress.ip_address(peer.strip()))

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
        # The reset page's own address in "account already exists" is no secret, but hiding it costs nothing.
        secrets = [str(context[key]) for key in SECRET_CONTEXT_KEYS if context.get(key)]
        services.outbound_email_queue(
            to=email,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            language=language,
            kind=EMAIL_KINDS.get(template_prefix, OutboundEmail.Kind.ACCOUNT_NOTICE),
            secrets=secrets,
        )
