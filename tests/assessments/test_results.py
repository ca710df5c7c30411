"""Summaries of survey results: exact counts, shares, means and medians, anonymity, filters and their query budget."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import results as results_module
from assessments import services
from assessments.models import Answer, Instrument, Response
from assessments.results import FilterError, ResultFilters, median_from_counts, summarise
from curriculum.models import ThematicChapter
from people.models import Country, StakeholderCategory
from tests.factories.assessments import RespondentFactory, RoundFactory, sample_instrument

pytestmark = pytest.mark.django_db


def submit(instrument: Instrument, survey_round, answers: dict[str, list[str]], *, country: str = "AZ", gender: str = "female") -> Response:
    """One response through the real submission service; `answers` by question code (grid: "grid-c<number>")."""
    respondent = RespondentFactory(
        instrument=instrument,
        round=survey_round,
        country=Country.objects.get(iso_code=country),
        category=StakeholderCategory.objects.get(code="government"),
        gender=gender,
    )
    fields = {question.code: question.field_name for question in instrument.questions.all()}
    data = {}
    for code, values in answers.items():
        if code.startswith("grid-"):
            data[f"{fields['grid']}-{code.removeprefix('grid-')}"] = values
        else:
            data[fields[code]] = values
    return services.response_submit(respondent=respondent, data=data)


# Four responses whose figures are worked out by hand in the tests below.
FOUR = [
    {
        "single": ["b"],
        "multiple": ["a", "c"],
        "likert": ["4"],
        "grid-c1": ["4"],
        "grid-c2": ["na"],
        "number": ["12.5"],
        "short": ["Bakı"],
        "long": ["Длинный ответ"],
        "knowledge": ["b"],
        "knowledge_multi": ["a", "c"],
    },
    {"single": ["a"], "multiple": ["a"], "likert": ["2"], "grid-c1": ["2"], "number": ["10"], "knowledge": ["a"], "knowledge_multi": ["a"]},
    {
        "single": ["b"],
        "likert": ["5"],
        "grid-c1": ["na"],
        "grid-c2": ["3"],
        "number": ["3"],
        "knowledge": ["b"],
        "knowledge_multi": ["a", "c"],
    },
    {"single": ["c"], "multiple": ["b", "c"], "likert": ["4"], "grid-c1": ["1"], "number": ["100"], "knowledge_multi": ["a", "b", "c"]},
]


@pytest.fixture
def survey_round(reference_data):
    return RoundFactory()


@pytest.fixture
def four(survey_round):
    """The sample instrument with the four responses above (two from Azerbaijan, two from Georgia; the last a man)."""
    instrument = sample_instrument(required=False)
    for n, answers in enumerate(FOUR):
        submit(instrument, survey_round, answers, country="AZ" if n < 2 else "GE", gender="male" if n == 3 else "female")
    return instrument


def by_code(results):
    return {result.question.code: result for result in results.questions}


def option_figures(result) -> dict[str, tuple[int, float | None]]:
    return {item.option.value: (item.count, None if item.percent is None else round(item.percent, 2)) for item in result.options}


def test_single_choice_counts_and_shares_are_of_those_who_answered(four):
    single = by_code(summarise(four, ResultFilters(), "en"))["single"]

    assert single.answered == 4
    assert option_figures(single) == {"a": (1, 25.0), "b": (2, 50.0), "c": (1, 25.0)}


def test_multiple_choice_shares_are_of_respondents_and_can_add_up_past_100(four):
    multiple = by_code(summarise(four, ResultFilters(), "en"))["multiple"]

    assert multiple.answered == 3
    assert option_figures(multiple) == {"a": (2, 66.67), "b": (1, 33.33), "c": (2, 66.67)}


def test_likert_mean_and_median(four):
    likert = by_code(summarise(four, ResultFilters(), "en"))["likert"]

    assert likert.mean == pytest.approx(3.75)
    assert likert.median == 4


def test_priority_grid_keeps_not_applicable_and_no_answer_apart(four):
    grid = by_code(summarise(four, ResultFilters(), "en"))["grid"]
    chapters = {row.chapter.number: row for row in grid.chapters}

    assert len(chapters) == ThematicChapter.objects.count()
    first, second, third = chapters[1], chapters[2], chapters[3]
    assert (first.scores, first.not_applicable, first.no_answer) == ({1: 1, 2: 1, 3: 0, 4: 1}, 1, 0)
    assert first.mean == pytest.approx(7 / 3) and first.median == 2
    assert (second.scores, second.not_applicable, second.no_answer) == ({1: 0, 2: 0, 3: 1, 4: 0}, 1, 2)
    assert second.mean == 3 and second.median == 3
    assert (third.rated, third.not_applicable, third.no_answer, third.mean) == (0, 0, 4, None)


def test_number_count_mean_median_smallest_and_largest(four):
    number = by_code(summarise(four, ResultFilters(), "en"))["number"]

    assert number.answered == 4
    assert number.mean == pytest.approx(31.375)
    assert number.median == pytest.approx(11.25)
    assert (number.minimum, number.maximum) == (Decimal(3), Decimal(100))


def test_knowledge_counts_only_the_exact_set_of_right_options(four):
    results = by_code(summarise(four, ResultFilters(), "en"))

    # "knowledge": b is right; responses 1 and 3 chose it, 2 chose a, 4 did not answer
    assert (results["knowledge"].right, results["knowledge"].percent_right) == (2, 50.0)
    # "knowledge_multi": a and c; response 2 chose only a, response 4 chose a, b and c
    assert results["knowledge_multi"].right == 2
    assert [item.is_correct for item in results["knowledge_multi"].options] == [True, False, True]


def test_texts_are_listed_with_how_many_there_are(four):
    results = by_code(summarise(four, ResultFilters(), "en"))

    assert (results["short"].texts, results["short"].answered) == (["Bakı"], 1)
    assert results["long"].texts == ["Длинный ответ"]


def test_labels_are_in_the_language_asked_for(four):
    single = by_code(summarise(four, ResultFilters(), "ru"))["single"]

    assert single.text == four.questions.get(code="single").text_ru
    assert single.options[0].label == single.options[0].option.label_ru


def test_a_country_filter_counts_only_its_responses(four):
    georgia = Country.objects.get(iso_code="GE")

    results = summarise(four, ResultFilters(country_id=georgia.pk), "en")

    assert results.responses == 2
    assert option_figures(by_code(results)["single"]) == {"a": (0, 0.0), "b": (1, 50.0), "c": (1, 50.0)}
    assert (by_code(results)["knowledge"].right, by_code(results)["knowledge_multi"].right) == (1, 1)


def test_a_gender_filter_counts_only_its_responses(four):
    results = summarise(four, ResultFilters(gender="male"), "en")

    assert results.responses == 1
    assert by_code(results)["number"].median == 100


def test_a_round_filter_leaves_out_other_rounds(four, survey_round):
    submit(four, RoundFactory(), FOUR[0])

    assert summarise(four, ResultFilters(round_id=survey_round.pk), "en").responses == 4
    assert summarise(four, ResultFilters(), "en").responses == 5


def test_an_anonymous_group_below_the_minimum_is_hidden_with_its_texts(survey_round):
    instrument = sample_instrument(is_anonymous=True, required=False, min_group_size=3)
    for answers in FOUR[:2]:
        submit(instrument, survey_round, answers)

    results = summarise(instrument, ResultFilters(), "en")

    # a scope (here the round) below the minimum counts nowhere: not even its number of answers is shown
    assert results.suppressed and results.responses == 0
    assert results.questions == []
    assert results.message == "Fewer than 3 answers: results are hidden to protect anonymity."


def deadline_passes(survey_round, days_pass) -> None:
    """Time goes on to the day after the round's deadline: its anonymous answers count from then on."""
    days_pass((survey_round.deadline - timezone.localdate()).days + 1)


def test_an_anonymous_group_at_the_minimum_is_shown(survey_round, days_pass):
    instrument = sample_instrument(is_anonymous=True, required=False, min_group_size=3)
    for answers in FOUR[:3]:
        submit(instrument, survey_round, answers)
    assert summarise(instrument, ResultFilters(), "en").suppressed  # the round is still open
    deadline_passes(survey_round, days_pass)

    results = summarise(instrument, ResultFilters(), "en")

    assert not results.suppressed
    assert by_code(results)["short"].texts == ["Bakı"]


def test_a_filter_that_makes_an_anonymous_group_too_small_is_refused_on_both_sides(survey_round, days_pass):
    instrument = sample_instrument(is_anonymous=True, required=False, min_group_size=3)
    for n, answers in enumerate(FOUR):
        submit(instrument, survey_round, answers, gender="male" if n == 3 else "female")
    deadline_passes(survey_round, days_pass)

    women = summarise(instrument, ResultFilters(gender="female"), "en")
    men = summarise(instrument, ResultFilters(gender="male"), "en")

    # the three women alone would give the man away by subtraction from the four
    assert women.suppressed and men.suppressed and women.questions == []
    assert "this filter would identify people" in women.message
    assert not summarise(instrument, ResultFilters(), "en").suppressed


def test_filters_are_read_from_a_query_string():
    filters = ResultFilters.from_query({"round": "3", "country": " 12 ", "gender": "female", "session": ""})

    assert filters == ResultFilters(round_id=3, country_id=12, gender="female")
    assert ResultFilters.from_parameters(filters.as_parameters()) == filters


@pytest.mark.parametrize(
    "query", [{"country": "abc"}, {"round": "-1"}, {"session": "0"}, {"category": "1.5"}, {"gender": "robot"}, {"country": "99999999999"}]
)
def test_a_bad_filter_value_is_refused_with_a_message(query):
    with pytest.raises(FilterError) as raised:
        ResultFilters.from_query(query)

    assert raised.value.message


def test_two_values_for_one_filter_are_refused():
    from django.http import QueryDict

    with pytest.raises(FilterError):
        ResultFilters.from_query(QueryDict("country=1&country=2"))


@pytest.mark.parametrize("query", ["country=abc", "gender=robot", "country=999999"])
def test_the_results_page_answers_400_to_a_bad_filter(client, coordinator, four, query):
    client.force_login(coordinator)

    response = client.get(reverse("assessments_results", args=[four.pk]) + f"?{query}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_median_of_grouped_counts():
    assert median_from_counts([(3, 1), (1, 2)]) == 1
    assert median_from_counts([(1, 1), (2, 1), (3, 1), (10, 1)]) == 2.5
    assert median_from_counts([]) is None


def bulk_responses(instrument: Instrument, count: int) -> None:
    """`count` responses with an answer to every question, written in bulk (the summary reads them the same way)."""
    questions = {question.code: question for question in instrument.questions.prefetch_related("options")}
    chapters = list(ThematicChapter.objects.order_by("number")[:5])
    responses = Response.objects.bulk_create(
        Response(instrument=instrument, language="az", submitted_on=timezone.localdate() - datetime.timedelta(days=n % 9))
        for n in range(count)
    )
    answers = []
    for n, response in enumerate(responses):
        for code in ("single", "likert", "knowledge"):
            options = list(questions[code].options.all())
            option = options[n % len(options)]
            answers.append(Answer(response=response, question=questions[code], option=option, score=option.score))
        for option in list(questions["multiple"].options.all())[: 1 + n % 3]:
            answers.append(Answer(response=response, question=questions["multiple"], option=option))
        for index, chapter in enumerate(chapters):
            na = (n + index) % 5 == 0
            answers.append(
                Answer(
                    response=response,
                    question=questions["grid"],
                    chapter=chapter,
                    not_applicable=na,
                    score=None if na else 1 + (n + index) % 4,
                )
            )
        answers.append(Answer(response=response, question=questions["number"], number=Decimal(n % 50)))
        answers.append(Answer(response=response, question=questions["short"], text=f"Cavab {n}"))
    Answer.objects.bulk_create(answers)


def test_texts_are_capped_and_the_total_is_kept(reference_data, monkeypatch):
    monkeypatch.setattr(results_module, "TEXT_LIMIT", 2)
    instrument = sample_instrument()
    bulk_responses(instrument, 5)

    short = by_code(summarise(instrument, ResultFilters(), "en"))["short"]

    assert (short.texts, short.answered, short.texts_hidden) == (["Cavab 0", "Cavab 1"], 5, 3)


@pytest.mark.parametrize("count", [5, 200])
def test_a_summary_takes_the_same_queries_for_5_and_200_responses(reference_data, django_assert_num_queries, count):
    instrument = sample_instrument()
    bulk_responses(instrument, count)

    with django_assert_num_queries(11):
        results = summarise(instrument, ResultFilters(), "az")

    assert results.responses == count
    assert sum(item.count for item in by_code(results)["single"].options) == count


@pytest.mark.parametrize("count", [5, 200])
def test_a_filtered_summary_takes_the_same_queries_for_5_and_200_responses(reference_data, django_assert_num_queries, count):
    instrument = sample_instrument()
    bulk_responses(instrument, count)
    today = timezone.localdate()
    Response.objects.filter(instrument=instrument).update(gender="female", submitted_on=today)

    with django_assert_num_queries(11):
        results = summarise(instrument, ResultFilters(gender="female"), "az")

    assert results.responses == count
