"""Errors reach someone: Sentry when SENTRY_DSN is set, else an e-mail to the ADMINS; neither carries an e-mail address.

Sentry gets every unhandled exception of a request or a Celery task and every ERROR logged (an outage of the cache
logs one, config/cache.py), with the release and environment. No personal data goes with them: Sentry collects
nothing about the person (NO_PERSONAL_DATA below: send_default_pii off, and stricter), and every string of an event
(message, exception values, breadcrumbs, request data, extra, tags) is scrubbed of e-mail addresses before it
leaves.
Without Sentry, the same errors go by e-mail to ADMINS (Django's AdminEmailHandler), scrubbed the same way.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.utils.log import AdminEmailHandler

# An address ends in a domain whose last label has letters; "rtcm@1.2.3", a release name, is none. A match starts
# only where a run of address characters starts (the look-behind): without it a long run with no "@" in a logged
# request (10,000 letters of a query) is scanned again from each of its characters, minutes of CPU per message.
EMAIL_ADDRESS = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]+@(?:[\w-]+\.)+(?:xn--[\w-]+|[^\W\d_]{2,})")
REDACTED = "[e-mail address]"


def scrub_email_addresses(value: Any) -> Any:
    """`value` with every e-mail address in its strings (keys included), at any depth, replaced by REDACTED."""
    if isinstance(value, str):
        return EMAIL_ADDRESS.sub(REDACTED, value)
    if isinstance(value, bytes):
        return EMAIL_ADDRESS.sub(REDACTED, value.decode("utf-8", "replace"))
    if isinstance(value, dict):
        return {scrub_email_addresses(key): scrub_email_addresses(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [scrub_email_addresses(item) for item in value]
    return value


def sentry_before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's last look at an event (errors and messages) before it is sent: no user, no e-mail address."""
    event.pop("user", None)
    return scrub_email_addresses(event)


def sentry_before_breadcrumb(crumb: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    return scrub_email_addresses(crumb)


# What Sentry collects by itself: nothing about the person (Sentry's successor of send_default_pii=False, stricter):
# no user, cookies, client-address headers, request bodies, SQL parameters, task arguments or stack-frame
# variables (a User's repr is a name). The URL, the exception and the code's own lines remain.
PROXY_HEADER_TERMS = ["forwarded", "-ip", "remote-", "via", "-user", "cookie", "referer"]
NO_PERSONAL_DATA: dict[str, Any] = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "denylist", "terms": PROXY_HEADER_TERMS}},
    "http_bodies": [],
    "url_query_params": {"mode": "denylist", "terms": []},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


def sentry_init(*, dsn: str, environment: str, release: str | None, transport: Any = None) -> None:
    """Start reporting to Sentry: Django and Celery errors, and ERRORs logged anywhere."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import LoggingIntegration

    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        data_collection=NO_PERSONAL_DATA,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            # a logged ERROR is an event (the cache's outage is one to hear about); INFO and up are breadcrumbs
            LoggingIntegration(level=logging.INFO, event_level=logging.ERROR),
        ],
        before_send=sentry_before_send,
        before_send_transaction=sentry_before_send,
        before_breadcrumb=sentry_before_breadcrumb,
        traces_sample_rate=0.0,
        **options,
    )


def sentry_active() -> bool:
    try:
        import sentry_sdk
    except ImportError:  # pragma: no cover - a dependency of the platform
        return False
    return sentry_sdk.is_initialized()


class SentryInactive(logging.Filter):
    """Lets a record through only when Sentry does not report errors: the ADMINS e-mails are the fallback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not sentry_active()


class ScrubbedAdminEmailHandler(AdminEmailHandler):
    """Django's e-mail to the ADMINS about an error, with every e-mail address in its subject and body redacted."""

    def send_mail(self, subject: str, message: str, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("html_message"):
            kwargs["html_message"] = scrub_email_addresses(kwargs["html_message"])
        super().send_mail(scrub_email_addresses(subject), scrub_email_addresses(message), *args, **kwargs)
