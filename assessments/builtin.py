"""The built-in survey instruments (needs assessment, evaluation, knowledge-test templates, follow-up) and their loader.

The instruments are data: one YAML file each in assessments/data/instruments/ (read and checked by
`assessments.instrument_files`), every text in Azerbaijani, Russian and English side by side. The
needs-assessment questionnaires follow the question areas of the 2021 questionnaires as the report
lets us reconstruct them (digest section 2.3: G1-G27 for government bodies, the notes on the CSO and
media forms); evaluation and follow-up answer the report's call for more than end-of-course forms
(section 4.6). Question codes and option values use underscores, like the 2021 tables (Table 3 and
Table 4 column names are reused as they are), so that old and new answers line up in exports.

`INSTRUMENTS`, `BUILTIN_CODES` and `TEMPLATE_NOTE` are read from the files on first use, so that a
broken file stops the loading command with its message, not the start of the site.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from assessments.instrument_files import SHARED_FILE, Text, instruments_read, shared_read
from assessments.models import Instrument, InstrumentStatus, Option, Question, QuestionKind, Section
from people.models import StakeholderCategory

DATA_DIR = Path(__file__).resolve().parent / "data" / "instruments"

PRIORITY_QUESTION_CODE = "priorities"
FURTHER_TRAINING_QUESTION_CODE = "further_training"
POST_TEST_PASS_MARK = 60
BUILTIN_VERSION = 1

NEEDS_ASSESSMENT_BY_CATEGORY = {"government": "na-government", "cso": "na-cso", "media": "na-media"}
NEEDS_ASSESSMENT_FALLBACK = "na-cso"


@functools.cache
def instruments() -> list[dict[str, Any]]:
    """The built-in instruments as the data files give them, in the files' order."""
    return instruments_read(DATA_DIR)


@functools.cache
def _template_note() -> Text:
    return shared_read(DATA_DIR / SHARED_FILE)["texts"]["template_note"]


def __getattr__(name: str) -> Any:
    """The names this module had when the instruments were written in it, now read from the files."""
    if name == "INSTRUMENTS":
        return instruments()
    if name == "BUILTIN_CODES":
        return tuple(spec["code"] for spec in instruments())
    if name == "TEMPLATE_NOTE":
        # The knowledge-test templates' intros start with it; a module's own copy of a test drops it.
        return _template_note()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Loader -----------------------------------------------------------------------------------


def _texts(field: str, text: Text) -> dict[str, str]:
    az, ru, en = text
    return {f"{field}_az": az, f"{field}_ru": ru, f"{field}_en": en}


def _option_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The options of a question as field values: Likert points score 1..N in order, knowledge options say if correct."""
    rows = []
    for position, choice in enumerate(spec["options"], start=1):
        value, az, ru, en = choice[:4]
        rows.append(
            {
                "value": value,
                **_texts("label", (az, ru, en)),
                "score": position if spec["kind"] == QuestionKind.LIKERT else None,
                "is_correct": bool(choice[4]) if spec["kind"] == QuestionKind.KNOWLEDGE else False,
            }
        )
    return rows


def _sync_sections(instrument: Instrument, titles: list[Text]) -> None:
    existing = list(instrument.sections.order_by("sort_order", "pk"))
    for position, title in enumerate(titles):
        fields = {"sort_order": position, **_texts("title", title)}
        if position < len(existing):
            Section.objects.filter(pk=existing[position].pk).update(**fields)
        else:
            Section.objects.create(instrument=instrument, **fields)
    Section.objects.filter(pk__in=[section.pk for section in existing[len(titles) :]]).delete()


def _sync_options(question_row: Question, rows: list[dict[str, Any]]) -> None:
    values = [row["value"] for row in rows]
    question_row.options.exclude(value__in=values).delete()
    for position, row in enumerate(rows):
        Option.objects.update_or_create(question=question_row, value=row["value"], defaults={"sort_order": position, **row})


def _sync_questions(instrument: Instrument, sections: list[dict[str, Any]]) -> None:
    specs = [(number, spec) for number, section in enumerate(sections, start=1) for spec in section["questions"]]
    codes = [spec["code"] for _number, spec in specs]
    # Nobody has answered (the caller checked), so no answer row holds on to a question that is dropped.
    instrument.questions.exclude(code__in=codes).delete()
    for position, (number, spec) in enumerate(specs):
        question_row, _created = Question.objects.update_or_create(
            instrument=instrument,
            code=spec["code"],
            defaults={
                "sort_order": position,
                "section_number": number,
                "kind": spec["kind"],
                **_texts("text", spec["text"]),
                **_texts("help", spec["help"]),
                "required": spec["required"],
                "points": spec["points"],
                "min_value": None if spec["min_value"] is None else Decimal(spec["min_value"]),
                "max_value": None,
                "max_length": None,
            },
        )
        _sync_options(question_row, _option_rows(spec))


def _load_instrument(spec: dict[str, Any], categories: dict[str, StakeholderCategory]) -> None:
    instrument = Instrument.objects.filter(code=spec["code"], version=BUILTIN_VERSION).first()
    if instrument is not None and instrument.has_responses():
        return  # answered: its questions and options are fixed; changes go into a new version
    fields = {
        "purpose": spec["purpose"],
        **_texts("title", spec["title"]),
        **_texts("intro", spec["intro"]),
        "is_anonymous": spec.get("is_anonymous", False),
        "min_group_size": spec.get("min_group_size", 5),
        "pass_mark_percent": spec.get("pass_mark_percent"),
    }
    if instrument is None:
        # Status and the default flag are set once: later, what the coordinators decide in the admin stands.
        default_taken = Instrument.objects.filter(purpose=spec["purpose"], is_default=True).exists()
        instrument = Instrument.objects.create(
            code=spec["code"],
            version=BUILTIN_VERSION,
            status=InstrumentStatus.PUBLISHED,
            is_default=spec.get("is_default", False) and not default_taken,
            **fields,
        )
    else:
        for name, value in fields.items():
            setattr(instrument, name, value)
        instrument.save()
    instrument.audience.set([categories[code] for code in spec["audience"] if code in categories])
    _sync_sections(instrument, [section["title"] for section in spec["sections"]])
    _sync_questions(instrument, spec["sections"])


@transaction.atomic
def load() -> dict[str, int]:
    """Create or update the built-in instruments (version 1); one that has responses is left as it is."""
    categories = {category.code: category for category in StakeholderCategory.objects.all()}
    for spec in instruments():
        _load_instrument(spec, categories)
    builtin = Instrument.objects.filter(code__in=[spec["code"] for spec in instruments()], version=BUILTIN_VERSION)
    return {
        "survey instruments": builtin.count(),
        "survey sections": Section.objects.filter(instrument__in=builtin).count(),
        "survey questions": Question.objects.filter(instrument__in=builtin).count(),
        "survey options": Option.objects.filter(question__instrument__in=builtin).count(),
    }


def needs_assessment_instrument_for(category_code: str) -> Instrument | None:
    """The published needs-assessment questionnaire (newest version) for a stakeholder category; CSO for the others."""
    code = NEEDS_ASSESSMENT_BY_CATEGORY.get(category_code, NEEDS_ASSESSMENT_FALLBACK)
    return Instrument.objects.filter(code=code, status=InstrumentStatus.PUBLISHED).order_by("-version").first()
