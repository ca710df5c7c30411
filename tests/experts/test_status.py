"""Coordinators vet, pause and withdraw experts with a reason; each decision is logged and e-mailed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from experts import services
from experts.models import ExpertProfile, ExpertStatus, StatusChange
from people.models import OutboundEmail
from tests.factories.experts import ExpertProfileFactory


@pytest.fixture
def applicant(reference_data):
    expert = ExpertProfileFactory(status=ExpertStatus.APPLIED, user__email="applicant@example.org", user__preferred_language="ru")
    return expert


def test_vetting_logs_the_change_and_emails_the_expert_in_their_language(applicant, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        change = services.expert_set_status(expert=applicant, status="vetted", reason="References checked.", changed_by=coordinator)

    applicant.refresh_from_db()
    assert applicant.status == ExpertStatus.VETTED
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        "applied",
        "vetted",
        coordinator,
        "References checked.",
    )
    assert [message.to for message in mail.outbox] == [["applicant@example.org"]]
    assert "References checked." in mail.outbox[0].body
    assert OutboundEmail.objects.get().language == "ru"
    assert mail.outbox[0].subject == "Реестр экспертов RTCM: ваш статус теперь «Проверен»"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_status_change_without_a_reason_is_refused_and_changes_nothing(applicant, coordinator, reason):
    with pytest.raises(ValidationError):
        services.expert_set_status(expert=applicant, status="vetted", reason=reason, changed_by=coordinator)

    assert ExpertProfile.objects.get().status == ExpertStatus.APPLIED
    assert StatusChange.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_setting_the_status_an_expert_already_has_is_refused(applicant, coordinator):
    with pytest.raises(ValidationError):
        services.expert_set_status(expert=applicant, status="applied", reason="No change.", changed_by=coordinator)

    assert StatusChange.objects.count() == 0


def test_a_coordinator_pauses_an_expert_through_the_admin_form(applicant, coordinator, client, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/roster/status/{applicant.pk}/", {"status": "paused", "reason": "On mission until June."})

    assert response.status_code == 302
    assert ExpertProfile.objects.get().status == ExpertStatus.PAUSED
    assert StatusChange.objects.get().changed_by == coordinator
    assert len(mail.outbox) == 1


def test_the_admin_form_without_a_reason_shows_the_error_and_changes_nothing(applicant, coordinator, client):
    client.force_login(coordinator)

    response = client.post(f"/admin/roster/status/{applicant.pk}/", {"status": "withdrawn", "reason": ""})

    assert response.status_code == 200
    assert "Bu qərarın səbəbini göstərin." in response.content.decode()  # the admin speaks Azerbaijani by default
    assert ExpertProfile.objects.get().status == ExpertStatus.APPLIED
    assert StatusChange.objects.count() == 0


def test_a_trainer_cannot_change_an_experts_status(applicant, trainer, client):
    client.force_login(trainer)

    response = client.post(f"/admin/roster/status/{applicant.pk}/", {"status": "vetted", "reason": "Looks good."})

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert ExpertProfile.objects.get().status == ExpertStatus.APPLIED
