"""Who sees survey results: coordinators in the admin, a session's trainers on the site once its evaluation has closed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import ExportJob, Purpose, Respondent
from curriculum.models import SessionStatus, ThematicPart, TrainingSession
from tests.assessments.test_results import FOUR, submit
from tests.factories.assessments import RoundFactory, sample_instrument
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs_assessment(reference_data):
    instrument = sample_instrument(required=False)
    survey_round = RoundFactory()
    for answers in FOUR:
        submit(instrument, survey_round, answers)
    return instrument


def test_a_coordinator_sees_the_list_of_instruments_with_their_response_counts(client, coordinator, needs_assessment):
    client.force_login(coordinator)

    response = client.get(reverse("assessments_results_index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("assessments_results", args=[needs_assessment.pk]) in page
    assert "<td>4</td>" in page


def test_a_coordinator_sees_an_instrument_s_results_with_labelled_filters(client, coordinator, needs_assessment):
    client.force_login(coordinator)

    response = client.get(reverse("assessments_results", args=[needs_assessment.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    single = needs_assessment.questions.get(code="single")
    assert single.text_en in page
    for name in ("round", "country", "category", "gender"):
        assert f'for="id_{name}"' in page
    # every share is printed as text next to its bar, which screen readers skip
    assert "<td>50.0%</td>" in page
    assert 'aria-hidden="true"' in page and 'scope="row"' in page


def test_an_administrator_sees_an_instrument_s_results(client, administrator, needs_assessment):
    client.force_login(administrator)

    assert client.get(reverse("assessments_results", args=[needs_assessment.pk])).status_code == 200


def test_a_filter_narrows_the_results_page(client, coordinator, needs_assessment):
    client.force_login(coordinator)

    response = client.get(reverse("assessments_results", args=[needs_assessment.pk]), {"gender": "male"})

    assert response.status_code == 200
    assert response.context["results"].responses == 0


def test_the_filter_form_of_an_anonymous_survey_says_small_groups_are_hidden(client, coordinator, reference_data):
    instrument = sample_instrument(is_anonymous=True, required=False, min_group_size=3)
    survey_round = RoundFactory()
    for answers in FOUR[:2]:
        submit(instrument, survey_round, answers)
    client.force_login(coordinator)

    page = client.get(reverse("assessments_results", args=[instrument.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "fewer than 3 answers are hidden" in page
    assert "Fewer than 3 answers: results are hidden to protect anonymity." in page
    assert 'id="question-' not in page
    assert reverse("assessments_results_export", args=[instrument.pk]) not in page


@pytest.mark.parametrize("url_name", ["assessments_results_index", "assessments_results"])
def test_a_trainer_is_refused_the_admin_results_pages(client, trainer, needs_assessment, url_name):
    client.force_login(trainer)
    args = [needs_assessment.pk] if url_name == "assessments_results" else []

    response = client.get(reverse(url_name, args=args))

    # Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard and a message
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))


@pytest.mark.parametrize("url_name", ["assessments_results_index", "assessments_results"])
def test_a_trainee_is_sent_away_from_the_admin_results_pages(client, trainee, needs_assessment, url_name):
    client.force_login(trainee)
    args = [needs_assessment.pk] if url_name == "assessments_results" else []

    response = client.get(reverse(url_name, args=args))

    assert response.status_code in (302, 403)
    assert needs_assessment.questions.get(code="single").text_az not in response.content.decode()


def test_a_trainer_cannot_queue_an_export(client, trainer, needs_assessment):
    client.force_login(trainer)

    response = client.post(reverse("assessments_results_export", args=[needs_assessment.pk]), {"format": "csv", "language": "az"})

    assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert not ExportJob.objects.exists()


# --- a session's results for its trainers --------------------------------------------------


@pytest.fixture
def module(site):
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(parent=part, code="M13", title="Labour migration governance")


def ended_session(module, trainer, *, days_ago: int) -> TrainingSession:
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=days_ago + 2),
        end_date=today - datetime.timedelta(days=days_ago),
        application_deadline=today - datetime.timedelta(days=days_ago + 9),
        status=SessionStatus.COMPLETED,
    )
    session.trainers.add(trainer)
    return session


def evaluate(session: TrainingSession, instrument, count: int) -> None:
    """`count` participants answer the session's evaluation while it is open."""
    for n in range(count):
        participant = UserFactory(role="trainee")
        respondent = Respondent.objects.create(
            instrument=instrument, session=session, user=participant, email=participant.email, language="en"
        )
        fields = {question.code: question.field_name for question in instrument.questions.all()}
        services.response_submit(respondent=respondent, data={fields["single"]: ["b" if n % 2 else "a"], fields["likert"]: ["4"]})


@pytest.fixture
def evaluation(reference_data):
    return sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, required=False, min_group_size=3)


def close_evaluation(session: TrainingSession) -> None:
    today = timezone.localdate()
    TrainingSession.objects.filter(pk=session.pk).update(
        start_date=today - datetime.timedelta(days=45),
        end_date=today - datetime.timedelta(days=43),
        application_deadline=today - datetime.timedelta(days=50),
    )


@pytest.fixture
def closed_session(module, trainer, evaluation):
    """A session whose anonymous evaluation (at least 3 answers shown) was answered by 3 participants and has closed."""
    session = ended_session(module, trainer, days_ago=1)
    services.session_survey_set(session=session, instrument=evaluation)
    evaluate(session, evaluation, 3)
    close_evaluation(session)
    return session


def session_results_url(session: TrainingSession) -> str:
    return reverse("session_results", args=[session.pk]).replace("/az/", "/en/", 1)


def test_a_trainer_sees_the_results_of_their_closed_session(client, trainer, closed_session, evaluation):
    client.force_login(trainer)

    response = client.get(session_results_url(closed_session))

    assert response.status_code == 200
    results = response.context["results"]
    assert results.responses == 3 and not results.suppressed
    single = next(result for result in results.questions if result.question.code == "single")
    assert [item.count for item in single.options] == [2, 1, 0]
    assert evaluation.questions.get(code="single").text_en in response.content.decode()


def test_a_trainer_gets_404_for_another_trainer_s_session(client, closed_session):
    other = UserFactory(role="trainer")
    client.force_login(other)

    assert client.get(session_results_url(closed_session)).status_code == 404


def test_a_participant_gets_404_for_the_session_results(client, trainee, closed_session):
    client.force_login(trainee)

    assert client.get(session_results_url(closed_session)).status_code == 404


def test_a_coordinator_sees_a_session_s_results(client, coordinator, closed_session):
    client.force_login(coordinator)

    response = client.get(session_results_url(closed_session))

    assert response.status_code == 200 and response.context["results"].responses == 3


def test_someone_signed_out_is_asked_to_sign_in(client, closed_session):
    response = client.get(session_results_url(closed_session))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_the_evaluation_closes_the_trainer_reads_when_results_come(client, trainer, module, evaluation):
    session = ended_session(module, trainer, days_ago=1)
    services.session_survey_set(session=session, instrument=evaluation)
    evaluate(session, evaluation, 3)
    client.force_login(trainer)

    response = client.get(session_results_url(session))

    assert response.status_code == 200
    assert response.context["results"] is None
    closes = (session.end_date + datetime.timedelta(days=30)).strftime("%d.%m.%Y")
    assert f"participants can answer until {closes}" in response.content.decode()


def test_a_session_that_has_not_ended_shows_no_results(client, trainer, module, evaluation):
    session = TrainingSessionFactory(module=module)
    session.trainers.add(trainer)
    services.session_survey_set(session=session, instrument=evaluation)
    client.force_login(trainer)

    response = client.get(session_results_url(session))

    assert response.status_code == 200 and response.context["results"] is None


def test_a_closed_session_with_too_few_answers_hides_them(client, trainer, module, evaluation):
    session = ended_session(module, trainer, days_ago=1)
    services.session_survey_set(session=session, instrument=evaluation)
    evaluate(session, evaluation, 2)
    close_evaluation(session)
    client.force_login(trainer)

    response = client.get(session_results_url(session))

    assert response.context["results"].suppressed
    assert "Fewer than 3 answers: results are hidden to protect anonymity." in response.content.decode()
    assert 'id="question-' not in response.content.decode()


def test_the_trainer_s_page_lists_no_written_answer(client, trainer, module, evaluation):
    session = ended_session(module, trainer, days_ago=1)
    services.session_survey_set(session=session, instrument=evaluation)
    for n in range(3):
        participant = UserFactory(role="trainee")
        respondent = Respondent.objects.create(instrument=evaluation, session=session, user=participant, email=participant.email)
        services.response_submit(respondent=respondent, data={evaluation.questions.get(code="short").field_name: [f"Secret remark {n}"]})
    close_evaluation(session)
    client.force_login(trainer)

    page = client.get(session_results_url(session)).content.decode()

    assert "Secret remark" not in page
    assert "3 written answers" in page
