"""Needs-assessment rounds in the admin: respondents, personal links by e-mail, reminders, response rates."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Respondent, RoundStatus
from people.models import Country, OutboundEmail, StakeholderCategory
from tests.factories.assessments import RespondentFactory, RoundFactory, sample_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(site):
    survey_round = RoundFactory(status=RoundStatus.DRAFT)
    survey_round.countries.set(Country.objects.filter(iso_code__in=["AZ", "GE", "MD"]))
    instrument = sample_instrument(code="na-test")
    survey_round.instruments.add(instrument)
    return survey_round


def page(survey_round) -> str:
    return reverse("assessments_round_respondents", args=[survey_round.pk])


def test_a_coordinator_adds_a_respondent_and_opening_the_round_mails_the_link_in_their_language(
    client, coordinator, survey_round, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    instrument = survey_round.instruments.get()
    response = client.post(
        page(survey_round),
        {
            "one-instrument": instrument.pk,
            "one-organisation_name": "Dövlət Miqrasiya Xidməti",
            "one-email": "dmx@example.org",
            "one-country": Country.objects.get(iso_code="AZ").pk,
            "one-category": StakeholderCategory.objects.get(code="government").pk,
            "one-language": "ru",
        },
    )
    assert response.status_code == 302
    assert OutboundEmail.objects.count() == 0  # the round is not open yet

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments_round_status", args=[survey_round.pk, "open"]))

    email = OutboundEmail.objects.get(to="dmx@example.org")
    respondent = Respondent.objects.get()
    assert [message.to for message in mail.outbox] == [["dmx@example.org"]]
    assert f"/ru/surveys/link/{respondent.token}/" in mail.outbox[0].body
    assert respondent.token not in email.body_text  # the e-mail log keeps the redacted copy only
    assert email.kind == OutboundEmail.Kind.QUESTIONNAIRE_INVITATION
    assert email.language == "ru"
    client.post(reverse("assessments_round_status", args=[survey_round.pk, "close"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments_round_status", args=[survey_round.pk, "open"]))
    assert OutboundEmail.objects.filter(to="dmx@example.org").count() == 1  # never twice


def test_a_respondent_from_a_country_outside_the_round_is_refused(client, coordinator, survey_round):
    client.force_login(coordinator)
    response = client.post(
        page(survey_round),
        {
            "one-instrument": survey_round.instruments.get().pk,
            "one-organisation_name": "X",
            "one-email": "x@example.org",
            "one-country": Country.objects.get(iso_code="UZ").pk,
            "one-category": StakeholderCategory.objects.get(code="government").pk,
            "one-language": "az",
        },
    )
    assert response.status_code == 400
    assert Respondent.objects.count() == 0


def test_pasted_respondents_are_added_all_or_none(client, coordinator, survey_round):
    client.force_login(coordinator)
    good = "Agency A; a@example.org; AZ; government; az; na-test\nNGO B; b@example.org; GE; cso; ru; na-test"

    bad = client.post(page(survey_round), {"many-lines": good + "\nMedia C; not-an-address; XX; media; de; nope"})
    assert bad.status_code == 400
    assert "3" in bad.content.decode() and Respondent.objects.count() == 0

    ok = client.post(page(survey_round), {"many-lines": good})
    assert ok.status_code == 302
    assert Respondent.objects.count() == 2

    duplicate = client.post(page(survey_round), {"many-lines": good})
    assert duplicate.status_code == 400 and Respondent.objects.count() == 2


def test_response_rates_count_per_country_and_category(client, coordinator, survey_round):
    instrument = survey_round.instruments.get()
    az, gov = Country.objects.get(iso_code="AZ"), StakeholderCategory.objects.get(code="government")
    for n in range(4):
        RespondentFactory(
            round=survey_round, instrument=instrument, country=az, category=gov, submitted_at=timezone.now() if n < 3 else None
        )
    client.force_login(coordinator)

    body = client.get(page(survey_round)).content.decode()

    assert "<td>4</td><td>3</td><td>0</td><td>75 %</td>" in body


def test_reminders_go_out_seven_and_two_days_before_the_deadline_once_each(survey_round):
    survey_round.status = RoundStatus.OPEN
    survey_round.deadline = timezone.localdate() + datetime.timedelta(days=7)
    survey_round.save()
    instrument = survey_round.instruments.get()
    waiting = RespondentFactory(round=survey_round, instrument=instrument, email="late@example.org")
    RespondentFactory(round=survey_round, instrument=instrument, email="done@example.org", submitted_at=timezone.now())

    assert services.round_reminders_send() == 1
    assert services.round_reminders_send() == 0
    assert services.round_reminders_send(today=timezone.localdate() + datetime.timedelta(days=5)) == 1
    assert list(OutboundEmail.objects.values_list("to", flat=True)) == [waiting.email, waiting.email]


def test_a_trainee_cannot_see_the_rounds(client, trainee, survey_round):
    client.force_login(trainee)
    assert client.get(page(survey_round)).status_code in (302, 403)
