"""Saving, resuming and submitting a questionnaire through a respondent's link, as the services see it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Answer, Response
from tests.factories.assessments import RespondentFactory, sample_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def respondent(reference_data):
    instrument = sample_instrument()
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)
    return respondent


def field(respondent, code: str) -> str:
    return respondent.instrument.questions.get(code=code).field_name


def complete_answers(respondent) -> dict[str, list[str]]:
    grid = field(respondent, "grid")
    return {
        field(respondent, "single"): ["b"],
        field(respondent, "multiple"): ["a", "c"],
        field(respondent, "likert"): ["4"],
        f"{grid}-c1": ["4"],
        f"{grid}-c2": ["na"],
        field(respondent, "number"): ["12,5"],
        field(respondent, "short"): ["  Bakı, ə ğ ı ş ç ö ü  "],
        field(respondent, "long"): ["Длинный ответ"],
        field(respondent, "knowledge"): ["b"],
        field(respondent, "knowledge_multi"): ["a", "c"],
    }


def test_a_complete_submission_stores_one_row_per_value(respondent):
    response = services.response_submit(respondent=respondent, data=complete_answers(respondent))

    answers = Answer.objects.filter(response=response)
    assert answers.count() == 12
    assert sorted(answers.filter(question__code="multiple").values_list("option__value", flat=True)) == ["a", "c"]
    assert answers.get(question__code="likert").score == 4
    assert answers.get(chapter__number=1).score == 4
    na = answers.get(chapter__number=2)
    assert na.not_applicable and na.score is None
    assert answers.get(question__code="number").number == Decimal("12.5")
    assert answers.get(question__code="short").text == "Bakı, ə ğ ı ş ç ö ü"
    respondent.refresh_from_db()
    assert respondent.submitted_at is not None


def test_a_second_submission_through_the_same_link_is_refused(respondent):
    services.response_submit(respondent=respondent, data=complete_answers(respondent))

    with pytest.raises(services.AlreadySubmitted):
        services.response_submit(respondent=respondent, data=complete_answers(respondent))
    assert Response.objects.count() == 1


def test_a_draft_keeps_what_was_answered_and_a_missing_required_answer_is_allowed(respondent):
    data = {field(respondent, "single"): ["a"]}

    services.draft_save(respondent=respondent, data=data)

    respondent.refresh_from_db()
    assert respondent.draft == {field(respondent, "single"): ["a"]}
    assert Response.objects.count() == 0


def test_a_submission_missing_a_required_answer_stores_nothing(respondent):
    data = complete_answers(respondent)
    del data[field(respondent, "likert")]

    with pytest.raises(services.SubmissionInvalid) as raised:
        services.response_submit(respondent=respondent, data=data)

    assert field(respondent, "likert") in raised.value.parsed.errors
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    respondent.refresh_from_db()
    assert respondent.submitted_at is None


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("single", ["z"]),
        ("single", ["a", "b"]),
        ("likert", ["9"]),
        ("number", ["abc"]),
        ("number", ["1e400"]),
        ("number", ["1e3"]),
        ("number", ["-1"]),
        ("number", ["1.234"]),
        ("short", ["x" * 51]),
        ("long", ["a\x00b"]),
        ("multiple", ["a", "a"]),
    ],
)
def test_a_wrong_value_is_refused_with_a_message_for_its_question(respondent, code, value):
    data = complete_answers(respondent)
    data[field(respondent, code)] = value

    with pytest.raises(services.SubmissionInvalid) as raised:
        services.response_submit(respondent=respondent, data=data)

    assert raised.value.parsed.errors[field(respondent, code)]
    assert Answer.objects.count() == 0


def test_an_unknown_question_is_refused(respondent):
    data = complete_answers(respondent)
    data["q-999999"] = ["1"]

    with pytest.raises(services.SubmissionInvalid) as raised:
        services.response_submit(respondent=respondent, data=data)

    assert "__all__" in raised.value.parsed.errors


def test_a_priority_outside_1_to_4_is_refused(respondent):
    data = complete_answers(respondent)
    data[f"{field(respondent, 'grid')}-c3"] = ["5"]

    with pytest.raises(services.SubmissionInvalid):
        services.response_submit(respondent=respondent, data=data)


def test_knowledge_points_count_only_the_exact_set_of_right_options(respondent):
    respondent.instrument.purpose = "pre_test"
    respondent.instrument.save()
    data = complete_answers(respondent)
    data[field(respondent, "knowledge_multi")] = ["a"]  # half right: no point

    response = services.response_submit(respondent=respondent, data=data)

    assert (response.points, response.max_points) == (Decimal(2), Decimal(3))


def test_an_anonymous_response_keeps_no_link_to_its_respondent(reference_data):
    instrument = sample_instrument(is_anonymous=True)
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)

    response = services.response_submit(respondent=respondent, data=complete_answers(respondent))

    assert response.respondent_id is None
    respondent.refresh_from_db()
    assert respondent.draft == {} and respondent.submitted_at is not None


def test_a_closed_round_refuses_submissions(respondent):
    respondent.round.status = "closed"
    respondent.round.save()

    with pytest.raises(services.SurveyClosed):
        services.response_submit(respondent=respondent, data=complete_answers(respondent))


def test_a_required_grid_with_chapters_left_out_marks_each_of_them_and_names_them_by_number(respondent):
    from django.utils import translation

    from curriculum.models import ThematicChapter

    grid = respondent.instrument.questions.get(code="grid")
    grid.required = True
    grid.save()
    data = complete_answers(respondent)
    numbers = list(ThematicChapter.objects.values_list("number", flat=True))
    rated = set(numbers) - {4, 17}
    data.update({f"{grid.field_name}-c{number}": ["3"] for number in rated})

    with translation.override("en"), pytest.raises(services.SubmissionInvalid) as raised:
        services.response_submit(respondent=respondent, data=data)

    errors = raised.value.parsed.errors
    assert errors[grid.field_name] == "Rate every chapter: 2 are not rated yet (chapters 4, 17)."
    assert {name for name in errors if name.startswith(f"{grid.field_name}-c")} == {f"{grid.field_name}-c4", f"{grid.field_name}-c17"}
    assert Answer.objects.count() == 0

    data[f"{grid.field_name}-c4"] = ["na"]
    data[f"{grid.field_name}-c17"] = ["1"]
    assert services.response_submit(respondent=respondent, data=data).answers.filter(question=grid).count() == len(numbers)
