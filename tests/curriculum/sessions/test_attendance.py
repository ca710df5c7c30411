"""Trainers take attendance per day on a phone-friendly page; coordinators correct it with the change logged; completion."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from curriculum import attendance, enrolment
from curriculum.models import Attendance, AttendanceCorrection, SessionStatus, TrainingSession
from tests.factories.curriculum import TrainingSessionFactory
from tests.factories.people import UserFactory


@pytest.fixture
def running(module, make_trainee, coordinator):
    """A five-day session with a trainer and three approved participants, applied for while open, that ended yesterday."""
    session = TrainingSessionFactory(module=module)
    trainer = UserFactory(role="trainer", email="session.trainer@example.org")
    session.trainers.add(trainer)
    applications = []
    for _ in range(3):
        application = enrolment.session_apply(
            session=session, trainee=make_trainee(), motivation="x", organisation_confirmed=True, position_confirmed=True
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
    return session, trainer, applications


def test_the_trainer_records_a_day_on_the_attendance_page(client, running):
    session, trainer, (first, second, third) = running
    client.force_login(trainer)
    day = session.days()[0].isoformat()

    page = client.get(f"/en/sessions/{session.pk}/attendance/", {"day": day})
    saved = client.post(f"/en/sessions/{session.pk}/attendance/", {"day": day, "present": [first.pk, third.pk]})

    assert page.status_code == 200
    assert [row["application"] for row in page.context["rows"]] == sorted(
        [first, second, third], key=lambda a: (a.trainee.last_name, a.trainee.first_name, a.pk)
    )
    assert saved.status_code == 302
    assert dict(Attendance.objects.values_list("application_id", "present")) == {first.pk: True, second.pk: False, third.pk: True}


def test_only_the_sessions_trainers_and_coordinators_see_the_sheet(client, running, make_trainee):
    session, _trainer, (participant, *_rest) = running
    other_trainer = UserFactory(role="trainer", email="other.trainer@example.org")
    for user in (other_trainer, participant.trainee):
        client.force_login(user)
        assert client.get(f"/en/sessions/{session.pk}/attendance/").status_code == 404


@pytest.mark.parametrize("day", ["2001-01-01", "not-a-date"])
def test_a_day_outside_the_session_is_refused(client, running, day):
    session, trainer, _applications = running
    client.force_login(trainer)

    assert client.get(f"/en/sessions/{session.pk}/attendance/", {"day": day}).status_code == 400


def test_someone_who_is_not_a_participant_cannot_be_marked(running):
    session, trainer, _applications = running

    with pytest.raises(ValidationError):
        attendance.attendance_record(session=session, day=session.start_date, present_ids={999_999}, recorded_by=trainer)


def test_a_coordinators_correction_needs_a_reason_and_is_logged(running, coordinator):
    session, trainer, (first, *_rest) = running
    attendance.attendance_record(session=session, day=session.start_date, present_ids=set(), recorded_by=trainer)

    with pytest.raises(ValidationError):
        attendance.attendance_record(session=session, day=session.start_date, present_ids={first.pk}, recorded_by=coordinator)
    attendance.attendance_record(
        session=session, day=session.start_date, present_ids={first.pk}, recorded_by=coordinator, reason="Signed the paper list."
    )

    correction = AttendanceCorrection.objects.get()
    assert (correction.was_present, correction.now_present, correction.corrected_by, correction.reason) == (
        False,
        True,
        coordinator,
        "Signed the paper list.",
    )


def test_a_trainer_cannot_overwrite_a_coordinators_mark(running, coordinator):
    session, trainer, (first, *_rest) = running
    attendance.attendance_record(session=session, day=session.start_date, present_ids={first.pk}, recorded_by=coordinator, reason="r")

    with pytest.raises(ValidationError):
        attendance.attendance_record(session=session, day=session.start_date, present_ids=set(), recorded_by=trainer)


def test_completion_needs_80_percent_of_the_days(running):
    session, trainer, (four_days, three_days, none) = running
    days = session.days()
    for index, day in enumerate(days):
        present = {four_days.pk} if index < 4 else set()
        if index < 3:
            present.add(three_days.pk)
        attendance.attendance_record(session=session, day=day, present_ids=present, recorded_by=trainer)

    result = {c.application.pk: (c.days_present, c.completed) for c in attendance.completions(session)}

    assert result == {four_days.pk: (4, True), three_days.pk: (3, False), none.pk: (0, False)}


def test_the_trainers_page_lists_their_sessions_and_participants(client, running):
    session, trainer, _applications = running
    client.force_login(trainer)

    response = client.get("/en/teaching/")

    assert response.status_code == 200
    assert [s.pk for s in response.context["sessions"]] == [session.pk]
    assert len(response.context["sessions"][0].participants) == 3


def test_a_day_still_to_come_shows_who_takes_part_and_takes_no_marks(client, running):
    session, trainer, (first, *_rest) = running
    today = timezone.localdate()
    TrainingSession.objects.filter(pk=session.pk).update(end_date=today + datetime.timedelta(days=1))
    session.refresh_from_db()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    client.force_login(trainer)

    page = client.get(f"/en/sessions/{session.pk}/attendance/", {"day": tomorrow})
    saved = client.post(f"/en/sessions/{session.pk}/attendance/", {"day": tomorrow, "present": [first.pk]})

    assert page.status_code == 200 and page.context["upcoming"]
    assert b"is still to come: attendance is taken on the day or afterwards." in page.content
    assert b'name="present"' not in page.content
    assert saved.status_code == 400
    assert b"This day is still to come" in saved.content
    assert not Attendance.objects.exists()
    with pytest.raises(ValidationError) as refused:
        attendance.attendance_record(session=session, day=today + datetime.timedelta(days=1), present_ids=set(), recorded_by=trainer)
    assert refused.value.code == "future_day"
    # today itself is taken
    assert attendance.attendance_record(session=session, day=today, present_ids={first.pk}, recorded_by=trainer) == 3
