"""The built-in instruments: loadable twice, complete in three languages, well-formed, untouched once answered."""

from __future__ import annotations

import datetime
import re

import pytest

from assessments import builtin
from assessments.models import CHOICE_KINDS, Answer, Instrument, Option, Purpose, Question, QuestionKind, Response, Section

NEEDS_ASSESSMENT_CODES = ("na-government", "na-cso", "na-media")
AZERBAIJANI_LETTERS = re.compile("[əğışçöüİÇŞÖÜĞƏ]")
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


@pytest.fixture
def loaded(reference_data) -> dict[str, int]:
    return builtin.load()


def _rows() -> tuple[list[Instrument], list[Section], list[Question], list[Option]]:
    instruments = list(Instrument.objects.filter(code__in=builtin.BUILTIN_CODES))
    sections = list(Section.objects.filter(instrument__in=instruments))
    questions = list(Question.objects.filter(instrument__in=instruments))
    options = list(Option.objects.filter(question__instrument__in=instruments))
    return instruments, sections, questions, options


def _texts() -> list[tuple[str, str, str, str, bool]]:
    """Every trilingual text: (where, az, ru, en, is a sentence); option labels count as sentences from two words."""
    instruments, sections, questions, options = _rows()
    texts = []
    for instrument in instruments:
        for field in ("title", "intro"):
            texts.append((f"{instrument.code}.{field}", *(getattr(instrument, f"{field}_{lang}") for lang in ("az", "ru", "en")), True))
    for section in sections:
        texts.append(
            (f"{section.instrument.code} section {section.sort_order}", section.title_az, section.title_ru, section.title_en, True)
        )
    for question in questions:
        texts.append((f"{question.instrument.code}.{question.code}", question.text_az, question.text_ru, question.text_en, True))
        if question.help_en or question.help_az or question.help_ru:
            texts.append((f"{question.instrument.code}.{question.code} help", question.help_az, question.help_ru, question.help_en, True))
    for option in options:
        where = f"{option.question.instrument.code}.{option.question.code}={option.value}"
        texts.append((where, option.label_az, option.label_ru, option.label_en, len(option.label_en.split()) >= 2))
    return texts


def test_loading_twice_gives_the_same_counts_and_no_duplicates(loaded):
    first_rows = [len(rows) for rows in _rows()]

    second = builtin.load()

    assert second == loaded
    assert [len(rows) for rows in _rows()] == first_rows
    assert loaded["survey instruments"] == len(builtin.INSTRUMENTS) == first_rows[0]
    for spec in builtin.INSTRUMENTS:
        instrument = Instrument.objects.get(code=spec["code"], version=1)
        assert instrument.sections.count() == len(spec["sections"])
        assert instrument.questions.count() == sum(len(section["questions"]) for section in spec["sections"])


def test_a_reload_restores_the_built_in_texts_and_drops_stray_rows(loaded):
    question = Question.objects.get(instrument__code="na-government", code="challenges")
    Question.objects.filter(pk=question.pk).update(text_en="Edited")
    Option.objects.create(question=question, value="stray", label_az="a", label_ru="b", label_en="c")

    builtin.load()

    question.refresh_from_db()
    assert question.text_en.startswith("What are the main challenges")
    assert not question.options.filter(value="stray").exists()
    assert builtin.load() == loaded


def test_every_text_is_given_in_azerbaijani_russian_and_english(loaded):
    for where, az, ru, en, _sentence in _texts():
        assert az.strip() and ru.strip() and en.strip(), where


def test_azerbaijani_and_russian_sentences_are_not_copies_of_the_english(loaded):
    for where, az, ru, en, sentence in _texts():
        if not sentence:
            continue
        assert az != en, where
        assert ru != en, where
        assert CYRILLIC.search(ru), where
        assert not CYRILLIC.search(az), where
        if len(az.split()) >= 4:
            assert AZERBAIJANI_LETTERS.search(az), where


def test_every_row_passes_model_validation(loaded):
    for rows in _rows():
        for row in rows:
            row.full_clean()


def test_every_needs_assessment_ends_with_the_priority_grid_in_its_last_section(loaded):
    for code in NEEDS_ASSESSMENT_CODES:
        instrument = Instrument.objects.get(code=code)
        last = instrument.questions.order_by("sort_order").last()
        assert last.code == builtin.PRIORITY_QUESTION_CODE
        assert last.kind == QuestionKind.PRIORITY_GRID
        assert last.section_number == instrument.sections.count()
        assert instrument.purpose == Purpose.NEEDS_ASSESSMENT
        assert list(instrument.audience.values_list("code", flat=True)) == [code.removeprefix("na-")]


def test_every_question_sits_in_an_existing_section_and_no_section_is_empty(loaded):
    for instrument in Instrument.objects.filter(code__in=builtin.BUILTIN_CODES):
        numbers = set(instrument.questions.values_list("section_number", flat=True))
        assert numbers == set(range(1, instrument.sections.count() + 1)), instrument.code


def test_every_choice_question_has_at_least_two_options_and_other_questions_none(loaded):
    for question in Question.objects.filter(instrument__code__in=builtin.BUILTIN_CODES):
        if question.kind in CHOICE_KINDS:
            assert question.options.count() >= 2, question.code
        else:
            assert question.options.count() == 0, question.code


def test_every_knowledge_question_has_a_correct_option_and_points(loaded):
    knowledge = Question.objects.filter(instrument__code__in=builtin.BUILTIN_CODES, kind=QuestionKind.KNOWLEDGE)
    assert knowledge.count() == 12
    for question in knowledge:
        assert question.options.filter(is_correct=True).exists(), question.code
        assert question.options.filter(is_correct=False).exists(), question.code
        assert question.points in (1, 2), question.code
    assert any(question.options.filter(is_correct=True).count() == 2 for question in knowledge)
    assert not Option.objects.filter(
        question__kind__in=[QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.LIKERT], is_correct=True
    ).exists()


def test_the_pre_and_post_tests_ask_the_same_questions(loaded):
    def shape(code: str) -> list[tuple]:
        return [
            (q.code, q.text_en, q.points, [(o.value, o.is_correct) for o in q.options.order_by("sort_order")])
            for q in Question.objects.filter(instrument__code=code).order_by("sort_order")
        ]

    assert shape("knowledge-test-template-pre") == shape("knowledge-test-template-post")
    assert len(shape("knowledge-test-template-pre")) == 6


def test_likert_options_score_one_to_n_in_order(loaded):
    likert = Question.objects.filter(instrument__code__in=builtin.BUILTIN_CODES, kind=QuestionKind.LIKERT)
    assert likert.exists()
    for question in likert:
        scores = list(question.options.order_by("sort_order").values_list("score", flat=True))
        assert scores == list(range(1, len(scores) + 1)), question.code
    assert not Option.objects.exclude(question__kind=QuestionKind.LIKERT).filter(score__isnull=False).exists()


def test_the_government_challenges_checklist_has_the_eight_challenges_of_2021(loaded):
    question = Question.objects.get(instrument__code="na-government", code="challenges")

    assert question.kind == QuestionKind.MULTIPLE
    assert list(question.options.order_by("sort_order").values_list("value", flat=True)) == [
        "covid_crisis",
        "lack_financial_resources",
        "lack_qualified_staff",
        "coordination_gaps",
        "insufficient_regional_cooperation",
        "insufficient_policy_development",
        "lack_technical_capacity",
        "geopolitical_situation",
    ]


def test_only_the_post_test_has_a_pass_mark(loaded):
    assert Instrument.objects.get(code="knowledge-test-template-post").pass_mark_percent == 60
    assert list(Instrument.objects.filter(pass_mark_percent__isnull=False).values_list("code", flat=True)) == [
        "knowledge-test-template-post"
    ]


def test_there_is_exactly_one_default_evaluation_and_one_default_follow_up(loaded):
    defaults = Instrument.objects.filter(is_default=True)

    assert sorted(defaults.values_list("purpose", "code")) == [
        (Purpose.FOLLOW_UP, "follow-up"),
        (Purpose.SESSION_EVALUATION, "session-evaluation"),
    ]
    assert all(instrument.is_anonymous and instrument.min_group_size == 5 for instrument in defaults)
    assert all(not instrument.audience.exists() for instrument in defaults)


def test_an_instrument_with_responses_is_left_untouched_by_a_reload(loaded):
    instrument = Instrument.objects.get(code="session-evaluation")
    question = instrument.questions.get(code="overall")
    option = question.options.get(score=5)
    response = Response.objects.create(instrument=instrument, language="en", submitted_on=datetime.date(2026, 3, 2))
    Answer.objects.create(response=response, question=question, option=option, score=5)
    Instrument.objects.filter(pk=instrument.pk).update(title_en="Renamed by a coordinator")
    Question.objects.filter(pk=question.pk).update(text_en="Edited after answers")
    instrument.questions.get(code="comments").delete()

    counts = builtin.load()

    instrument.refresh_from_db()
    question.refresh_from_db()
    assert instrument.title_en == "Renamed by a coordinator"
    assert question.text_en == "Edited after answers"
    assert not instrument.questions.filter(code="comments").exists()
    assert counts["survey questions"] == loaded["survey questions"] - 1
    assert Answer.objects.filter(response=response, option=option).exists()


def test_an_unanswered_instrument_is_still_updated_when_another_one_has_responses(loaded):
    answered = Instrument.objects.get(code="follow-up")
    Response.objects.create(instrument=answered, language="az", submitted_on=datetime.date(2026, 3, 2))
    Instrument.objects.filter(code="na-media").update(title_en="Stale")

    builtin.load()

    assert Instrument.objects.get(code="na-media").title_en == "Needs assessment: questionnaire for the media"


@pytest.mark.parametrize(
    ("category", "code"),
    [("government", "na-government"), ("cso", "na-cso"), ("media", "na-media"), ("hei", "na-cso"), ("private", "na-cso")],
)
def test_each_stakeholder_category_gets_its_needs_assessment(loaded, category, code):
    instrument = builtin.needs_assessment_instrument_for(category)

    assert instrument is not None
    assert instrument.code == code


def test_no_needs_assessment_is_offered_before_the_instruments_are_loaded(reference_data):
    assert builtin.needs_assessment_instrument_for("government") is None
