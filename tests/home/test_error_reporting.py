"""A server error reaches someone: Sentry when SENTRY_DSN is set, else the ADMINS by e-mail; never with an e-mail address."""

from __future__ import annotations

import json
import logging
import re

import pytest
import sentry_sdk
from django.core import mail
from django.test import Client
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from config.errors import sentry_init

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@([\w-]+\.)+[A-Za-z]{2,}")


class CapturingTransport(Transport):
    """Sentry's transport, replaced: the test keeps every envelope instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [item.payload.json for envelope in self.envelopes for item in envelope.items if item.type == "event"]

    def everything(self) -> str:
        """Every envelope as the text that would have been sent."""
        return "\n".join(envelope.serialize().decode("utf-8", "replace") for envelope in self.envelopes)


@pytest.fixture
def sentry() -> CapturingTransport:
    transport = CapturingTransport()
    sentry_init(dsn="https://public@sentry.invalid/1", environment="test", release="rtcm@1.2.3", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.fixture
def failing_my_learning(monkeypatch):
    """My learning fails the way a bug would, with the trainee's address in the message, a log line and the scope."""

    def fail(*, user, locale):
        logging.getLogger("curriculum.views").warning("Looking up the progress of %s", user.email)
        sentry_sdk.get_current_scope().set_extra("looked_up", user.email)
        raise RuntimeError(f"no progress row for {user.email}")

    monkeypatch.setattr("curriculum.selectors.learning_progress", fail)


def _open_failing_page(trainee) -> int:
    client = Client(raise_request_exception=False)
    client.force_login(trainee)
    return client.get("/az/learning/", {"contact": "trainee@example.org"}).status_code


def test_a_server_error_reaches_sentry_with_its_exception_and_no_email_address(sentry, failing_my_learning, trainee):
    assert _open_failing_page(trainee) == 500
    sentry_sdk.flush()

    [event] = sentry.events()
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "no progress row for [e-mail address]"
    assert event["release"] == "rtcm@1.2.3"
    assert event["environment"] == "test"
    assert event["transaction"] == "/az/learning/"
    assert event["extra"]["looked_up"] == "[e-mail address]"
    assert any("[e-mail address]" in (crumb.get("message") or "") for crumb in event["breadcrumbs"]["values"])
    assert "user" not in event
    assert EMAIL_ADDRESS.search(sentry.everything()) is None


def test_an_error_logged_anywhere_reaches_sentry_scrubbed(sentry):
    logging.getLogger("config.cache").error("The cache is unreachable while serving %s", "someone@example.org")
    sentry_sdk.flush()

    [event] = sentry.events()
    assert event["level"] == "error"
    assert "The cache is unreachable while serving [e-mail address]" in json.dumps(event)
    assert EMAIL_ADDRESS.search(sentry.everything()) is None


def test_without_sentry_the_admins_get_an_email_about_a_server_error_with_no_email_address_in_it(settings, failing_my_learning, trainee):
    settings.ADMINS = [("Operations", "ops@example.org")]

    assert _open_failing_page(trainee) == 500

    [message] = mail.outbox
    assert message.to == ["ops@example.org"]
    assert "RuntimeError" in message.subject + message.body
    assert "no progress row for" in message.body
    assert EMAIL_ADDRESS.search(message.subject) is None
    assert EMAIL_ADDRESS.search(message.body) is None
    assert all(EMAIL_ADDRESS.search(str(content)) is None for content, _type in getattr(message, "alternatives", []))


def test_with_sentry_the_admins_get_no_email_as_well(settings, sentry, failing_my_learning, trainee):
    settings.ADMINS = [("Operations", "ops@example.org")]

    assert _open_failing_page(trainee) == 500

    assert mail.outbox == []
    assert len(sentry.events()) == 1
