"""Factories for survey instruments, their questions and options, rounds and respondents.

`sample_instrument()` builds one instrument with a question of every kind (codes: single, multiple,
likert, grid, number, short, long, knowledge, knowledge_multi), for tests of parsing, storage,
results and exports.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from assessments.models import (
    Instrument,
    InstrumentStatus,
    Option,
    Purpose,
    Question,
    QuestionKind,
    Respondent,
    Round,
    RoundStatus,
    Section,
)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    code = factory.Sequence(lambda n: f"instrument-{n}")
    title_az = factory.Sequence(lambda n: f"Sorğu {n}")
    title_ru = factory.Sequence(lambda n: f"Опрос {n}")
    title_en = factory.Sequence(lambda n: f"Survey {n}")
    purpose = Purpose.NEEDS_ASSESSMENT
    status = InstrumentStatus.PUBLISHED


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    instrument = factory.SubFactory(InstrumentFactory)
    title_az = factory.Sequence(lambda n: f"Bölmə {n}")
    title_ru = factory.Sequence(lambda n: f"Раздел {n}")
    title_en = factory.Sequence(lambda n: f"Section {n}")
    sort_order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    instrument = factory.SubFactory(InstrumentFactory)
    code = factory.Sequence(lambda n: f"q{n}")
    kind = QuestionKind.SHORT_TEXT
    text_az = factory.Sequence(lambda n: f"Sual {n}?")
    text_ru = factory.Sequence(lambda n: f"Вопрос {n}?")
    text_en = factory.Sequence(lambda n: f"Question {n}?")
    required = False
    sort_order = factory.Sequence(lambda n: n)


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    value = factory.Sequence(lambda n: f"o{n}")
    label_az = factory.Sequence(lambda n: f"Cavab {n}")
    label_ru = factory.Sequence(lambda n: f"Ответ {n}")
    label_en = factory.Sequence(lambda n: f"Answer {n}")
    sort_order = factory.Sequence(lambda n: n)


def options(question: Question, values: list[str], *, scores: bool = False, correct: tuple[str, ...] = ()) -> list[Option]:
    return [
        OptionFactory(question=question, value=value, score=index + 1 if scores else None, is_correct=value in correct)
        for index, value in enumerate(values)
    ]


def sample_instrument(
    *, purpose: str = Purpose.NEEDS_ASSESSMENT, is_anonymous: bool = False, required: bool = True, **fields: object
) -> Instrument:
    """An instrument with one question of each kind; choice questions have options a, b, c."""
    instrument = InstrumentFactory(purpose=purpose, is_anonymous=is_anonymous, **fields)
    SectionFactory(instrument=instrument, sort_order=0)
    SectionFactory(instrument=instrument, sort_order=1)
    single = QuestionFactory(instrument=instrument, code="single", kind=QuestionKind.SINGLE, required=required)
    options(single, ["a", "b", "c"])
    multiple = QuestionFactory(instrument=instrument, code="multiple", kind=QuestionKind.MULTIPLE, required=required)
    options(multiple, ["a", "b", "c"])
    likert = QuestionFactory(instrument=instrument, code="likert", kind=QuestionKind.LIKERT, required=required)
    options(likert, ["1", "2", "3", "4", "5"], scores=True)
    QuestionFactory(instrument=instrument, code="grid", kind=QuestionKind.PRIORITY_GRID, required=False, section_number=2)
    QuestionFactory(
        instrument=instrument, code="number", kind=QuestionKind.NUMBER, min_value=Decimal(0), max_value=Decimal(1000), section_number=2
    )
    QuestionFactory(instrument=instrument, code="short", kind=QuestionKind.SHORT_TEXT, max_length=50, section_number=2)
    QuestionFactory(instrument=instrument, code="long", kind=QuestionKind.LONG_TEXT, section_number=2)
    knowledge = QuestionFactory(
        instrument=instrument, code="knowledge", kind=QuestionKind.KNOWLEDGE, points=2, required=False, section_number=2
    )
    options(knowledge, ["a", "b", "c"], correct=("b",))
    knowledge_multi = QuestionFactory(
        instrument=instrument, code="knowledge_multi", kind=QuestionKind.KNOWLEDGE, points=1, required=False, section_number=2
    )
    options(knowledge_multi, ["a", "b", "c"], correct=("a", "c"))
    return instrument


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    year = 2026
    title_az = factory.Sequence(lambda n: f"Ehtiyacların qiymətləndirilməsi {n}")
    title_ru = factory.Sequence(lambda n: f"Оценка потребностей {n}")
    title_en = factory.Sequence(lambda n: f"Needs assessment {n}")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = RoundStatus.OPEN


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    instrument = factory.SubFactory(InstrumentFactory)
    round = factory.SubFactory(RoundFactory)
    organisation_name = factory.Sequence(lambda n: f"Organisation {n}")
    email = factory.Sequence(lambda n: f"respondent{n}@example.org")
    language = "ru"
