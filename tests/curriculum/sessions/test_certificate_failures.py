"""A certificate that cannot be issued is recorded with its reason, shown to coordinators, retried, and issued later
when a coordinator asks for the missing ones; one participant's failure never stops the others."""

from __future__ import annotations

import datetime
import io
import logging
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from curriculum import certificates, tasks
from curriculum.models import (
    ApplicationNotice,
    Attendance,
    Certificate,
    CertificateFailureReason,
    CertificateIssueFailure,
    CertificateKind,
    NoticeKind,
    SessionApplication,
    SessionStatus,
    TrainingSession,
)
from people.models import User
from tests.factories.curriculum import TrainingSessionFactory

ISSUE_MISSING = "/en/sessions/{pk}/certificates/issue-missing/"


@pytest.fixture
def finished_session(module):
    """A three-day session that ended yesterday, still marked in progress, of a published 24-hour module."""
    module.duration_hours = Decimal("24.0")
    module.save_revision().publish()
    today = timezone.localdate()
    return TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=3),
        end_date=today - datetime.timedelta(days=1),
        application_deadline=today - datetime.timedelta(days=10),
        status=SessionStatus.IN_PROGRESS,
    )


@pytest.fixture
def participant(finished_session, make_trainee):
    """An approved participant present every day (a completion certificate is due), named as given."""

    def make(first_name: str, last_name: str = "Participant") -> SessionApplication:
        trainee = make_trainee(first_name=first_name, last_name=last_name)
        application = SessionApplication.objects.create(
            session=finished_session, trainee=trainee, motivation="I work on this.", status="approved"
        )
        for day in finished_session.days():
            Attendance.objects.create(application=application, day=day, present=True)
        return application

    return make


@pytest.fixture
def three(participant):
    """Three participants, by name: Aysel, Bakhtiyar, Ceyhun."""
    return participant("Aysel"), participant("Bakhtiyar"), participant("Ceyhun")


@pytest.fixture
def completed(finished_session, coordinator, django_capture_on_commit_callbacks):
    """Complete the session as a coordinator and run the issuing task it queues (its retries run at once here)."""

    def complete() -> TrainingSession:
        with django_capture_on_commit_callbacks(execute=True):
            certificates.session_complete(session=finished_session, completed_by=coordinator)
        finished_session.refresh_from_db()
        return finished_session

    return complete


@pytest.fixture
def rendering_fails_for(monkeypatch):
    """Make the PDF rendering raise for the holders named, as a broken WeasyPrint or template would."""
    real_write_pdf = certificates.write_pdf
    failing: set[str] = set()

    def write_pdf(html: str, **options):
        if any(name in html for name in failing):
            raise ValueError("WeasyPrint could not lay the page out")
        return real_write_pdf(html, **options)

    monkeypatch.setattr(certificates, "write_pdf", write_pdf)
    return failing.update


def certificate_holders() -> set[str]:
    return set(Certificate.objects.values_list("application__trainee__first_name", flat=True))


# One participant fails, the others are issued


def test_a_participant_whose_pdf_cannot_be_rendered_is_recorded_with_the_reason_and_the_others_are_issued(
    three, completed, rendering_fails_for, caplog
):
    aysel = three[0]
    rendering_fails_for({"Aysel"})  # the first in the order of issuing

    with caplog.at_level(logging.WARNING):
        completed()

    assert certificate_holders() == {"Bakhtiyar", "Ceyhun"}
    assert all(certificate.file for certificate in Certificate.objects.all())
    failure = CertificateIssueFailure.objects.get()
    assert (failure.application_id, failure.reason, failure.kind) == (
        aysel.pk,
        CertificateFailureReason.RENDERING,
        CertificateKind.COMPLETION,
    )
    assert failure.detail == "CertificateRenderError from ValueError"
    # the first attempt and each retry of the task tried again; after the last, the failure stays
    assert failure.attempts == 1 + len(tasks.CERTIFICATE_RETRY_COUNTDOWNS)
    errors = [record for record in caplog.records if record.levelno == logging.ERROR and record.exc_info]
    assert errors and f"application {aysel.pk} " in errors[0].getMessage()


def test_an_unexpected_exception_for_one_participant_is_recorded_and_the_others_are_issued_and_told(three, completed, monkeypatch):
    aysel, bakhtiyar, ceyhun = three
    real_notify = certificates.enrolment.notify

    def notify(application, kind):
        if application.pk == bakhtiyar.pk:
            raise RuntimeError("the mail queue is broken")
        return real_notify(application, kind)

    monkeypatch.setattr(certificates.enrolment, "notify", notify)

    completed()

    # Bakhtiyar's certificate was rolled back with his failed e-mail: issued later, he is told then
    assert certificate_holders() == {"Aysel", "Ceyhun"}
    assert set(ApplicationNotice.objects.filter(kind=NoticeKind.CERTIFICATE).values_list("application_id", flat=True)) == {
        aysel.pk,
        ceyhun.pk,
    }
    failure = CertificateIssueFailure.objects.get()
    assert (failure.application_id, failure.reason, failure.detail) == (bakhtiyar.pk, CertificateFailureReason.UNEXPECTED, "RuntimeError")


def test_a_participant_without_a_name_is_recorded_once_without_retries_and_logged_as_a_warning(participant, completed, caplog):
    participant("Aysel")
    nameless = participant("", last_name="")

    with caplog.at_level(logging.WARNING):
        completed()

    assert certificate_holders() == {"Aysel"}
    failure = CertificateIssueFailure.objects.get()
    assert (failure.application_id, failure.reason, failure.attempts) == (nameless.pk, CertificateFailureReason.NO_NAME, 1)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_certificate_issued_another_way_clears_the_failure(participant, completed):
    nameless = participant("", last_name="")
    completed()
    User.objects.filter(pk=nameless.trainee_id).update(first_name="Leyla", last_name="Həsənova")

    # as an attendance correction issues it
    certificate, created = certificates.certificate_record(application=nameless, kind=CertificateKind.COMPLETION)

    assert created and certificate.holder_name == "Leyla Həsənova"
    assert not CertificateIssueFailure.objects.exists()


def test_a_failure_that_passes_on_a_retry_is_issued_and_forgotten_with_growing_waits(three, completed, monkeypatch):
    real_write_pdf = certificates.write_pdf
    calls = {"failed": 0}

    def write_pdf(html: str, **options):
        if "Ceyhun" in html and calls["failed"] < 2:
            calls["failed"] += 1
            raise OSError("the disk is full")
        return real_write_pdf(html, **options)

    countdowns: list[int] = []
    real_apply_async = tasks.certificates_issue.apply_async

    def apply_async(*args, **options):
        if options.get("countdown") is not None:  # an attempt queued for later (the first is queued at once)
            countdowns.append(options["countdown"])
        return real_apply_async(*args, **options)

    monkeypatch.setattr(certificates, "write_pdf", write_pdf)
    monkeypatch.setattr(tasks.certificates_issue, "apply_async", apply_async)

    completed()

    assert certificate_holders() == {"Aysel", "Bakhtiyar", "Ceyhun"}
    assert not CertificateIssueFailure.objects.exists()
    assert countdowns == list(tasks.CERTIFICATE_RETRY_COUNTDOWNS[:2])
    assert countdowns[0] < countdowns[1]


def test_a_code_drawn_twice_is_drawn_again_instead_of_failing(participant, completed, monkeypatch):
    participant("Aysel")
    completed()
    taken = Certificate.objects.get().code
    later = participant("Bakhtiyar")
    draws = iter([taken, "NEWCODE2345678923456"])
    # the field's default, as Django calls it for a new row
    monkeypatch.setattr(Certificate._meta.get_field("code"), "_get_default", lambda: next(draws))

    certificate = certificates.certificate_issue(application=later, kind=CertificateKind.COMPLETION)

    assert certificate.code == "NEWCODE2345678923456"
    assert Certificate.objects.filter(code=taken).count() == 1


# The forecast says what issuing issues


def test_the_forecast_lists_apart_a_participant_issuing_would_refuse_and_counts_what_is_issued(participant, finished_session, completed):
    participant("Aysel")
    participant("Bakhtiyar")
    nameless = participant("", last_name="")

    with translation.override("en"):
        forecast = certificates.certificates_forecast(finished_session)
    completed()

    assert forecast.completion + forecast.participation == Certificate.objects.count() == 2
    assert [trainee.pk for trainee, _reason in forecast.refused] == [nameless.trainee_id]
    assert forecast.refused[0][1] == "The participant's account has no name to print on a certificate."


# The applications page shows the failures


def test_the_applications_page_says_how_many_certificates_failed_and_why_for_each_participant(
    client, coordinator, three, completed, rendering_fails_for
):
    rendering_fails_for({"Aysel", "Ceyhun"})
    completed()
    client.force_login(coordinator)

    page = client.get(f"/admin/sessions/{three[0].session_id}/applications/", headers={"accept-language": "en"}).content.decode()

    summary = page.split('id="certificates-failed-summary"')[1].split("</div>")[0]
    assert "2 certificates could not be issued." in summary
    missing = page.split('aria-labelledby="certificates-missing"')[1].split("</ul>")[0]
    assert missing.count("certificate not issued: its PDF could not be made") == 2
    assert "Aysel Participant" in missing and "Ceyhun Participant" in missing and "Bakhtiyar" not in missing
    assert "tried 4 times" in missing
    assert f'action="{ISSUE_MISSING.format(pk=three[0].session_id)}"' in page


@pytest.mark.parametrize(
    ("language", "summary", "reason"),
    [
        ("az", "1 sertifikat verilə bilmədi.", "sertifikat verilmədi: onun PDF faylı hazırlana bilmədi"),
        ("ru", "1 сертификат не удалось выдать.", "сертификат не выдан: не удалось сделать его PDF"),
    ],
)
def test_the_failure_is_told_in_the_admin_s_language(client, coordinator, three, completed, rendering_fails_for, language, summary, reason):
    rendering_fails_for({"Bakhtiyar"})
    completed()
    client.force_login(coordinator)

    page = client.get(f"/admin/sessions/{three[0].session_id}/applications/", headers={"accept-language": language}).content.decode()

    assert summary in page.split('id="certificates-failed-summary"')[1].split("</div>")[0]
    assert reason in page.split('aria-labelledby="certificates-missing"')[1].split("</ul>")[0]


def test_a_page_without_failures_has_no_summary_and_no_button(client, coordinator, three, completed):
    completed()
    client.force_login(coordinator)

    page = client.get(f"/admin/sessions/{three[0].session_id}/applications/", headers={"accept-language": "en"}).content.decode()

    assert Certificate.objects.count() == 3
    assert "certificates-failed-summary" not in page and "certificates-pending-summary" not in page
    assert "issue-missing" not in page


def test_a_certificate_not_reached_yet_is_shown_as_being_issued_not_as_failed(client, coordinator, three, finished_session):
    TrainingSession.objects.filter(pk=finished_session.pk).update(status=SessionStatus.COMPLETED)  # the task has not run
    client.force_login(coordinator)

    page = client.get(f"/admin/sessions/{finished_session.pk}/applications/", headers={"accept-language": "en"}).content.decode()

    assert "3 certificates are still being issued." in page
    assert "certificates-failed-summary" not in page


# Issuing the missing certificates again


def test_issuing_again_issues_only_the_missing_one_and_clears_its_failure(
    client, coordinator, three, completed, rendering_fails_for, monkeypatch, django_capture_on_commit_callbacks
):
    aysel, _bakhtiyar, _ceyhun = three
    rendering_fails_for({"Aysel"})
    completed()
    before = list(Certificate.objects.order_by("pk").values_list("pk", "code", "file"))
    told_before = len(mail.outbox)
    monkeypatch.undo()  # the fault is gone
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ISSUE_MISSING.format(pk=aysel.session_id))

    assert response.status_code == 302 and response["Location"] == f"/admin/sessions/{aysel.session_id}/applications/"
    assert list(Certificate.objects.exclude(application=aysel).order_by("pk").values_list("pk", "code", "file")) == before
    assert Certificate.objects.get(application=aysel).file
    assert not CertificateIssueFailure.objects.exists()
    assert [message.to for message in mail.outbox[told_before:]] == [[aysel.trainee.email]]


def test_asking_twice_issues_nothing_twice(
    client, coordinator, three, completed, rendering_fails_for, monkeypatch, django_capture_on_commit_callbacks
):
    rendering_fails_for({"Ceyhun"})
    completed()
    monkeypatch.undo()
    client.force_login(coordinator)
    url = ISSUE_MISSING.format(pk=three[0].session_id)

    with django_capture_on_commit_callbacks(execute=True) as first:
        client.post(url)
    after_first = (list(Certificate.objects.order_by("pk").values_list("pk", "code")), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True) as second:
        response = client.post(url, follow=True)

    assert first and not second  # the second found nothing missing: no task queued, no e-mail
    assert (list(Certificate.objects.order_by("pk").values_list("pk", "code")), len(mail.outbox)) == after_first
    assert Certificate.objects.count() == 3
    assert ApplicationNotice.objects.filter(kind=NoticeKind.CERTIFICATE).count() == 3
    assert "No certificate is missing" in response.content.decode()


def test_two_runs_at_once_issue_each_missing_certificate_once(three, completed, rendering_fails_for, monkeypatch):
    rendering_fails_for({"Ceyhun"})
    completed()
    monkeypatch.undo()

    first = tasks.certificates_issue.apply(args=[three[0].session_id]).get()
    second = tasks.certificates_issue.apply(args=[three[0].session_id]).get()

    assert (first, second) == (1, 0)
    assert Certificate.objects.filter(application=three[2]).count() == 1


def test_a_get_is_refused_with_405_and_issues_nothing(client, coordinator, three, completed, rendering_fails_for):
    rendering_fails_for({"Aysel"})
    completed()
    client.force_login(coordinator)

    response = client.get(ISSUE_MISSING.format(pk=three[0].session_id))

    assert response.status_code == 405
    assert CertificateIssueFailure.objects.count() == 1


@pytest.mark.parametrize("role", ["trainer", "trainee"])
def test_a_trainer_or_trainee_gets_403_and_nothing_is_issued(
    client, request, role, three, completed, rendering_fails_for, monkeypatch, django_capture_on_commit_callbacks
):
    rendering_fails_for({"Aysel"})
    completed()
    monkeypatch.undo()
    client.force_login(request.getfixturevalue(role))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(ISSUE_MISSING.format(pk=three[0].session_id))

    assert response.status_code == 403
    assert not queued and Certificate.objects.count() == 2


def test_a_session_not_completed_is_refused_with_409_and_its_reason(
    client, coordinator, three, finished_session, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(ISSUE_MISSING.format(pk=finished_session.pk))

    assert response.status_code == 409
    assert "Certificates are issued once the session is completed." in response.content.decode()
    assert not queued and not Certificate.objects.exists()


def test_the_forbidden_check_comes_before_the_session_lookup(client, trainer):
    client.force_login(trainer)

    assert client.post(ISSUE_MISSING.format(pk=999999)).status_code == 403


# The demo session


def _demo_session() -> TrainingSession:
    return TrainingSession.objects.get(module__code="M13", language__code="az", end_date__lt=timezone.localdate())


def _complete_demo(session: TrainingSession, capture) -> None:
    with capture(execute=True):
        certificates.session_complete(session=session, completed_by=User.objects.get(email="coordinator@rtcm.example.org"))


def test_completing_the_demo_session_issues_what_its_forecast_says(db, django_capture_on_commit_callbacks):
    call_command("load_demo_data", stdout=io.StringIO())
    session = _demo_session()
    forecast = certificates.certificates_forecast(session)

    _complete_demo(session, django_capture_on_commit_callbacks)

    assert forecast.completion + forecast.participation == Certificate.objects.filter(application__session=session).count() == 9
    assert not forecast.refused and not CertificateIssueFailure.objects.exists()


def test_a_demo_participant_whose_name_is_gone_is_forecast_apart_and_recorded_not_skipped(db, django_capture_on_commit_callbacks):
    call_command("load_demo_data", stdout=io.StringIO())
    session = _demo_session()
    User.objects.filter(email="participant08@rtcm.example.org").update(first_name="", last_name="")
    forecast = certificates.certificates_forecast(session)

    _complete_demo(session, django_capture_on_commit_callbacks)

    issued = Certificate.objects.filter(application__session=session).count()
    assert forecast.completion + forecast.participation == issued == 8
    assert [trainee.email for trainee, _reason in forecast.refused] == ["participant08@rtcm.example.org"]
    failure = CertificateIssueFailure.objects.get()
    assert (failure.application.trainee.email, failure.reason) == ("participant08@rtcm.example.org", CertificateFailureReason.NO_NAME)
    with translation.override("en"):
        assert len(certificates.certificates_standing(session).failed) == 1
