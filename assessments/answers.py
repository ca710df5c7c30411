"""Reading a submitted questionnaire: every value checked against the instrument before anything is stored.

Form fields are named `q-<question id>` (a priority grid: `q-<question id>-c<chapter number>`).
`parse` returns the answers to store and, per field, what is wrong; the caller stores nothing
unless there are no errors. A draft (`complete=False`) may leave required questions empty but is
held to every other rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Instrument, Option, Question, QuestionKind
from curriculum.models import ThematicChapter

# Fields a form carries besides the answers.
FORM_FIELDS = frozenset({"csrfmiddlewaretoken", "action"})
NOT_APPLICABLE = "na"
NON_FIELD = "__all__"
_FIELD_NAME = re.compile(r"^q-(?P<question>\d{1,10})(?:-c(?P<chapter>\d{1,3}))?$")
# Control characters other than tab and line breaks: PostgreSQL refuses NUL, and none belongs in an answer.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER_LIMIT = Decimal("999999999999.99")
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


@dataclass
class ParsedAnswer:
    """One row to store in `Answer`."""

    question: Question
    option: Option | None = None
    chapter: ThematicChapter | None = None
    score: int | None = None
    not_applicable: bool = False
    number: Decimal | None = None
    text: str = ""


@dataclass
class Parsed:
    """What `parse` found: answers, errors by field name, and the accepted values to keep as a draft."""

    answers: list[ParsedAnswer] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def points(self) -> tuple[Decimal, Decimal]:
        """Points scored and possible over the knowledge questions."""
        scored = possible = Decimal(0)
        by_question: dict[int, set[int]] = {}
        for answer in self.answers:
            if answer.question.kind == QuestionKind.KNOWLEDGE and answer.option is not None:
                by_question.setdefault(answer.question.pk, set()).add(answer.option.pk)
        for question in self._knowledge_questions:
            possible += question.points
            correct = {option.pk for option in question.options.all() if option.is_correct}
            if by_question.get(question.pk) == correct:
                scored += question.points
        return scored, possible

    _knowledge_questions: list[Question] = field(default_factory=list)


def multiple_answers_allowed(question: Question) -> bool:
    """A multiple choice, or a knowledge question with more than one right option."""
    if question.kind == QuestionKind.MULTIPLE:
        return True
    return question.kind == QuestionKind.KNOWLEDGE and sum(1 for option in question.options.all() if option.is_correct) > 1


def grid_field_name(question: Question, chapter: ThematicChapter) -> str:
    return f"{question.field_name}-c{chapter.number}"


def _values(data: Mapping[str, Sequence[str]] | object, name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        return list(getlist(name))
    value = data[name]  # type: ignore[index]
    return list(value) if isinstance(value, list | tuple) else [value]


def parse(
    instrument: Instrument,
    questions: Iterable[Question],
    chapters: Iterable[ThematicChapter],
    data: Mapping[str, Sequence[str]],
    *,
    complete: bool,
) -> Parsed:
    """Check every submitted value of `instrument` (questions with their options prefetched)."""
    questions = list(questions)
    chapters = list(chapters)
    by_id = {question.pk: question for question in questions}
    chapter_numbers = {chapter.number for chapter in chapters}
    parsed = Parsed(_knowledge_questions=[q for q in questions if q.kind == QuestionKind.KNOWLEDGE])

    submitted: dict[str, list[str]] = {}
    for name in data:
        if name in FORM_FIELDS:
            continue
        match = _FIELD_NAME.match(str(name))
        question = by_id.get(int(match["question"])) if match else None
        grid_field = bool(match and match["chapter"])
        if (
            question is None
            or grid_field != (question.kind == QuestionKind.PRIORITY_GRID)
            or (grid_field and int(match["chapter"]) not in chapter_numbers)  # type: ignore[index]
        ):
            parsed.errors[NON_FIELD] = _("The form has an answer to a question that is not in this survey. Reload the page and try again.")
            return parsed
        submitted[str(name)] = [str(value) for value in _values(data, name)]

    for question in questions:
        if question.kind == QuestionKind.PRIORITY_GRID:
            _parse_grid(question, chapters, submitted, parsed, complete=complete)
            continue
        values = [value for value in submitted.get(question.field_name, []) if value.strip() != ""]
        error = _parse_one(question, values, parsed)
        if error is None and not values and question.required and complete:
            error = _("Please answer this question.")
        if error:
            parsed.errors[question.field_name] = error
        elif values:
            parsed.values[question.field_name] = values
    if parsed.errors:
        parsed.answers = []
    return parsed


def _parse_one(question: Question, values: list[str], parsed: Parsed) -> str | None:
    """Add the answers of one (non-grid) question; return what is wrong, if anything."""
    if not values:
        return None
    if question.is_choice:
        options = {option.value: option for option in question.options.all()}
        if len(values) > 1 and not multiple_answers_allowed(question):
            return _("Choose only one answer.")
        if len(set(values)) != len(values) or any(value not in options for value in values):
            return _("Choose among the answers offered.")
        for value in values:
            option = options[value]
            parsed.answers.append(ParsedAnswer(question, option=option, score=option.score))
        return None
    if len(values) > 1:
        return _("Give one answer only.")
    value = values[0]
    if question.kind == QuestionKind.NUMBER:
        text = value.strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
        if len(text) > 20:
            return _("Enter a number.")
        if not _PLAIN_NUMBER.match(text):  # no exponents ("1e3"), no "NaN" or "Infinity"
            return _("Enter a number.")
        try:
            number = Decimal(text)
        except InvalidOperation:
            return _("Enter a number.")
        if not number.is_finite() or abs(number) > _NUMBER_LIMIT or number != number.quantize(Decimal("0.01")):
            return _("Enter a number with at most two decimals.")
        if question.min_value is not None and number < question.min_value:
            return _("Enter a number of at least %(min)s.") % {"min": question.min_value.normalize()}
        if question.max_value is not None and number > question.max_value:
            return _("Enter a number of at most %(max)s.") % {"max": question.max_value.normalize()}
        parsed.answers.append(ParsedAnswer(question, number=number))
        return None
    # short or long text
    text = value.strip()
    if _CONTROL.search(text):
        return _("The text contains characters that are not allowed.")
    limit = question.text_limit
    if len(text) > limit:
        return ngettext(
            "Write at most %(limit)d character (you wrote %(length)d).",
            "Write at most %(limit)d characters (you wrote %(length)d).",
            limit,
        ) % {"limit": limit, "length": len(text)}
    parsed.answers.append(ParsedAnswer(question, text=text))
    return None


def _parse_grid(
    question: Question, chapters: list[ThematicChapter], submitted: dict[str, list[str]], parsed: Parsed, *, complete: bool
) -> None:
    missing: list[tuple[str, ThematicChapter]] = []
    for chapter in chapters:
        name = grid_field_name(question, chapter)
        values = [value.strip() for value in submitted.get(name, []) if value.strip() != ""]
        if not values:
            missing.append((name, chapter))
            continue
        if len(values) > 1:
            parsed.errors[name] = _("Choose one rating for this chapter.")
            continue
        value = values[0].lower()
        if value == NOT_APPLICABLE:
            parsed.answers.append(ParsedAnswer(question, chapter=chapter, not_applicable=True))
        elif value in {"1", "2", "3", "4"}:
            parsed.answers.append(ParsedAnswer(question, chapter=chapter, score=int(value)))
        else:
            parsed.errors[name] = _("Rate the chapter from 1 to 4, or choose “not applicable”.")
            continue
        parsed.values[name] = [value]
    if complete and question.required and missing:
        # Each chapter left out is marked where it stands, and the question's message names them by number.
        for name, _chapter in missing:
            parsed.errors[name] = _("Rate this chapter, or choose “not applicable”.")
        parsed.errors[question.field_name] = ngettext(
            "Rate every chapter: %(count)d is not rated yet (chapter %(numbers)s).",
            "Rate every chapter: %(count)d are not rated yet (chapters %(numbers)s).",
            len(missing),
        ) % {"count": len(missing), "numbers": ", ".join(str(chapter.number) for _name, chapter in missing)}
