"""Survey answers are rate limited: a respondent saving and correcting, or a whole classroom answering from one
address, never meets the limit; a flood on one link, or from one address, is refused with a translated 429 that stores nothing."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import Purpose, Respondent, Response
from curriculum.models import ApplicationStatus, SessionApplication
from tests.factories.assessments import RespondentFactory, sample_instrument
from tests.factories.curriculum import TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

POSTS_PER_RESPONDENT = 10  # ACCOUNT_RATE_LIMITS["survey_submit"]: 10 a minute for one respondent
POSTS_PER_ADDRESS = 60  # and 60 a minute from one address


@pytest.fixture
def respondent(site):
    instrument = sample_instrument(required=False)
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)
    return respondent


def link(respondent: Respondent, language: str = "ru") -> str:
    return f"/{language}/surveys/link/{respondent.token}/"


def field(respondent_or_instrument, code: str) -> str:
    instrument = getattr(respondent_or_instrument, "instrument", respondent_or_instrument)
    return instrument.questions.get(code=code).field_name


def test_a_respondent_who_saves_a_few_times_and_corrects_a_mistake_is_never_refused(client, respondent):
    for answer in ("a", "b", "c"):
        assert client.post(link(respondent), {"action": "save", field(respondent, "single"): answer}).status_code == 302
    assert client.post(link(respondent), {"action": "submit", field(respondent, "number"): "много"}).status_code == 400

    response = client.post(link(respondent), {"action": "submit", field(respondent, "single"): "a"})

    assert response.status_code == 302
    assert Response.objects.count() == 1


def test_the_eleventh_post_on_one_link_within_a_minute_is_refused_in_russian_and_stores_nothing(client, respondent):
    for _save in range(POSTS_PER_RESPONDENT):
        client.post(link(respondent), {"action": "save", field(respondent, "single"): "b"})

    response = client.post(link(respondent), {"action": "submit", field(respondent, "single"): "a"})

    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "Слишком много запросов" in page
    assert Response.objects.count() == 0
    assert Respondent.objects.get(pk=respondent.pk).submitted_at is None


def test_posts_from_one_address_beyond_sixty_a_minute_are_refused_even_on_a_fresh_link(client, respondent):
    for attempt in range(POSTS_PER_ADDRESS):
        # guessing links: each is a 404, and each counts
        assert client.post(f"/az/surveys/link/guess-{attempt}/", {"action": "submit"}).status_code == 404

    response = client.post(link(respondent, "az"), {"action": "submit", field(respondent, "single"): "a"})

    assert response.status_code == 429
    assert '<html lang="az">' in response.content.decode()
    assert Response.objects.count() == 0
    # the organisation itself, from its own address, answers
    assert (
        Client(REMOTE_ADDR="198.51.100.23").post(link(respondent), {"action": "submit", field(respondent, "single"): "a"}).status_code
        == 302
    )


def test_a_classroom_of_twenty_five_answering_the_evaluation_from_one_address_is_never_refused(module):
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=3),
        end_date=today,
        application_deadline=today - datetime.timedelta(days=5),
    )
    instrument = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    url = f"/en/surveys/sessions/{session.pk}/session_evaluation/"
    statuses = []
    for number in range(25):
        trainee = UserFactory(role="trainee", email=f"participant{number}@example.org")
        SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="-")
        participant = Client()  # the training room's Wi-Fi: every participant comes from 127.0.0.1
        participant.force_login(trainee)
        statuses.append(participant.post(url, {"action": "save", field(instrument, "single"): "b"}).status_code)
        statuses.append(participant.post(url, {"action": "submit", field(instrument, "single"): "c"}).status_code)

    assert statuses == [302] * 50
    assert Response.objects.filter(session=session).count() == 25


def test_a_participant_posting_the_evaluation_beyond_ten_times_a_minute_is_refused(client, module, trainee):
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=3),
        end_date=today,
        application_deadline=today - datetime.timedelta(days=5),
    )
    SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="-")
    instrument = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    url = f"/en/surveys/sessions/{session.pk}/session_evaluation/"
    client.force_login(trainee)
    for _save in range(POSTS_PER_RESPONDENT):
        client.post(url, {"action": "save", field(instrument, "single"): "b"})

    response = client.post(url, {"action": "submit", field(instrument, "single"): "c"})

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert Response.objects.count() == 0
