"""Coordinators create and edit sessions in the admin; bad input is explained on the form, nothing is saved."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from curriculum import enrolment
from curriculum.models import SessionQuota, TrainingSession
from people.models import Country, Language


def form_data(module, **changes):
    start = timezone.localdate() + datetime.timedelta(days=30)
    data = {
        "module": module.pk,
        "language": Language.objects.get(code="ru").pk,
        "status": "open",
        "start_date": start.isoformat(),
        "end_date": (start + datetime.timedelta(days=2)).isoformat(),
        "application_deadline": (start - datetime.timedelta(days=7)).isoformat(),
        "daily_schedule": "09:30–17:00",
        "venue_city": "Bakı",
        "venue_country": Country.objects.get(iso_code="AZ").pk,
        "online_url": "",
        "capacity": "12",
        "completion_attendance_percent": "80",
        "women_target_percent": "50",
        "quotas": inline_formset([{"country": Country.objects.get(iso_code="AZ").pk, "category": "", "max_seats": "4"}]),
        "surveys": inline_formset([]),
        "trainers": [],
    }
    data.update(changes)
    return nested_form_data(data)


def test_a_coordinator_creates_a_session_with_a_quota(client, coordinator, module):
    client.force_login(coordinator)

    response = client.post("/admin/sessions/new/", form_data(module))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    session = TrainingSession.objects.get()
    assert (session.capacity, session.venue_city) == (12, "Bakı")
    assert list(SessionQuota.objects.values_list("country__iso_code", "max_seats")) == [("AZ", 4)]


def test_a_module_chosen_in_another_language_is_kept_as_its_original(client, coordinator, module):
    import uuid

    from wagtail.models import Locale

    russian = module.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    client.force_login(coordinator)

    response = client.post("/admin/sessions/new/", form_data(russian))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert TrainingSession.objects.get().module_id == module.pk

    # a page with no original in the default language is refused with a message, and nothing is saved
    type(russian).objects.filter(pk=russian.pk).update(translation_key=uuid.uuid4())
    refused = client.post("/admin/sessions/new/", form_data(russian), headers={"accept-language": "en"})
    assert refused.status_code == 200
    assert any("no page in the site's default language" in message for message in refused.context["form"].errors["module"])
    assert TrainingSession.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"application_deadline": "2099-01-01"}, "application_deadline"),
        ({"venue_city": "", "online_url": ""}, "venue_city"),
        ({"venue_country": ""}, "venue_country"),
        ({"capacity": "0"}, "capacity"),
        ({"status": "cancelled"}, "status"),
    ],
)
def test_bad_session_input_is_explained_on_the_form_and_saves_nothing(client, coordinator, module, changes, field):
    client.force_login(coordinator)

    response = client.post("/admin/sessions/new/", form_data(module, **changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TrainingSession.objects.exists()


def test_seats_cannot_go_below_the_confirmed_participants(client, coordinator, session, make_trainee):
    for _ in range(3):
        application = enrolment.session_apply(
            session=session, trainee=make_trainee(), motivation="x", organisation_confirmed=True, position_confirmed=True
        )
        enrolment.application_decide(application=application, decision="approved", decided_by=coordinator)
    client.force_login(coordinator)

    response = client.post(
        f"/admin/sessions/edit/{session.pk}/",
        form_data(
            session.module,
            capacity="2",
            start_date=session.start_date.isoformat(),
            end_date=session.end_date.isoformat(),
            application_deadline=session.application_deadline.isoformat(),
            quotas=inline_formset([]),
        ),
    )

    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors
    session.refresh_from_db()
    assert session.capacity == 10


def test_a_trainer_cannot_create_a_session(client, trainer, module):
    client.force_login(trainer)

    client.post("/admin/sessions/new/", form_data(module))

    assert not TrainingSession.objects.exists()


def test_a_coordinator_starts_a_session_once_its_first_day_has_come(client, coordinator, module):
    from tests.factories.curriculum import TrainingSessionFactory

    today = timezone.localdate()
    started = TrainingSessionFactory(module=module, start_date=today, end_date=today, application_deadline=today)
    later = TrainingSessionFactory(module=module)
    client.force_login(coordinator)

    client.post(f"/admin/sessions/{started.pk}/applications/", {"action": "start"})
    client.post(f"/admin/sessions/{later.pk}/applications/", {"action": "start"})

    started.refresh_from_db()
    later.refresh_from_db()
    assert (started.status, later.status) == ("in_progress", "open")


def test_the_applications_page_lists_the_messages_sent_about_the_session(
    client, coordinator, session, make_trainee, django_capture_on_commit_callbacks
):
    trainee = make_trainee(email="leyla@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        enrolment.session_apply(session=session, trainee=trainee, motivation="m", organisation_confirmed=True, position_confirmed=True)
    client.force_login(coordinator)

    body = client.get(f"/admin/sessions/{session.pk}/applications/").content.decode()

    rows = body.split('aria-labelledby="messages-sent"')[1].split("</table>")[0]
    assert str(trainee) in rows and rows.count("<tr>") == 2  # the header and the "received" e-mail


def test_the_applications_page_names_the_module_in_the_admin_s_language(client, coordinator, module):
    from wagtail.models import Locale

    from tests.factories.curriculum import TrainingSessionFactory

    russian = module.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = "Управление трудовой миграцией"
    russian.save_revision().publish()
    session = TrainingSessionFactory(module=module)
    client.force_login(coordinator)

    in_russian = client.get(f"/admin/sessions/{session.pk}/applications/", headers={"accept-language": "ru"}).content.decode()
    in_english = client.get(f"/admin/sessions/{session.pk}/applications/", headers={"accept-language": "en"}).content.decode()

    assert "<strong>Управление трудовой миграцией</strong>" in in_russian
    assert "<strong>Labour migration governance</strong>" in in_english
