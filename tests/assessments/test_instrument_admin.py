"""Authoring instruments in the admin: listing, editing, and the lock once an instrument has answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments import instruments, services
from assessments.models import Instrument, InstrumentStatus, Purpose, SessionSurvey
from tests.factories.assessments import RespondentFactory, sample_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(site):
    instrument = sample_instrument(required=False)
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)
    services.response_submit(respondent=respondent, data={instrument.questions.get(code="single").field_name: ["a"]})
    return instrument


def test_a_coordinator_lists_instruments_with_their_response_counts(client, coordinator, answered):
    client.force_login(coordinator)

    response = client.get(reverse("survey_instruments:index"))

    assert response.status_code == 200
    assert answered.title_en in response.content.decode() or answered.title_az in response.content.decode()


def test_an_unanswered_instrument_is_edited_with_its_questions(client, coordinator, site):
    instrument = sample_instrument()
    client.force_login(coordinator)

    body = client.get(reverse("survey_instruments:edit", args=[instrument.pk])).content.decode()

    assert "questions-TOTAL_FORMS" in body


def test_an_answered_instrument_is_edited_without_its_questions_and_keeps_them(client, coordinator, answered):
    client.force_login(coordinator)
    url = reverse("survey_instruments:edit", args=[answered.pk])
    before = instruments.structure_of(answered)

    body = client.get(url).content.decode()
    assert "questions-TOTAL_FORMS" not in body
    response = client.post(
        url,
        {
            "status": InstrumentStatus.RETIRED,
            "title_az": "Yeni ad",
            "title_ru": "Новое название",
            "title_en": "New title",
            "intro_az": "",
            "intro_ru": "",
            "intro_en": "",
            "in_az": "on",
        },
    )

    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.title_en == "New title" and answered.status == InstrumentStatus.RETIRED
    assert instruments.structure_of(answered) == before


def test_a_new_version_copies_the_questions_as_a_draft(client, coordinator, answered):
    client.force_login(coordinator)

    response = client.post(reverse("survey_instruments:new_version", args=[answered.pk]))

    copy = Instrument.objects.get(code=answered.code, version=2)
    assert response.status_code == 302 and copy.status == InstrumentStatus.DRAFT
    assert [q.code for q in instruments.instrument_questions(copy)] == [q.code for q in instruments.instrument_questions(answered)]
    assert copy.questions.get(code="knowledge_multi").options.filter(is_correct=True).count() == 2
    assert copy.responses.count() == 0 and answered.responses.count() == 1


def test_a_trainee_cannot_open_the_instruments(client, trainee, answered):
    client.force_login(trainee)
    assert client.get(reverse("survey_instruments:index")).status_code in (302, 403)


def test_a_knowledge_test_cannot_be_anonymous(site):
    from django.core.exceptions import ValidationError

    instrument = Instrument(code="t", title_az="a", title_ru="b", title_en="c", purpose=Purpose.POST_TEST, is_anonymous=True)
    with pytest.raises(ValidationError):
        instrument.full_clean()


def test_a_session_gets_one_instrument_per_purpose(module, site):
    from tests.factories.curriculum import TrainingSessionFactory

    session = TrainingSessionFactory(module=module)
    first = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True)
    second = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True)

    services.session_survey_set(session=session, instrument=first)
    services.session_survey_set(session=session, instrument=second)

    assert list(SessionSurvey.objects.filter(session=session).values_list("instrument_id", flat=True)) == [second.pk]


def test_an_answered_instrument_cannot_be_deleted(client, administrator, answered):
    client.force_login(administrator)

    response = client.post(reverse("survey_instruments:delete", args=[answered.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("survey_instruments:edit", args=[answered.pk])
    assert Instrument.objects.filter(pk=answered.pk).exists()


def test_an_unused_draft_instrument_can_be_deleted(client, administrator, site):
    instrument = sample_instrument(status=InstrumentStatus.DRAFT)
    client.force_login(administrator)

    client.post(reverse("survey_instruments:delete", args=[instrument.pk]))

    assert not Instrument.objects.filter(pk=instrument.pk).exists()


def test_the_session_form_attaches_surveys_but_only_one_per_purpose(client, coordinator, module):
    from wagtail.test.utils.form_data import inline_formset

    from assessments.models import SessionSurvey
    from tests.curriculum.sessions.test_session_admin import form_data

    first = sample_instrument(purpose=Purpose.POST_TEST, pass_mark_percent=60)
    second = sample_instrument(purpose=Purpose.POST_TEST)
    client.force_login(coordinator)

    twice = client.post(
        "/admin/sessions/new/",
        form_data(
            module,
            surveys=inline_formset([{"instrument": first.pk, "follow_up_months": "3"}, {"instrument": second.pk, "follow_up_months": "3"}]),
        ),
    )
    assert twice.status_code == 200 and SessionSurvey.objects.count() == 0

    once = client.post(
        "/admin/sessions/new/", form_data(module, surveys=inline_formset([{"instrument": first.pk, "follow_up_months": "3"}]))
    )
    assert once.status_code == 302
    assert list(SessionSurvey.objects.values_list("purpose", flat=True)) == [Purpose.POST_TEST]


def test_the_surveys_menu_offers_results_and_the_matrix_to_coordinators_only(client, coordinator, trainer):
    client.force_login(coordinator)
    body = client.get("/admin/").content.decode()
    assert reverse("assessments_results_index") in body and reverse("matrix_heatmap") in body

    client.force_login(trainer)
    body = client.get("/admin/").content.decode()
    assert reverse("matrix_heatmap") not in body


def test_a_coordinator_authors_an_instrument_with_a_section_a_question_and_its_options(client, coordinator, site):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    client.force_login(coordinator)
    question = {
        "section_number": "1",
        "code": "relevance",
        "kind": "likert",
        "required": "on",
        "text_az": "Təlim işinizə nə dərəcədə uyğun idi?",
        "text_ru": "Насколько обучение соответствовало вашей работе?",
        "text_en": "How relevant was the training to your work?",
        "help_az": "",
        "help_ru": "",
        "help_en": "",
        "min_value": "",
        "max_value": "",
        "max_length": "",
        "points": "0",
        "options": inline_formset(
            [
                {"value": "1", "score": "1", "label_az": "Heç", "label_ru": "Совсем нет", "label_en": "Not at all"},
                {"value": "2", "score": "2", "label_az": "Tamamilə", "label_ru": "Полностью", "label_en": "Completely"},
            ]
        ),
    }
    data = nested_form_data(
        {
            "code": "my-evaluation",
            "purpose": "session_evaluation",
            "status": "draft",
            "title_az": "Qiymətləndirmə",
            "title_ru": "Оценка",
            "title_en": "Evaluation",
            "intro_az": "",
            "intro_ru": "",
            "intro_en": "",
            "in_az": "on",
            "in_ru": "on",
            "in_en": "on",
            "is_anonymous": "on",
            "min_group_size": "5",
            "pass_mark_percent": "",
            "sections": inline_formset([{"title_az": "Ümumi", "title_ru": "Общее", "title_en": "General"}]),
            "questions": inline_formset([question]),
        }
    )

    response = client.post(reverse("survey_instruments:add"), data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    instrument = Instrument.objects.get(code="my-evaluation")
    assert instrument.sections.get().title_ru == "Общее"
    stored = instrument.questions.get()
    assert (stored.kind, stored.text_en) == ("likert", "How relevant was the training to your work?")
    assert list(stored.options.values_list("score", "label_ru")) == [(1, "Совсем нет"), (2, "Полностью")]


def test_the_new_version_button_asks_to_confirm_before_copying(client, coordinator, answered):
    client.force_login(coordinator)
    url = reverse("survey_instruments:new_version", args=[answered.pk])

    assert client.get(url).status_code == 200
    assert not Instrument.objects.filter(code=answered.code, version=2).exists()
    assert client.post(url).status_code == 302
    assert Instrument.objects.filter(code=answered.code, version=2).exists()
