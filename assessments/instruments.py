"""Instruments: reading one's questions once, and copying one as a new version instead of breaking the answers it has."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch

from assessments.models import Instrument, InstrumentStatus, Option, Question, Section
from curriculum.models import ThematicChapter

# --- reading an instrument once ------------------------------------------------------------


def instrument_questions(instrument: Instrument) -> list[Question]:
    """Its questions in order, options prefetched (one query for the questions, one for the options)."""
    return list(
        instrument.questions.order_by("section_number", "sort_order", "pk").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("sort_order", "pk"))
        )
    )


def chapters() -> list[ThematicChapter]:
    return list(ThematicChapter.objects.order_by("number"))


# --- instruments: a new version instead of breaking answers --------------------------------


def instrument_new_version(*, instrument: Instrument) -> Instrument:
    """Copy an instrument with its sections, questions and options as the next version (a draft)."""
    return instrument_copy(instrument=instrument)


def instrument_copy(*, instrument: Instrument, code: str = "") -> Instrument:
    """Copy an instrument with its sections, questions and options as a draft: the next version of its own code, or
    version 1 of a new `code` (a module's own test made from the knowledge-test template)."""
    with transaction.atomic():
        if code and code != instrument.code:
            version, previous = 1, None
        else:
            latest = Instrument.objects.filter(code=instrument.code).order_by("-version").first()
            code, version, previous = instrument.code, (latest.version if latest else instrument.version) + 1, instrument
        copy = Instrument.objects.create(
            code=code,
            version=version,
            previous_version=previous,
            **{
                name: getattr(instrument, name)
                for name in (
                    "title_az",
                    "title_ru",
                    "title_en",
                    "intro_az",
                    "intro_ru",
                    "intro_en",
                    "purpose",
                    "in_az",
                    "in_ru",
                    "in_en",
                    "is_anonymous",
                    "min_group_size",
                    "pass_mark_percent",
                )
            },
            status=InstrumentStatus.DRAFT,
        )
        copy.audience.set(instrument.audience.all())
        for section in instrument.sections.all():
            Section.objects.create(
                instrument=copy,
                sort_order=section.sort_order,
                title_az=section.title_az,
                title_ru=section.title_ru,
                title_en=section.title_en,
            )
        for question in instrument_questions(instrument):
            options = list(question.options.all())
            question.pk = None
            question.id = None
            question.instrument = copy
            question.save()
            for option in options:
                option.pk = None
                option.id = None
                option.question = question
                option.save()
    return copy


def structure_of(instrument: Instrument) -> list[tuple[object, ...]]:
    """What answers depend on: each question's code and kind and its options' values, scores and correctness."""
    return [
        (question.pk, question.code, question.kind, tuple((o.pk, o.value, o.score, o.is_correct) for o in question.options.all()))
        for question in instrument_questions(instrument)
    ]
