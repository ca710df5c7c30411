"""Once a session is completed its attendance changes only through a correction with a reason, which revokes or issues
the participant's certificate as the completion rule now says, and tells the coordinators (and the participant)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from curriculum import attendance, certificates, corrections, enrolment
from curriculum.models import (
    ApplicationNotice,
    Attendance,
    AttendanceCorrection,
    Certificate,
    CertificateKind,
    CertificateOutcome,
    NoticeKind,
    SessionStatus,
    TrainingSession,
)
from people.models import OutboundEmail
from tests.factories.curriculum import TrainingSessionFactory
from tests.factories.people import UserFactory


def _completed_session(module, make_trainee, coordinator, *, present_days: tuple[int, ...]):
    """A five-day session that ended yesterday, with a trainer and one participant per entry of `present_days` (how many
    days each was present), completed, with the certificates the completion rule gives."""
    session = TrainingSessionFactory(module=module)
    trainer = UserFactory(role="trainer", email=f"trainer.{session.pk}@example.org")
    session.trainers.add(trainer)
    applications = []
    for _ in present_days:
        application = enrolment.session_apply(
            session=session, trainee=make_trainee(language="ru"), motivation="x", organisation_confirmed=True, position_confirmed=True
        )
        enrolment.application_decide(application=application, decision="approved", decided_by=coordinator)
        applications.append(application)
    today = timezone.localdate()
    TrainingSession.objects.filter(pk=session.pk).update(
        start_date=today - datetime.timedelta(days=5),
        end_date=today - datetime.timedelta(days=1),
        application_deadline=today - datetime.timedelta(days=12),
        status=SessionStatus.IN_PROGRESS,
    )
    session.refresh_from_db()
    for index, day in enumerate(session.days()):
        present = {application.pk for application, count in zip(applications, present_days, strict=True) if index < count}
        attendance.attendance_record(session=session, day=day, present_ids=present, recorded_by=trainer)
    TrainingSession.objects.filter(pk=session.pk).update(status=SessionStatus.COMPLETED)
    session.refresh_from_db()
    for completion in attendance.completions(session):
        kind = certificates.certificate_kind(completion)
        if kind is not None:
            certificates.certificate_record(application=completion.application, kind=kind)
    OutboundEmail.objects.all().delete()  # only what the corrections send is looked at
    return session, trainer, applications


@pytest.fixture
def completed(module, make_trainee, coordinator):
    """Three participants: present 5 of 5 days (completion), 4 of 5 (completion, at the 80 % line) and 0 (no certificate)."""
    return _completed_session(module, make_trainee, coordinator, present_days=(5, 4, 0))


def _correct(client: Client, session, **data):
    return client.post(f"/en/sessions/{session.pk}/attendance/corrections/", data)


def _as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _marks(session) -> dict[tuple[int, datetime.date], bool]:
    return {
        (a, d): p for a, d, p in Attendance.objects.filter(application__session=session).values_list("application_id", "day", "present")
    }


def test_the_sheet_of_a_completed_session_refuses_a_change_and_saves_nothing(completed):
    session, trainer, (_full, _edge, absent) = completed
    before = _marks(session)

    response = _as(trainer).post(f"/en/sessions/{session.pk}/attendance/", {"day": session.days()[0].isoformat(), "present": [absent.pk]})

    assert response.status_code == 409
    assert "File a correction with its reason" in response.content.decode()
    assert _marks(session) == before
    assert not AttendanceCorrection.objects.exists()


def test_the_attendance_service_refuses_a_completed_session_too(completed):
    session, trainer, (_full, _edge, absent) = completed

    with pytest.raises(ValidationError) as refused:
        attendance.attendance_record(session=session, day=session.days()[0], present_ids={absent.pk}, recorded_by=trainer)

    assert refused.value.code == "session_completed"


def test_the_sheet_of_a_completed_session_shows_the_correction_form_instead(completed):
    session, trainer, _applications = completed

    page = _as(trainer).get(f"/en/sessions/{session.pk}/attendance/").content.decode()

    assert f'action="/en/sessions/{session.pk}/attendance/corrections/"' in page
    assert 'class="attendance-sheet"' not in page


def test_a_trainer_corrects_an_absence_and_the_missing_certificate_is_issued(completed, coordinator):
    session, trainer, (_full, _edge, absent) = completed
    day = session.days()[2]

    response = _correct(
        _as(trainer), session, participant=absent.pk, day=day.isoformat(), present="present", reason="Signed the paper list."
    )

    assert response.status_code == 302
    assert Attendance.objects.get(application=absent, day=day).present is True
    certificate = Certificate.objects.get(application=absent)
    assert certificate.kind == CertificateKind.PARTICIPATION
    correction = AttendanceCorrection.objects.get()
    assert (correction.attendance.application_id, correction.attendance.day) == (absent.pk, day)
    assert (correction.was_present, correction.now_present, correction.corrected_by) == (False, True, trainer)
    assert correction.reason == "Signed the paper list."
    assert correction.certificate_outcome == CertificateOutcome.ISSUED
    assert ApplicationNotice.objects.filter(application=absent, kind=NoticeKind.CERTIFICATE).count() == 1
    assert OutboundEmail.objects.filter(to=absent.trainee.email).count() == 1
    assert OutboundEmail.objects.filter(to=coordinator.email).count() == 1


def test_a_correction_that_takes_the_completion_away_revokes_the_certificate_with_the_reason(completed, coordinator):
    session, _trainer, (_full, edge, _absent) = completed
    certificate = Certificate.objects.get(application=edge)

    correction = corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )

    certificate.refresh_from_db()
    assert correction.certificate_outcome == CertificateOutcome.REVOKED
    assert certificate.revoked_at is not None
    assert "Left before noon." in certificate.revoked_reason
    assert certificate.revoked_by == coordinator
    told = OutboundEmail.objects.get(to=edge.trainee.email)
    assert told.language == "ru"
    assert "Left before noon." not in told.body_text  # the reason is for coordinators


def test_a_correction_that_leaves_the_completion_as_it_was_keeps_the_certificate(completed, coordinator):
    session, _trainer, (full, _edge, _absent) = completed

    correction = corrections.attendance_correct(
        session=session, application_id=full.pk, day=session.days()[0], present=False, reason="Arrived late.", corrected_by=coordinator
    )

    assert correction.certificate_outcome == CertificateOutcome.UNCHANGED
    assert Certificate.objects.get(application=full).is_valid
    assert not OutboundEmail.objects.filter(to=full.trainee.email).exists()


def test_every_coordinator_is_told_in_their_own_language(completed, coordinator):
    session, trainer, (_full, _edge, absent) = completed
    russian = UserFactory(role="coordinator", email="ru.coordinator@example.org", preferred_language="ru")

    corrections.attendance_correct(
        session=session, application_id=absent.pk, day=session.days()[0], present=True, reason="Paper list.", corrected_by=trainer
    )

    emails = {email.to: email for email in OutboundEmail.objects.filter(to__in=[coordinator.email, russian.email])}
    assert set(emails) == {coordinator.email, russian.email}
    assert emails[russian.email].language == "ru"
    assert "Посещаемость исправлена" in emails[russian.email].subject
    assert "Paper list." in emails[russian.email].body_text


def test_the_applications_page_lists_the_corrections(completed, coordinator):
    session, trainer, (_full, _edge, absent) = completed
    corrections.attendance_correct(
        session=session, application_id=absent.pk, day=session.days()[1], present=True, reason="Paper list found.", corrected_by=trainer
    )

    page = _as(coordinator).get(f"/admin/sessions/{session.pk}/applications/").content.decode()

    assert "Paper list found." in page
    assert absent.trainee.get_full_name() in page


# Abuse cases


def test_a_trainer_of_another_session_cannot_correct(completed, module, make_trainee, coordinator):
    session, _trainer, (_full, _edge, absent) = completed
    other_trainer = UserFactory(role="trainer", email="other.trainer@example.org")
    TrainingSessionFactory(module=module).trainers.add(other_trainer)

    response = _correct(
        _as(other_trainer), session, participant=absent.pk, day=session.days()[0].isoformat(), present="present", reason="x"
    )

    assert response.status_code == 404
    assert not AttendanceCorrection.objects.exists()
    assert not Certificate.objects.filter(application=absent).exists()


def test_a_trainee_cannot_correct_not_even_their_own_mark(completed):
    session, _trainer, (_full, _edge, absent) = completed

    response = _correct(
        _as(absent.trainee), session, participant=absent.pk, day=session.days()[0].isoformat(), present="present", reason="x"
    )

    assert response.status_code == 404
    assert not AttendanceCorrection.objects.exists()


def test_a_correction_without_a_reason_is_refused_and_changes_nothing(completed):
    session, trainer, (_full, _edge, absent) = completed
    before = _marks(session)

    response = _correct(_as(trainer), session, participant=absent.pk, day=session.days()[0].isoformat(), present="present", reason="   ")

    assert response.status_code == 400
    assert "Give the reason for the correction." in response.content.decode()
    assert _marks(session) == before
    assert not AttendanceCorrection.objects.exists()
    assert not Certificate.objects.filter(application=absent).exists()


def test_a_correction_for_a_day_outside_the_session_is_refused(completed):
    session, trainer, (_full, _edge, absent) = completed
    outside = session.end_date + datetime.timedelta(days=1)

    response = _correct(_as(trainer), session, participant=absent.pk, day=outside.isoformat(), present="present", reason="x")

    assert response.status_code == 400
    assert "This day is not one of the session&#x27;s days." in response.content.decode()
    assert not AttendanceCorrection.objects.exists()
    with pytest.raises(ValidationError) as refused:
        corrections.attendance_correct(
            session=session, application_id=absent.pk, day=outside, present=True, reason="x", corrected_by=trainer
        )
    assert refused.value.code == "not_a_day"


def test_a_correction_for_someone_not_in_the_session_is_refused(completed, module, make_trainee, coordinator):
    session, trainer, _applications = completed
    elsewhere = enrolment.session_apply(
        session=TrainingSessionFactory(module=module),
        trainee=make_trainee(),
        motivation="x",
        organisation_confirmed=True,
        position_confirmed=True,
    )

    response = _correct(_as(trainer), session, participant=elsewhere.pk, day=session.days()[0].isoformat(), present="present", reason="x")

    assert response.status_code == 400
    assert "This person is not a participant of the session." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        corrections.attendance_correct(
            session=session, application_id=elsewhere.pk, day=session.days()[0], present=True, reason="x", corrected_by=trainer
        )
    assert refused.value.code == "not_a_participant"
    assert not AttendanceCorrection.objects.exists()


def test_a_correction_before_the_session_is_completed_is_refused(completed):
    session, trainer, (_full, _edge, absent) = completed
    TrainingSession.objects.filter(pk=session.pk).update(status=SessionStatus.IN_PROGRESS)

    response = _correct(_as(trainer), session, participant=absent.pk, day=session.days()[0].isoformat(), present="present", reason="x")

    assert response.status_code == 409
    assert not AttendanceCorrection.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(completed):
    session, trainer, (full, _edge, _absent) = completed

    response = _correct(_as(trainer), session, participant=full.pk, day=session.days()[0].isoformat(), present="present", reason="x")

    assert response.status_code == 400
    assert not AttendanceCorrection.objects.exists()


def test_a_visit_to_the_correction_address_is_not_a_correction(completed):
    session, trainer, _applications = completed

    assert _as(trainer).get(f"/en/sessions/{session.pk}/attendance/corrections/").status_code == 405


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_corrections_issue_one_certificate(module, make_trainee, coordinator):
    session, trainer, (_full, _edge, absent) = _completed_session(module, make_trainee, coordinator, present_days=(5, 4, 0))
    days = session.days()[:2]
    barrier = threading.Barrier(2)
    codes = [0, 0]

    def correct(index: int) -> None:
        try:
            client = _as(trainer)
            barrier.wait()
            codes[index] = _correct(
                client, session, participant=absent.pk, day=days[index].isoformat(), present="present", reason="Paper list."
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert codes == [302, 302]
    assert Certificate.objects.filter(application=absent).count() == 1
    assert sorted(AttendanceCorrection.objects.values_list("certificate_outcome", flat=True)) == ["", "issued"]
    assert ApplicationNotice.objects.filter(application=absent, kind=NoticeKind.CERTIFICATE).count() == 1
