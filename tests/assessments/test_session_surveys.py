"""Session surveys: when they open, the e-mails that tell participants, My learning, knowledge gain and the pass mark."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Purpose
from curriculum import completion
from curriculum.attendance import attendance_record, completions
from curriculum.models import ApplicationStatus, SessionApplication, SessionStatus
from people.models import OutboundEmail
from tests.factories.assessments import sample_instrument
from tests.factories.curriculum import TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 10)


@pytest.fixture
def session(module):
    return TrainingSessionFactory(
        module=module,
        start_date=TODAY - datetime.timedelta(days=2),
        end_date=TODAY,
        application_deadline=TODAY - datetime.timedelta(days=9),
    )


def participant(session, email: str):
    user = UserFactory(role="trainee", email=email, preferred_language="ru")
    return SessionApplication.objects.create(session=session, trainee=user, status=ApplicationStatus.APPROVED, motivation="-")


def knowledge_tests(session, pass_mark: int = 60):
    pre = sample_instrument(purpose=Purpose.PRE_TEST, required=False)
    post = sample_instrument(purpose=Purpose.POST_TEST, required=False, pass_mark_percent=pass_mark)
    services.session_survey_set(session=session, instrument=pre)
    services.session_survey_set(session=session, instrument=post)
    return pre, post


def take(session, application, instrument, right: tuple[str, ...]):
    """Answer the two knowledge questions: right ones correctly, the others wrongly."""
    respondent = services.participant_respondent(instrument=instrument, session=session, user=application.trainee)
    questions = {q.code: q.field_name for q in instrument.questions.all()}
    data = {
        questions["knowledge"]: ["b"] if "knowledge" in right else ["a"],
        questions["knowledge_multi"]: ["a", "c"] if "knowledge_multi" in right else ["b"],
    }
    respondent.session = session
    return services.response_submit(respondent=respondent, data=data)


def test_the_pre_test_is_open_until_the_first_day_and_the_evaluation_from_the_last(session):
    assert services.session_window(session, Purpose.PRE_TEST, session.start_date).is_open
    assert not services.session_window(session, Purpose.PRE_TEST, session.start_date + datetime.timedelta(days=1)).is_open
    assert not services.session_window(session, Purpose.SESSION_EVALUATION, session.end_date - datetime.timedelta(days=1)).is_open
    assert services.session_window(session, Purpose.SESSION_EVALUATION, session.end_date).is_open
    assert not services.session_window(session, Purpose.SESSION_EVALUATION, session.end_date + datetime.timedelta(days=31)).is_open


def test_the_follow_up_opens_the_configured_number_of_months_after_the_last_day(session):
    follow_up = sample_instrument(purpose=Purpose.FOLLOW_UP)
    services.session_survey_set(session=session, instrument=follow_up, follow_up_months=4)

    assert not services.session_window(session, Purpose.FOLLOW_UP, datetime.date(2026, 10, 9)).is_open
    assert services.session_window(session, Purpose.FOLLOW_UP, datetime.date(2026, 10, 10)).is_open


def test_participants_are_told_once_when_the_evaluation_opens_and_reminded_a_week_later(session):
    sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True)
    application = participant(session, "p1@example.org")

    assert services.session_surveys_send(today=TODAY) == 1
    assert services.session_surveys_send(today=TODAY) == 0
    assert services.session_surveys_send(today=TODAY + datetime.timedelta(days=7)) == 1
    emails = OutboundEmail.objects.filter(to=application.trainee.email)
    assert emails.count() == 2 and all(email.language == "ru" for email in emails)


def test_nobody_who_answered_is_reminded(session):
    instrument = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    application = participant(session, "p2@example.org")
    respondent = services.participant_respondent(instrument=instrument, session=session, user=application.trainee)
    respondent.session = session
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: TODAY)
        services.response_submit(respondent=respondent, data={})

    assert services.session_surveys_send(today=TODAY + datetime.timedelta(days=7)) == 0


def test_my_learning_lists_the_open_evaluation_until_it_is_answered(client, session):
    instrument = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    session.end_date = timezone.localdate()
    session.start_date = session.end_date - datetime.timedelta(days=1)
    session.application_deadline = session.start_date
    session.save()
    application = participant(session, "p3@example.org")
    client.force_login(application.trainee)
    url = reverse("session_survey", kwargs={"session_id": session.pk, "purpose": "session_evaluation"})

    assert url in client.get(reverse("my_learning")).content.decode()
    client.post(url, {"action": "submit"})
    assert url not in client.get(reverse("my_learning")).content.decode()
    assert instrument.responses.count() == 1


def test_knowledge_gain_per_participant_and_per_session(session):
    pre, post = knowledge_tests(session)
    first, second, third = (participant(session, f"k{n}@example.org") for n in range(3))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: session.start_date)
        take(session, first, pre, right=())
        take(session, second, pre, right=("knowledge_multi",))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: TODAY)
        take(session, first, post, right=("knowledge", "knowledge_multi"))
        take(session, second, post, right=("knowledge",))

    gains, mean = selectors.knowledge_gains(session)

    by_user = {gain.user_id: gain for gain in gains}
    assert by_user[first.trainee_id].gain == pytest.approx(100.0)
    assert by_user[second.trainee_id].gain == pytest.approx(100 * 2 / 3 - 100 / 3)
    assert by_user[third.trainee_id].gain is None
    assert mean == pytest.approx((100.0 + 100 / 3) / 2)


def test_completion_needs_the_post_test_pass_mark_when_the_session_has_one(session, coordinator):
    _pre, post = knowledge_tests(session, pass_mark=60)
    passed, failed, untested = (participant(session, f"c{n}@example.org") for n in range(3))
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={passed.pk, failed.pk, untested.pk}, recorded_by=coordinator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: TODAY)
        take(session, passed, post, right=("knowledge",))  # 2 of 3 points: 67 %
        take(session, failed, post, right=("knowledge_multi",))  # 1 of 3: 33 %

    completed = {completion.application.pk: completion.completed for completion in completions(session)}

    assert completed == {passed.pk: True, failed.pk: False, untested.pk: False}


def test_without_a_post_test_attendance_alone_decides(session, coordinator):
    application = participant(session, "n@example.org")
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={application.pk}, recorded_by=coordinator)

    assert [completion.completed for completion in completions(session)] == [True]


@pytest.mark.parametrize("count", [3, 30])
def test_completions_take_the_same_queries_for_3_and_30_participants(session, coordinator, django_assert_num_queries, count):
    _pre, post = knowledge_tests(session, pass_mark=60)
    applications = [participant(session, f"q{n}@example.org") for n in range(count)]
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={a.pk for a in applications}, recorded_by=coordinator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: TODAY)
        take(session, applications[0], post, right=("knowledge", "knowledge_multi"))

    # a fixed number of queries (attendance, participants, the post-test and its answers), whatever the number of participants
    with django_assert_num_queries(5):
        rows = completions(session)

    assert [row.completed for row in rows].count(True) == 1


def test_the_applications_page_tells_what_completing_now_would_issue(client, session, coordinator):
    from curriculum import certificates
    from curriculum.models import Certificate, CertificateKind

    _pre, post = knowledge_tests(session, pass_mark=60)
    passed, pending, once, _never = (participant(session, f"f{n}@example.org") for n in range(4))
    pending.trainee.first_name, pending.trainee.last_name = "Nərgiz", "Əliyeva"
    pending.trainee.save()
    first_day, *other_days = session.days()
    attendance_record(session=session, day=first_day, present_ids={passed.pk, pending.pk, once.pk}, recorded_by=coordinator)
    for day in other_days:
        attendance_record(session=session, day=day, present_ids={passed.pk, pending.pk}, recorded_by=coordinator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: TODAY)
        take(session, passed, post, right=("knowledge",))  # 67 %
        take(session, pending, post, right=("knowledge_multi",))  # 33 %
    client.force_login(coordinator)

    page = client.get(f"/admin/sessions/{session.pk}/applications/", headers={"accept-language": "en"})

    forecast = page.context["forecast"]
    assert (forecast.completion, forecast.participation, forecast.without) == (1, 2, 1)
    assert forecast.post_test_pending == [pending.trainee]
    html = page.content.decode()
    assert "<dt>Completion certificates</dt><dd>1</dd>" in html and "<dt>Participation certificates</dt><dd>2</dd>" in html
    assert "have not passed the post-test (yet)" in html and "<li>Nərgiz Əliyeva</li>" in html
    # and completing issues exactly that
    session.status = SessionStatus.COMPLETED
    session.save(update_fields=["status"])
    assert certificates.certificates_issue_for_session(session) == 3
    kinds = dict(Certificate.objects.values_list("application_id", "kind"))
    assert kinds == {
        passed.pk: CertificateKind.COMPLETION,
        pending.pk: CertificateKind.PARTICIPATION,
        once.pk: CertificateKind.PARTICIPATION,
    }


def test_the_assessments_app_registers_its_post_test_check_at_start():
    assert completion._registered == [services.post_test_passes]


def test_without_a_registered_check_no_participant_of_a_session_with_a_post_test_completes(session, coordinator, monkeypatch, caplog):
    _pre, post = knowledge_tests(session, pass_mark=60)
    passed = participant(session, "closed@example.org")
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={passed.pk}, recorded_by=coordinator)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: TODAY)
        take(session, passed, post, right=("knowledge", "knowledge_multi"))  # 3 of 3 points
    assert [c.completed for c in completions(session)] == [True]
    monkeypatch.setattr(completion, "_registered", [])
    monkeypatch.setattr(completion, "_missing_logged", [])

    with caplog.at_level(logging.ERROR, logger="curriculum.completion"):
        first, second = completions(session), completions(session)

    assert [(c.attended_enough, c.post_test_passed, c.completed) for c in first + second] == [(True, False, False)] * 2
    assert [record.levelno for record in caplog.records] == [logging.ERROR]
    assert "No post-test check is registered" in caplog.records[0].getMessage()


def test_without_a_registered_check_a_session_without_a_post_test_still_completes_on_attendance(session, coordinator, monkeypatch, caplog):
    application = participant(session, "open@example.org")
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={application.pk}, recorded_by=coordinator)
    monkeypatch.setattr(completion, "_registered", [])
    monkeypatch.setattr(completion, "_missing_logged", [])

    with caplog.at_level(logging.ERROR, logger="curriculum.completion"):
        result = completions(session)

    assert [c.completed for c in result] == [True]
    assert caplog.records == []
