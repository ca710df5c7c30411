"""Once a session is completed its attendance changes only through a correction with a reason, which revokes or issues
the participant's certificate as the completion rule now says, and tells the coordinators (and the participant)."""

from __future__ import annotations

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from curriculum import attendance, certificates, corrections, enrolment, tasks
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


def test_a_correction_that_takes_the_completion_away_revokes_it_with_the_reason_and_issues_participation(completed, coordinator):
    session, _trainer, (_full, edge, _absent) = completed
    certificate = Certificate.objects.get(application=edge)

    correction = corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )

    certificate.refresh_from_db()
    assert correction.certificate_outcome == CertificateOutcome.REPLACED
    assert certificate.revoked_at is not None
    assert "Left before noon." in certificate.revoked_reason
    assert certificate.revoked_by == coordinator
    new = Certificate.objects.get(application=edge, revoked_at=None)
    assert new.kind == CertificateKind.PARTICIPATION
    assert new.code != certificate.code
    assert (new.holder_name, new.module_title, new.start_date, new.end_date) == (
        certificate.holder_name,
        certificate.module_title,
        certificate.start_date,
        certificate.end_date,
    )
    told = OutboundEmail.objects.get(to=edge.trainee.email)
    assert told.language == "ru"
    assert "заменён" in told.subject
    assert "Сертификат об участии" in told.body_text  # the new kind, in the participant's language
    assert "Left before noon." not in told.body_text  # the reason is for coordinators
    to_coordinator = OutboundEmail.objects.get(to=coordinator.email)
    assert "yenisi ilə əvəz edildi: İştirak sertifikatı." in to_coordinator.body_text  # the coordinator reads Azerbaijani
    assert "avtomatik vermir" not in to_coordinator.body_text


def test_a_correction_that_brings_the_completion_back_replaces_participation_by_a_new_completion_certificate(completed, coordinator):
    session, trainer, (_full, edge, _absent) = completed
    first = Certificate.objects.get(application=edge)
    day = session.days()[0]
    corrections.attendance_correct(
        session=session, application_id=edge.pk, day=day, present=False, reason="Left before noon.", corrected_by=coordinator
    )
    participation = Certificate.objects.get(application=edge, revoked_at=None)

    correction = corrections.attendance_correct(
        session=session, application_id=edge.pk, day=day, present=True, reason="Came back after lunch.", corrected_by=trainer
    )

    assert correction.certificate_outcome == CertificateOutcome.REPLACED
    held = list(Certificate.objects.filter(application=edge).order_by("pk").values_list("pk", "kind", "revoked_at"))
    assert [(kind, revoked_at is None) for _pk, kind, revoked_at in held] == [
        (CertificateKind.COMPLETION, False),
        (CertificateKind.PARTICIPATION, False),
        (CertificateKind.COMPLETION, True),
    ]
    assert held[0][0] == first.pk and held[1][0] == participation.pk
    participation.refresh_from_db()
    assert "Came back after lunch." in participation.revoked_reason
    assert participation.revoked_by == trainer


def test_rerunning_the_issuing_task_after_a_replacement_issues_nothing_more(completed, coordinator):
    session, _trainer, (full, edge, absent) = completed
    corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )
    before = list(Certificate.objects.order_by("pk").values_list("pk", "application_id", "kind", "revoked_at"))

    assert tasks.certificates_issue.apply(args=[session.pk]).get() == 0
    assert tasks.certificates_issue.apply(args=[session.pk]).get() == 0

    assert list(Certificate.objects.order_by("pk").values_list("pk", "application_id", "kind", "revoked_at")) == before
    assert Certificate.objects.filter(application=edge, revoked_at=None).count() == 1
    assert Certificate.objects.filter(application=full, revoked_at=None).count() == 1
    assert not Certificate.objects.filter(application=absent).exists()


def test_a_correction_that_leaves_no_certificate_due_revokes_it_and_issues_none(module, make_trainee, coordinator):
    session, _trainer, (once,) = _completed_session(module, make_trainee, coordinator, present_days=(1,))
    certificate = Certificate.objects.get(application=once)
    assert certificate.kind == CertificateKind.PARTICIPATION

    correction = corrections.attendance_correct(
        session=session,
        application_id=once.pk,
        day=session.days()[0],
        present=False,
        reason="Signed for a colleague.",
        corrected_by=coordinator,
    )

    assert correction.certificate_outcome == CertificateOutcome.REVOKED
    assert list(Certificate.objects.filter(application=once).values_list("pk", flat=True)) == [certificate.pk]
    assert not Certificate.objects.get(pk=certificate.pk).is_valid
    told = OutboundEmail.objects.get(to=once.trainee.email)
    assert "отозван" in told.subject
    assert tasks.certificates_issue.apply(args=[session.pk]).get() == 0
    assert Certificate.objects.filter(application=once).count() == 1


def test_a_certificate_a_coordinator_revoked_is_not_issued_again_by_a_correction_and_the_coordinators_are_told(completed, coordinator):
    session, trainer, (full, _edge, _absent) = completed
    revoked = certificates.certificate_revoke(
        certificate=Certificate.objects.get(application=full), revoked_by=coordinator, reason="Attendance sheet forged"
    )

    correction = corrections.attendance_correct(
        session=session, application_id=full.pk, day=session.days()[0], present=False, reason="Arrived late.", corrected_by=trainer
    )

    assert correction.certificate_outcome == CertificateOutcome.UNCHANGED
    assert list(Certificate.objects.filter(application=full).values_list("pk", flat=True)) == [revoked.pk]
    assert not OutboundEmail.objects.filter(to=full.trainee.email).exists()
    to_coordinator = OutboundEmail.objects.get(to=coordinator.email)
    assert "indi sertifikat düşür (Təlimi başa vurma sertifikatı), lakin onun sertifikatı əvvəllər ləğv edilib" in to_coordinator.body_text


def test_after_a_replacement_the_old_code_verifies_as_revoked_and_the_new_one_as_valid(completed, coordinator):
    session, _trainer, (_full, edge, _absent) = completed
    old = Certificate.objects.get(application=edge)
    corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )
    new = Certificate.objects.get(application=edge, revoked_at=None)
    anonymous = Client()

    old_page = anonymous.get(f"/en/certificates/verify/{old.code}/").content.decode()
    new_page = anonymous.get(f"/en/certificates/verify/{new.code}/").content.decode()
    record = _as(coordinator).get(f"/en/certificates/{old.code}/revoke/").content.decode()

    assert "This certificate was revoked on" in old_page and "This certificate is valid." not in old_page
    assert "Certificate of completion" in old_page
    assert "This certificate is valid." in new_page and "revoked" not in new_page
    assert "Certificate of participation" in new_page
    assert "Left before noon." not in old_page  # the public page gives the date only
    assert "Attendance corrected: Left before noon." in record  # the coordinator's record keeps the reason


def test_after_a_replacement_my_learning_offers_the_new_certificate_and_marks_the_old_one_revoked(completed, coordinator):
    session, _trainer, (_full, edge, _absent) = completed
    old = Certificate.objects.get(application=edge)
    corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )
    new = Certificate.objects.get(application=edge, revoked_at=None)
    holder = _as(edge.trainee)

    page = holder.get("/en/learning/").content.decode()

    assert f"/en/certificates/{new.code}/download/" in page
    assert f"/en/certificates/{old.code}/download/" not in page
    assert f"/en/certificates/verify/{old.code}/" in page
    assert "no longer valid" in page
    assert holder.get(f"/en/certificates/{new.code}/download/").status_code == 200
    assert holder.get(f"/en/certificates/{old.code}/download/").status_code == 404


def test_after_a_replacement_the_applications_page_lists_both_certificates(completed, coordinator):
    session, _trainer, (_full, edge, _absent) = completed
    old = Certificate.objects.get(application=edge)
    corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )
    new = Certificate.objects.get(application=edge, revoked_at=None)

    page = _as(coordinator).get(f"/admin/sessions/{session.pk}/applications/").content.decode()

    # the admin speaks Azerbaijani: the old completion certificate marked revoked, the new participation one not
    items = {code: item for item in re.findall(r"<li>.*?</li>", page) for code in (old.code, new.code) if f"/{code}/download/" in item}
    assert set(items) == {old.code, new.code}
    assert "Təlimi başa vurma sertifikatı (ləğv edilib)" in items[old.code]
    assert "İştirak sertifikatı" in items[new.code] and "ləğv edilib" not in items[new.code]
    assert f"/certificates/{new.code}/revoke/" in items[new.code]


def test_erasing_the_holder_of_a_replaced_certificate_takes_the_name_off_both(completed, coordinator):
    from people.erasure import person_erase

    session, _trainer, (_full, edge, _absent) = completed
    corrections.attendance_correct(
        session=session, application_id=edge.pk, day=session.days()[0], present=False, reason="Left before noon.", corrected_by=coordinator
    )

    person_erase(user=edge.trainee, erased_by=coordinator)

    rows = list(Certificate.objects.filter(application=edge).values_list("holder_name", "revoked_at"))
    assert len(rows) == 2
    assert {name for name, _revoked in rows} == {""}
    assert sum(revoked is None for _name, revoked in rows) == 1


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


def _correct_at_once(trainer, session, *, participant, present: str, reason: str) -> list[int]:
    """Two corrections of one participant, on the session's first two days, sent at the same moment; their status codes."""
    days = session.days()[:2]
    barrier = threading.Barrier(2)
    codes = [0, 0]

    def correct(index: int) -> None:
        try:
            client = _as(trainer)
            barrier.wait()
            codes[index] = _correct(
                client, session, participant=participant.pk, day=days[index].isoformat(), present=present, reason=reason
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_corrections_issue_one_certificate(module, make_trainee, coordinator):
    session, trainer, (_full, _edge, absent) = _completed_session(module, make_trainee, coordinator, present_days=(5, 4, 0))
    codes = _correct_at_once(trainer, session, participant=absent, present="present", reason="Paper list.")

    assert codes == [302, 302]
    assert Certificate.objects.filter(application=absent).count() == 1
    assert sorted(AttendanceCorrection.objects.values_list("certificate_outcome", flat=True)) == ["", "issued"]
    assert ApplicationNotice.objects.filter(application=absent, kind=NoticeKind.CERTIFICATE).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_corrections_that_change_the_kind_leave_one_valid_certificate(module, make_trainee, coordinator):
    session, trainer, (_full, edge, _absent) = _completed_session(module, make_trainee, coordinator, present_days=(5, 4, 0))
    codes = _correct_at_once(trainer, session, participant=edge, present="absent", reason="Left early.")

    assert codes == [302, 302]
    valid = list(Certificate.objects.filter(application=edge, revoked_at=None).values_list("kind", flat=True))
    assert valid == [CertificateKind.PARTICIPATION]
    assert Certificate.objects.filter(application=edge).count() == 2
    assert sorted(AttendanceCorrection.objects.values_list("certificate_outcome", flat=True)) == ["", "replaced"]
