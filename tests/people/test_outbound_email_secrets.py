"""The outbox keeps a redacted copy: secrets are put back for delivery only, then forgotten."""

from __future__ import annotations

import datetime
import importlib
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.utils import timezone

from people import tasks
from people.email_secrets import secrets_hide, secrets_reveal
from people.models import OutboundEmail
from people.services import outbound_email_queue

pytestmark = pytest.mark.django_db

RESET = "https://rtcm.example.org/az/accounts/password/reset/key/3-cdx1-8f0e5b2a9d/"
SURVEY = "https://rtcm.example.org/ru/surveys/link/Zq8fR2x-secret-token/"


def test_named_secrets_come_back_exactly_even_where_the_text_already_says_link_hidden():
    text = f"Ignore this: [link hidden].\nYour code: QX7P-2K\nOpen {RESET} now, or {RESET}\n"
    html = f'<p>[link hidden]</p><a href="{RESET}?a=1&b=2">{RESET}</a>'

    hidden = secrets_hide(subject="Code QX7P-2K", body_text=text, body_html=html, secrets=["QX7P-2K", RESET + "?a=1&b=2"], language="en")

    assert "QX7P-2K" not in hidden.subject + hidden.body_text
    assert "/password/reset/key/" not in hidden.body_text + hidden.body_html
    assert hidden.body_text == "Ignore this: [link hidden].\nYour code: [code hidden]\nOpen [link hidden] now, or [link hidden]\n"
    assert hidden.hidden_count == 6
    revealed = secrets_reveal(
        subject=hidden.subject, body_text=hidden.body_text, body_html=hidden.body_html, hidden_values=hidden.hidden_values
    )
    assert revealed == ("Code QX7P-2K", text, html)


def test_a_secret_link_nobody_named_is_hidden_all_the_same_in_the_recipients_language():
    hidden = secrets_hide(subject="", body_text=f"Your link: {SURVEY}", body_html="", secrets=(), language="ru")

    assert hidden.body_text == "Your link: [ссылка скрыта]"
    assert hidden.hidden_values == {"body_text": [[11, "[ссылка скрыта]", SURVEY]]}


def test_the_email_is_delivered_with_its_secret_and_then_forgets_it(reference_data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbound_email_queue(
            to="trainee@example.org",
            subject="Reset",
            body_text=f"Reset: {RESET}",
            language="en",
            kind=OutboundEmail.Kind.PASSWORD_RESET,
            secrets=[RESET],
        )

    email.refresh_from_db()
    assert mail.outbox[0].body == f"Reset: {RESET}"
    assert email.body_text == "Reset: [link hidden]"
    assert (email.status, email.hidden_count, email.hidden_values) == (OutboundEmail.Status.SENT, 1, {})
    assert tasks.outbound_email_send(email.pk) == "already-sent"
    assert len(mail.outbox) == 1


def test_a_failed_delivery_is_logged_and_keeps_the_secret_for_the_retry(reference_data):
    email = outbound_email_queue(to="trainee@example.org", subject="Reset", body_text=f"Reset: {RESET}", secrets=[RESET])

    refused = mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("Connection refused"))
    with refused, pytest.raises((Retry, ConnectionRefusedError)):  # Celery schedules the retry
        tasks.outbound_email_send(email.pk)

    email.refresh_from_db()
    assert email.attempts == 1
    assert email.last_error == "Connection refused"
    assert email.status == OutboundEmail.Status.FAILED
    assert email.hidden_values["body_text"][0][2] == RESET


def test_an_email_unsent_past_the_links_lifetime_forgets_its_secret_and_is_never_sent(reference_data):
    old = outbound_email_queue(to="old@example.org", subject="Reset", body_text=f"Reset: {RESET}", secrets=[RESET])
    recent = outbound_email_queue(to="recent@example.org", subject="Reset", body_text=f"Reset: {RESET}", secrets=[RESET])
    queued_at = timezone.now() - datetime.timedelta(hours=settings.OUTBOUND_EMAIL_SECRET_HOURS, minutes=1)
    OutboundEmail.objects.filter(pk=old.pk).update(created_at=queued_at)

    assert tasks.outbound_email_secrets_expire() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.hidden_values, old.status) == ({}, OutboundEmail.Status.EXPIRED)
    assert recent.hidden_values and recent.status == OutboundEmail.Status.QUEUED
    assert tasks.outbound_email_send(old.pk) == "expired"
    assert mail.outbox == []


def test_forgetting_expired_secrets_runs_every_hour_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["outbound-email-secrets-expire"]

    assert entry == {"task": "people.tasks.outbound_email_secrets_expire", "schedule": 3600.0}


def test_the_migration_hides_the_links_already_stored_and_keeps_those_of_unsent_emails_for_delivery(reference_data):
    migration = importlib.import_module("people.migrations.0003_outboundemail_kind_and_hidden_secrets")
    sent = OutboundEmail.objects.create(
        to="a@example.org", subject="Reset", body_text=f"Reset: {RESET}", sent_at=timezone.now(), language="en"
    )
    unsent = OutboundEmail.objects.create(to="b@example.org", subject="Survey", body_text=f"Answer: {SURVEY}", language="en")
    plain = OutboundEmail.objects.create(to="c@example.org", subject="Hello", body_text="Nothing secret.")

    migration.hide_stored_secrets(apps, None)

    sent.refresh_from_db()
    unsent.refresh_from_db()
    plain.refresh_from_db()
    assert (sent.body_text, sent.kind, sent.hidden_values, sent.status) == ("Reset: [link hidden]", "password-reset", {}, "sent")
    assert (unsent.body_text, unsent.kind) == ("Answer: [link hidden]", "questionnaire-invitation")
    assert (plain.body_text, plain.kind) == ("Nothing secret.", "other")
    assert tasks.outbound_email_send(unsent.pk) == "sent"
    assert mail.outbox[0].body == f"Answer: {SURVEY}"
