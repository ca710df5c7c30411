"""Answering through a personal link and as a session participant: the pages, their statuses and messages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Purpose, Respondent, Response
from curriculum.models import ApplicationStatus, SessionApplication
from tests.factories.assessments import RespondentFactory, sample_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def respondent(site):
    instrument = sample_instrument(required=False)
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)
    return respondent


def link(respondent, language: str = "ru") -> str:
    return f"/{language}/surveys/link/{respondent.token}/"


def name(respondent, code: str) -> str:
    return respondent.instrument.questions.get(code=code).field_name


def test_the_link_shows_the_questionnaire_in_russian_without_an_account(client, respondent):
    response = client.get(link(respondent))

    assert response.status_code == 200
    body = response.content.decode()
    assert respondent.instrument.title_ru in body
    assert "Вопрос" in body  # question texts in Russian
    assert 'name="action" value="save"' in body


def test_an_unknown_link_is_not_found(client, respondent):
    assert client.get("/ru/surveys/link/not-a-token/").status_code == 404


def test_saving_then_resuming_shows_the_saved_answer(client, respondent):
    response = client.post(link(respondent), {"action": "save", name(respondent, "single"): "b"})

    assert response.status_code == 302
    page = client.get(link(respondent)).content.decode()
    assert f'value="b" id="{name(respondent, "single")}-b" checked' in page


def test_submitting_stores_the_response_and_the_link_is_then_used(client, respondent):
    response = client.post(link(respondent), {"action": "submit", name(respondent, "single"): "a"})

    assert response.status_code == 302 and response["Location"].endswith(reverse("survey_thanks"))
    assert Response.objects.count() == 1
    again = client.post(link(respondent), {"action": "submit", name(respondent, "single"): "a"})
    assert again.status_code == 409
    assert "уже" in again.content.decode()  # "already answered", in Russian
    assert Response.objects.count() == 1


def test_a_wrong_value_answers_400_with_the_message_next_to_the_question_and_stores_nothing(client, respondent):
    response = client.post(link(respondent), {"action": "submit", name(respondent, "number"): "много"})

    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body and f'href="#{name(respondent, "number")}"' in body
    assert Response.objects.count() == 0
    assert Respondent.objects.get(pk=respondent.pk).submitted_at is None


def test_a_past_deadline_closes_the_link(client, respondent):
    respondent.round.deadline = timezone.localdate() - datetime.timedelta(days=1)
    respondent.round.save()

    response = client.get(link(respondent, "az"))

    assert response.status_code == 403


def test_an_unknown_action_is_a_clear_400(client, respondent):
    response = client.post(link(respondent), {"action": "delete-everything"})

    assert response.status_code == 400


@pytest.fixture
def ended_session(module, trainee):
    from tests.factories.curriculum import TrainingSessionFactory

    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=3),
        end_date=today,
        application_deadline=today - datetime.timedelta(days=5),
    )
    SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="x")
    sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, is_default=True, required=False)
    return session


def test_a_participant_answers_the_evaluation_of_an_ended_session_anonymously(client, trainee, ended_session):
    client.force_login(trainee)
    url = reverse("session_survey", kwargs={"session_id": ended_session.pk, "purpose": "session_evaluation"})

    assert client.get(url).status_code == 200
    instrument = ended_session_instrument()
    assert client.post(url, {"action": "submit", instrument.questions.get(code="single").field_name: "c"}).status_code == 302

    response = Response.objects.get()
    assert response.session == ended_session and response.respondent is None
    assert client.get(url).status_code == 409


def ended_session_instrument():
    from assessments.models import Instrument

    return Instrument.objects.get(purpose=Purpose.SESSION_EVALUATION, is_default=True)


def test_someone_not_in_the_session_gets_404(client, ended_session, trainer):
    client.force_login(trainer)
    url = reverse("session_survey", kwargs={"session_id": ended_session.pk, "purpose": "session_evaluation"})

    assert client.get(url).status_code == 404


def test_the_evaluation_is_not_open_before_the_last_day(client, trainee, ended_session):
    ended_session.end_date = timezone.localdate() + datetime.timedelta(days=2)
    ended_session.save()
    client.force_login(trainee)

    response = client.get(reverse("session_survey", kwargs={"session_id": ended_session.pk, "purpose": "session_evaluation"}))

    assert response.status_code == 403
