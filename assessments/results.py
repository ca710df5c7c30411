"""Reading survey results: the filtered group of responses and its summary per question, aggregated in the database.

`summarise` takes the same handful of queries whatever the number of responses: every figure is a
grouped count (`values().annotate(Count)`), an `Avg`/`Min`/`Max`, or a windowed slice of texts;
medians come from the grouped (value, count) pairs. Nothing iterates answers in Python.

Anonymity: every view of an anonymous instrument goes through `assessments.anonymity` (which responses
count, which filters may be used); a group below the instrument's `min_group_size` or a filter that
would identify people shows nothing, texts included.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import translation
from django.utils.translation import gettext as _

from assessments import anonymity
from assessments.instruments import chapters, instrument_questions
from assessments.models import TEXT_KINDS, Answer, Instrument, Option, Question, QuestionKind, Response, in_language
from curriculum.models import ThematicChapter
from people.models import User

# The texts shown per question; the summary says how many there are in all.
TEXT_LIMIT = 200
_ID = re.compile(r"^[1-9][0-9]{0,9}$")
_ID_LIMIT = 2**31 - 1


class FilterError(ValueError):
    """A filter value that cannot be used; `message` is a sentence for the person who chose it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ResultFilters:
    """Which responses are counted: a round, a session, a country, a stakeholder category, a gender (each optional)."""

    round_id: int | None = None
    session_id: int | None = None
    country_id: int | None = None
    category_id: int | None = None
    gender: str = ""

    # query-string name -> attribute
    QUERY_NAMES = {"round": "round_id", "session": "session_id", "country": "country_id", "category": "category_id", "gender": "gender"}

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> ResultFilters:
        """Read the filters of a results page's query string; raise FilterError on a value that is not one."""
        values: dict[str, Any] = {}
        for name, attribute in cls.QUERY_NAMES.items():
            getlist = getattr(data, "getlist", None)
            raw = getlist(name) if getlist is not None else ([data[name]] if name in data else [])
            raw = [str(value).strip() for value in raw if str(value).strip()]
            if not raw:
                continue
            if len(raw) > 1:
                raise FilterError(_("Choose one value at most for each filter."))
            value = raw[0]
            if attribute == "gender":
                if value not in User.Gender.values:
                    raise FilterError(_("“%(value)s” is not a gender the results can be filtered by.") % {"value": value[:40]})
                values[attribute] = value
            else:
                if not _ID.match(value) or int(value) > _ID_LIMIT:
                    raise FilterError(_("“%(value)s” is not a valid choice for a filter.") % {"value": value[:40]})
                values[attribute] = int(value)
        return cls(**values)

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> ResultFilters:
        """The filters stored in an export job's parameters (as `as_parameters` wrote them)."""
        known = set(cls.QUERY_NAMES.values())
        return cls(**{name: value for name, value in parameters.items() if name in known})

    def as_parameters(self) -> dict[str, Any]:
        """The filters set, for JSON (an export job's parameters)."""
        return {
            attribute: getattr(self, attribute) for attribute in self.QUERY_NAMES.values() if getattr(self, attribute) not in (None, "")
        }

    def as_query(self) -> dict[str, str]:
        """The filters set, as a results page's query string names and values."""
        return {
            name: str(getattr(self, attribute))
            for name, attribute in self.QUERY_NAMES.items()
            if getattr(self, attribute) not in (None, "")
        }

    @property
    def is_empty(self) -> bool:
        return not self.as_parameters()

    def response_lookups(self, prefix: str = "") -> dict[str, Any]:
        """ORM lookups on Response (or through `prefix`, e.g. "response__") for the filters set."""
        return {f"{prefix}{attribute}": value for attribute, value in self.as_parameters().items()}


def filtered_responses(instrument: Instrument, filters: ResultFilters) -> QuerySet[Response]:
    """The responses of an instrument that the filters keep, of those that count (`anonymity.counted_responses`)."""
    return anonymity.counted_responses(instrument).filter(**filters.response_lookups())


def filtered_answers(instrument: Instrument, filters: ResultFilters, questions: Iterable[Question]) -> QuerySet[Answer]:
    """The answers of those responses; without filters on a named survey, by question alone (no join to the responses)."""
    if filters.is_empty and not instrument.is_anonymous:
        return Answer.objects.filter(question_id__in=[question.pk for question in questions])
    answers = Answer.objects.filter(response__instrument=instrument, **filters.response_lookups("response__"))
    if instrument.is_anonymous:
        answers = answers.exclude(anonymity.withheld_q("response__", instrument))
    return answers


def anonymity_message(instrument: Instrument) -> str:
    """The sentence that says why results are hidden."""
    return anonymity.group_message(instrument)


is_below_minimum = anonymity.is_below_minimum


# --- the summary ---------------------------------------------------------------------------


def percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def median_from_counts(counts: Iterable[tuple[Any, int]]) -> float | None:
    """The median of values given as (value, how many times), e.g. from a grouped count."""
    pairs = sorted((value, count) for value, count in counts if value is not None and count)
    total = sum(count for _value, count in pairs)
    if not total:
        return None
    # the two middle positions (the same one when the total is odd), counting from 0
    wanted = [(total - 1) // 2, total // 2]
    found: list[float] = []
    seen = 0
    for value, count in pairs:
        while wanted and wanted[0] < seen + count:
            found.append(float(value))
            wanted.pop(0)
        seen += count
    return sum(found) / len(found)


def mean_from_counts(counts: Iterable[tuple[Any, int]]) -> float | None:
    pairs = [(value, count) for value, count in counts if value is not None]
    total = sum(count for _value, count in pairs)
    return sum(float(value) * count for value, count in pairs) / total if total else None


@dataclass
class OptionResult:
    """How often an option was chosen, and its share of those who answered the question."""

    option: Option
    label: str
    count: int
    percent: float | None
    is_correct: bool = False


@dataclass
class ChapterResult:
    """A chapter's ratings in a priority grid: counts of 1-4, not applicable and no answer, mean and median of 1-4."""

    chapter: ThematicChapter
    label: str
    scores: dict[int, int]
    not_applicable: int
    no_answer: int
    mean: float | None
    median: float | None
    total: int

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        """Counts with their share of the group, in the table's order: 1, 2, 3, 4, not applicable, no answer."""
        counts = [self.scores.get(score, 0) for score in (1, 2, 3, 4)] + [self.not_applicable, self.no_answer]
        return [(count, percent(count, self.total)) for count in counts]

    @property
    def rated(self) -> int:
        return sum(self.scores.values())


@dataclass
class QuestionResult:
    """The summary of one question; which fields are filled depends on its kind."""

    question: Question
    text: str
    answered: int | None  # None for a priority grid: see each chapter's "no answer"
    total: int
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    right: int | None = None
    percent_right: float | None = None
    chapters: list[ChapterResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_multiple(self) -> bool:
        return self.question.kind == QuestionKind.MULTIPLE

    @property
    def is_choice(self) -> bool:
        return self.question.is_choice

    @property
    def is_grid(self) -> bool:
        return self.question.kind == QuestionKind.PRIORITY_GRID

    @property
    def is_number(self) -> bool:
        return self.question.kind == QuestionKind.NUMBER

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT_KINDS

    @property
    def is_likert(self) -> bool:
        return self.question.kind == QuestionKind.LIKERT

    @property
    def is_knowledge(self) -> bool:
        return self.question.kind == QuestionKind.KNOWLEDGE

    @property
    def texts_hidden(self) -> int:
        """Texts beyond those listed."""
        return max((self.answered or 0) - len(self.texts), 0)


@dataclass
class InstrumentResults:
    """The summary of an instrument over a filtered group of responses, or the reason it is hidden."""

    instrument: Instrument
    filters: ResultFilters
    language: str
    responses: int
    suppressed: bool = False
    message: str = ""
    questions: list[QuestionResult] = field(default_factory=list)


def summarise(instrument: Instrument, filters: ResultFilters, language: str) -> InstrumentResults:
    """Per question, in order: counts, shares, means and medians, percentage right, ratings per chapter, texts."""
    language = language[:2]
    with translation.override(language):
        check = anonymity.view_check(instrument, filters)
    total = check.responses
    if not check.allowed:
        return InstrumentResults(instrument, filters, language, total, suppressed=True, message=check.refusal)
    questions = instrument_questions(instrument)
    results = InstrumentResults(instrument, filters, language, total)
    if not total or not questions:
        results.questions = [QuestionResult(q, in_language(q, "text", language), 0, total) for q in questions]
        _fill_empty(results.questions, language)
        return results

    answers = filtered_answers(instrument, filters, questions).order_by()
    by_kind: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_kind[question.kind].append(question)

    # how many responses answered each question; not asked of a grid, whose distinct count over ~22 rows a response
    # would cost more than the rest of the summary together (each chapter's "no answer" says it instead)
    answered = dict(
        answers.filter(question_id__in=[q.pk for q in questions if q.kind != QuestionKind.PRIORITY_GRID])
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    choice_ids = [q.pk for q in questions if q.is_choice]
    option_counts: dict[int, int] = {}
    if choice_ids:
        option_counts = dict(
            answers.filter(question_id__in=choice_ids, option__isnull=False)
            .values("option_id")
            .annotate(n=Count("pk"))
            .values_list("option_id", "n")
        )
    grid = _grid_counts(answers, by_kind[QuestionKind.PRIORITY_GRID])
    numbers = _number_figures(answers, by_kind[QuestionKind.NUMBER])
    right = _knowledge_right(answers, by_kind[QuestionKind.KNOWLEDGE])
    texts = _texts(answers, [q for q in questions if q.kind in TEXT_KINDS], by_text=instrument.is_anonymous)
    chapter_list = chapters() if by_kind[QuestionKind.PRIORITY_GRID] else []

    for question in questions:
        result = QuestionResult(question, in_language(question, "text", language), answered.get(question.pk, 0), total)
        if question.is_choice:
            _fill_choice(result, option_counts, language)
            if question.kind == QuestionKind.KNOWLEDGE:
                result.right = right.get(question.pk, 0)
                result.percent_right = percent(result.right, total)
        elif question.kind == QuestionKind.PRIORITY_GRID:
            result.answered = None
            result.chapters = [
                _chapter_result(chapter, grid.get((question.pk, chapter.pk), {}), total, language) for chapter in chapter_list
            ]
        elif question.kind == QuestionKind.NUMBER:
            figures = numbers.get(question.pk, {})
            result.mean, result.median = figures.get("mean"), figures.get("median")
            result.minimum, result.maximum = figures.get("minimum"), figures.get("maximum")
        elif question.kind in TEXT_KINDS:
            result.texts = texts.get(question.pk, [])
        results.questions.append(result)
    return results


def _fill_empty(results: list[QuestionResult], language: str) -> None:
    """Questions of a group without responses: options listed with no counts."""
    for result in results:
        if result.question.is_choice:
            _fill_choice(result, {}, language)


def _fill_choice(result: QuestionResult, option_counts: dict[int, int], language: str) -> None:
    options = list(result.question.options.all())
    result.options = [
        OptionResult(option, in_language(option, "label", language), option_counts.get(option.pk, 0), None, option.is_correct)
        for option in options
    ]
    for item in result.options:
        # single choice, Likert and knowledge: share of those who answered; multiple choice: of respondents, so shares add up past 100
        item.percent = percent(item.count, result.answered)
    if result.question.kind == QuestionKind.LIKERT:
        scored = [(option.score, option_counts.get(option.pk, 0)) for option in options if option.score is not None]
        result.mean = mean_from_counts(scored)
        result.median = median_from_counts(scored)


def _grid_counts(answers: QuerySet[Answer], questions: list[Question]) -> dict[tuple[int, int], dict[Any, int]]:
    """(question, chapter) -> {1: n, 2: n, 3: n, 4: n, "na": n}.

    Grouped by (question, chapter) only, in the order of their index, with a filtered count per value:
    half the time of grouping by the values too (no sort of every row)."""
    if not questions:
        return {}
    keys = (1, 2, 3, 4, "na")
    rows = (
        answers.filter(question_id__in=[q.pk for q in questions], chapter__isnull=False)
        .values("question_id", "chapter_id")
        .annotate(
            s1=Count("pk", filter=Q(score=1)),
            s2=Count("pk", filter=Q(score=2)),
            s3=Count("pk", filter=Q(score=3)),
            s4=Count("pk", filter=Q(score=4)),
            na=Count("pk", filter=Q(not_applicable=True)),
        )
        .values_list("question_id", "chapter_id", "s1", "s2", "s3", "s4", "na")
    )
    return {(question_id, chapter_id): dict(zip(keys, values, strict=True)) for question_id, chapter_id, *values in rows}


def _chapter_result(chapter: ThematicChapter, cell: dict[Any, int], total: int, language: str) -> ChapterResult:
    scores = {score: cell.get(score, 0) for score in (1, 2, 3, 4)}
    not_applicable = cell.get("na", 0)
    pairs = list(scores.items())
    return ChapterResult(
        chapter=chapter,
        label=f"{chapter.number}. {in_language(chapter, 'name', language)}",
        scores=scores,
        not_applicable=not_applicable,
        # a response without a row for the chapter left it unrated, which is not "not applicable"
        no_answer=max(total - sum(scores.values()) - not_applicable, 0),
        mean=mean_from_counts(pairs),
        median=median_from_counts(pairs),
        total=total,
    )


def _number_figures(answers: QuerySet[Answer], questions: list[Question]) -> dict[int, dict[str, Any]]:
    """question -> mean, median, minimum, maximum of its numbers (two queries for every number question together)."""
    if not questions:
        return {}
    numbers = answers.filter(question_id__in=[q.pk for q in questions], number__isnull=False)
    figures: dict[int, dict[str, Any]] = defaultdict(dict)
    for question_id, mean, minimum, maximum in (
        numbers.values("question_id").annotate(mean=Avg("number"), minimum=Min("number"), maximum=Max("number"))
    ).values_list("question_id", "mean", "minimum", "maximum"):
        figures[question_id].update(mean=float(mean) if mean is not None else None, minimum=minimum, maximum=maximum)
    grouped: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for question_id, number, n in numbers.values("question_id", "number").annotate(n=Count("pk")).values_list("question_id", "number", "n"):
        grouped[question_id].append((number, n))
    for question_id, pairs in grouped.items():
        figures[question_id]["median"] = median_from_counts(pairs)
    return figures


def _knowledge_right(answers: QuerySet[Answer], questions: list[Question]) -> dict[int, int]:
    """question -> how many responses chose exactly its right options (one query for every knowledge question).

    The inner query groups the answers by (response, question) and keeps the pairs with as many right
    options as the question has and no wrong one; the outer one counts them per question.
    """
    condition = Q()
    counted = []
    for question in questions:
        correct = sum(1 for option in question.options.all() if option.is_correct)
        if correct:
            condition |= Q(question_id=question.pk, right_chosen=correct)
            counted.append(question.pk)
    if not counted:
        return {}
    pairs = (
        answers.filter(question_id__in=counted)
        .values("response_id", "question_id")
        .annotate(
            right_chosen=Count("pk", filter=Q(option__is_correct=True)),
            wrong_chosen=Count("pk", filter=Q(option__is_correct=False)),
        )
        .filter(condition, wrong_chosen=0)
    )
    totals = pairs.aggregate(**{f"q{pk}": Count("response_id", filter=Q(question_id=pk)) for pk in counted})
    return {pk: totals[f"q{pk}"] or 0 for pk in counted}


def _texts(answers: QuerySet[Answer], questions: list[Question], *, by_text: bool = False) -> dict[int, list[str]]:
    """question -> its first TEXT_LIMIT texts, in the order given, or alphabetical for an anonymous survey (one windowed query).

    An anonymous survey's texts never come in the order they were submitted, which could tie a text to a person.
    """
    if not questions:
        return {}
    order = ("text", "pk") if by_text else ("pk",)
    ranked = (
        answers.filter(question_id__in=[q.pk for q in questions])
        .exclude(text="")
        .annotate(rank=Window(RowNumber(), partition_by=[F("question_id")], order_by=[F(name).asc() for name in order]))
        .filter(rank__lte=TEXT_LIMIT)
        .order_by("question_id", *order)
        .values_list("question_id", "text")
    )
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in ranked:
        texts[question_id].append(text)
    return texts
