"""Trainees apply, coordinators decide within seats and quotas, the waitlist fills freed seats, e-mails go once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from curriculum import enrolment
from curriculum.models import ApplicationNotice, ApplicationStatus, SessionApplication, SessionQuota, SessionStatus
from people.models import Country, OutboundEmail
from tests.factories.curriculum import TrainingSessionFactory

APPLY = {"motivation": "I lead a unit on labour migration.", "organisation_confirmed": "on", "position_confirmed": "on"}


def apply(session, trainee):
    return enrolment.session_apply(
        session=session, trainee=trainee, motivation="I work on this.", organisation_confirmed=True, position_confirmed=True
    )


def test_a_trainee_applies_through_the_session_page_and_is_told_by_email(client, session, make_trainee, django_capture_on_commit_callbacks):
    trainee = make_trainee(language="ru")
    client.force_login(trainee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/sessions/{session.pk}/apply/", APPLY)

    assert response.status_code == 302
    application = SessionApplication.objects.get()
    assert (application.trainee, application.status, application.country.iso_code, application.category.code) == (
        trainee,
        ApplicationStatus.SUBMITTED,
        "AZ",
        "government",
    )
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    assert mail.outbox[0].subject.startswith("Мы получили вашу заявку")


def test_an_application_sent_signed_out_comes_back_after_signing_in_to_the_session_page_not_an_error(client, session, make_trainee):
    from tests.conftest import PASSWORD

    trainee = make_trainee()

    sent = client.post(f"/en/sessions/{session.pk}/apply/", APPLY)
    assert sent.status_code == 302 and sent["Location"] == f"/en/accounts/login/?next=/en/sessions/{session.pk}/apply/"
    signed_in = client.post(sent["Location"], {"login": trainee.email, "password": PASSWORD}, follow=True)

    assert [url for url, _status in signed_in.redirect_chain] == [f"/en/sessions/{session.pk}/apply/", f"/en/sessions/{session.pk}/"]
    assert signed_in.status_code == 200
    assert b'action="/en/sessions/%d/apply/"' % session.pk in signed_in.content  # the form, to send again
    assert not SessionApplication.objects.exists()


def test_applying_twice_is_refused_with_a_message_and_keeps_one_application(client, session, make_trainee):
    trainee = make_trainee()
    client.force_login(trainee)
    client.post(f"/en/sessions/{session.pk}/apply/", APPLY)

    response = client.post(f"/en/sessions/{session.pk}/apply/", APPLY)

    assert response.status_code == 409
    assert "You have already applied to this session." in response.content.decode()
    assert SessionApplication.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"motivation": "", "organisation_confirmed": "on", "position_confirmed": "on"},
        {"motivation": "Yes", "position_confirmed": "on"},
        {"motivation": "x" * 2001, "organisation_confirmed": "on", "position_confirmed": "on"},
    ],
)
def test_an_incomplete_application_is_shown_again_with_errors_and_saves_nothing(client, session, make_trainee, data):
    client.force_login(make_trainee())

    response = client.post(f"/en/sessions/{session.pk}/apply/", data)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not SessionApplication.objects.exists()


@pytest.mark.parametrize("status", [SessionStatus.CLOSED, SessionStatus.CANCELLED, SessionStatus.COMPLETED])
def test_a_session_that_is_not_open_takes_no_application(client, module, make_trainee, status):
    session = TrainingSessionFactory(module=module, status=status)
    client.force_login(make_trainee())

    response = client.post(f"/en/sessions/{session.pk}/apply/", APPLY)

    assert response.status_code == 400
    assert not SessionApplication.objects.exists()


def test_after_the_deadline_no_application_is_taken(module, make_trainee):
    session = TrainingSessionFactory(module=module, application_deadline=timezone.localdate() - datetime.timedelta(days=1))

    with pytest.raises(ValidationError):
        apply(session, make_trainee())


def test_a_draft_session_is_not_shown(client, module):
    session = TrainingSessionFactory(module=module, status=SessionStatus.DRAFT)

    assert client.get(f"/en/sessions/{session.pk}/").status_code == 404


def test_approving_beyond_the_seats_puts_the_application_on_the_waitlist(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module, capacity=2)
    applications = [apply(session, make_trainee()) for _ in range(3)]

    outcomes = [enrolment.application_decide(application=a, decision="approved", decided_by=coordinator) for a in applications]

    assert [o.status for o in outcomes] == ["approved", "approved", "waitlisted"]
    from django.utils.translation import gettext

    assert outcomes[2].note == gettext("the session is full")  # in the active language
    assert session.applications.filter(status="approved").count() == 2


def test_a_country_quota_keeps_seats_for_others(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module, capacity=5)
    SessionQuota.objects.create(session=session, country=Country.objects.get(iso_code="AZ"), max_seats=1)
    first, second = apply(session, make_trainee("AZ")), apply(session, make_trainee("AZ"))
    georgian = apply(session, make_trainee("GE"))

    statuses = [
        enrolment.application_decide(application=a, decision="approved", decided_by=coordinator).status for a in (first, second, georgian)
    ]

    assert statuses == ["approved", "waitlisted", "approved"]


def test_a_freed_seat_goes_to_the_first_waitlisted_who_fits_the_quotas(
    module, make_trainee, coordinator, django_capture_on_commit_callbacks
):
    session = TrainingSessionFactory(module=module, capacity=2)
    SessionQuota.objects.create(session=session, country=Country.objects.get(iso_code="AZ"), max_seats=1)
    azerbaijani = apply(session, make_trainee("AZ"))
    georgian = apply(session, make_trainee("GE"))
    second_azerbaijani = apply(session, make_trainee("AZ"))
    kazakh = apply(session, make_trainee("KZ", language="ru"))
    for application in (azerbaijani, georgian, second_azerbaijani, kazakh):
        enrolment.application_decide(application=application, decision="approved", decided_by=coordinator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment.application_withdraw(application=georgian, trainee=georgian.trainee)

    statuses = dict(SessionApplication.objects.values_list("trainee__email", "status"))
    assert statuses[georgian.trainee.email] == "withdrawn"
    assert statuses[second_azerbaijani.trainee.email] == "waitlisted"  # first in line, but Azerbaijan's quota is used
    assert statuses[kazakh.trainee.email] == "approved"
    assert [m.to for m in mail.outbox] == [[kazakh.trainee.email]]
    assert ApplicationNotice.objects.filter(application=kazakh, kind="promoted").exists()


def test_nobody_is_promoted_once_the_session_has_started(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module, capacity=1)
    holder, waiting = apply(session, make_trainee()), apply(session, make_trainee())
    enrolment.application_decide(application=holder, decision="approved", decided_by=coordinator)
    enrolment.application_decide(application=waiting, decision="approved", decided_by=coordinator)
    type(session).objects.filter(pk=session.pk).update(
        start_date=timezone.localdate(),
        application_deadline=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=1),
    )

    enrolment.application_withdraw(application=holder, trainee=holder.trainee)

    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.WAITLISTED


def test_rejecting_an_approved_trainee_frees_the_seat_for_the_waitlist(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module, capacity=1)
    holder, waiting = apply(session, make_trainee()), apply(session, make_trainee())
    enrolment.application_decide(application=holder, decision="approved", decided_by=coordinator)
    enrolment.application_decide(application=waiting, decision="approved", decided_by=coordinator)

    enrolment.application_decide(application=holder, decision="rejected", decided_by=coordinator)

    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.APPROVED


def test_a_withdrawn_application_cannot_be_decided_or_withdrawn_again(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module)
    application = apply(session, make_trainee())
    enrolment.application_withdraw(application=application, trainee=application.trainee)

    with pytest.raises(ValidationError):
        enrolment.application_decide(application=application, decision="approved", decided_by=coordinator)
    with pytest.raises(ValidationError):
        enrolment.application_withdraw(application=application, trainee=application.trainee)


def test_each_email_goes_once_even_when_the_notice_is_asked_for_again(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module)
    application = apply(session, make_trainee())

    assert enrolment.notify(application, "received") is False
    assert OutboundEmail.objects.filter(to=application.trainee.email).count() == 1


def test_reminders_go_to_approved_participants_of_sessions_starting_soon_once(module, make_trainee, coordinator):
    soon = TrainingSessionFactory(
        module=module,
        start_date=timezone.localdate() + datetime.timedelta(days=2),
        application_deadline=timezone.localdate(),
    )
    later = TrainingSessionFactory(module=module)
    approved, submitted, far = apply(soon, make_trainee()), apply(soon, make_trainee()), apply(later, make_trainee())
    for application in (approved, far):
        enrolment.application_decide(application=application, decision="approved", decided_by=coordinator)

    first_run, second_run = enrolment.reminders_send(days_before=3), enrolment.reminders_send(days_before=3)

    assert (first_run, second_run) == (1, 0)
    assert list(ApplicationNotice.objects.filter(kind="reminder").values_list("application", flat=True)) == [approved.pk]
    assert submitted.pk != approved.pk


def test_cancelling_a_session_tells_every_applicant_in_play(module, make_trainee, coordinator):
    session = TrainingSessionFactory(module=module)
    applications = [apply(session, make_trainee()) for _ in range(3)]
    enrolment.application_withdraw(application=applications[2], trainee=applications[2].trainee)

    told = enrolment.session_cancel(session=session)

    session.refresh_from_db()
    assert (session.status, told) == (SessionStatus.CANCELLED, 2)


def test_a_trainee_withdraws_from_my_learning_and_nobody_else_can(client, session, make_trainee):
    application = apply(session, make_trainee())
    other = make_trainee()
    client.force_login(other)

    assert client.post(f"/en/applications/{application.pk}/withdraw/").status_code == 404
    assert client.get(f"/en/applications/{application.pk}/withdraw/").status_code == 404
    client.force_login(application.trainee)

    # My learning links to a page that asks first; only its post withdraws
    learning = client.get("/en/learning/").content.decode()
    assert f'href="/en/applications/{application.pk}/withdraw/"' in learning
    asked = client.get(f"/en/applications/{application.pk}/withdraw/")
    assert asked.status_code == 200
    assert "Withdraw your application to “Labour migration governance”" in asked.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    assert client.post(f"/en/applications/{application.pk}/withdraw/").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    # once withdrawn, the page has nothing to ask: back to My learning
    assert client.get(f"/en/applications/{application.pk}/withdraw/")["Location"] == "/en/learning/"


def test_the_module_page_and_my_learning_show_the_session(client, session, make_trainee):
    trainee = make_trainee()
    apply(session, trainee)
    client.force_login(trainee)

    module_page = client.get(session.module.url)
    learning = client.get("/en/learning/")

    assert [s.pk for s in module_page.context["sessions"]] == [session.pk]
    assert [a.session_id for a in learning.context["applications"]] == [session.pk]


def test_an_approved_participant_may_take_the_modules_lessons(session, make_trainee, coordinator):
    from curriculum import selectors

    trainee = make_trainee()
    application = apply(session, trainee)
    assert not selectors.can_take_module(user=trainee, module=session.module)

    enrolment.application_decide(application=application, decision="approved", decided_by=coordinator)

    assert selectors.can_take_module(user=trainee, module=session.module)


def test_a_coordinator_decides_in_bulk_and_sees_the_balance(client, session, make_trainee, coordinator):
    applications = [apply(session, make_trainee(gender=g)) for g in ("female", "male", "female")]
    client.force_login(coordinator)

    response = client.post(
        f"/admin/sessions/{session.pk}/applications/", {"decision": "approved", "applications": [a.pk for a in applications[:2]]}
    )
    page = client.get(f"/admin/sessions/{session.pk}/applications/")

    assert response.status_code == 302
    assert session.applications.filter(status="approved").count() == 2
    balance = page.context["balance"]
    assert (balance["confirmed"], balance["women"], balance["men"], balance["free"]) == (2, 1, 1, 8)


def test_a_bulk_decision_without_a_ticked_application_is_refused(client, session, coordinator):
    client.force_login(coordinator)

    response = client.post(f"/admin/sessions/{session.pk}/applications/", {"decision": "approved"})

    assert response.status_code == 400


def test_the_demo_sessions_load_twice_without_duplicates(site):
    from curriculum import demo
    from curriculum.models import TrainingSession

    demo.load()
    first = demo.load_sessions()
    second = demo.load_sessions()

    assert first == second == {"sessions": len(demo.DEMO_SESSIONS)}
    assert set(TrainingSession.objects.values_list("module__code", flat=True)) == {code for code, *_rest in demo.DEMO_SESSIONS}
