"""Exports of survey results: one row per response, one column per question (per option, chapter, points), as CSV or XLSX.

Rows are built a chunk of responses at a time with two queries per chunk (the responses, then
their answers as tuples), so 100,000 responses take ~100 queries, not one per row. Cells hold the
options' stable values (what `Option.value` is for); the header is in the export's language.

An anonymous survey's export follows `assessments.anonymity`: answers, round and session only, in a
random order.

A priority grid keeps "not applicable" ("NA") and "no answer" (an empty cell) apart; a multiple
choice is 1/0 per option for a respondent who answered it, empty for one who did not.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import anonymity
from assessments.instruments import chapters, instrument_questions
from assessments.jobs import JobRefused, Store, job_progress, job_run
from assessments.models import TEXT_KINDS, Answer, ExportJob, Instrument, Question, QuestionKind, Round, in_language
from assessments.results import ResultFilters, filtered_responses
from curriculum.models import TrainingSession
from home.outbox import task_enqueue_on_commit
from people.models import Country, StakeholderCategory, User

EXPORT_KIND = "survey-results"
FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
NOT_APPLICABLE = "NA"
# Excel runs a cell that starts with one of these as a formula; CSV cells get an apostrophe first, XLSX cells stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | datetime.date | None
Progress = Callable[[int, int], None]


class ExportRefused(JobRefused):
    """An export that may not be made (an anonymous group below its minimum); `message` is for the person."""


class ExportRows:
    """The rows of an export, with how many there are (for progress)."""

    def __init__(self, rows: Iterator[list[Cell]], total: int) -> None:
        self._rows = rows
        self.total = total

    def __iter__(self) -> Iterator[list[Cell]]:
        return self._rows

    def __len__(self) -> int:
        return self.total


@dataclass(frozen=True)
class _Plan:
    """What the columns of one question are made of."""

    question: Question
    option_ids: tuple[int, ...] = ()
    chapter_ids: tuple[int, ...] = ()
    correct: frozenset[int] = frozenset()
    values: dict[int, Any] | None = None


def export_check(instrument: Instrument, filters: ResultFilters) -> int:
    """How many responses the export would hold; raise ExportRefused where the anonymity rule hides the group."""
    check = anonymity.view_check(instrument, filters)
    if not check.allowed:
        raise ExportRefused(check.refusal)
    return check.responses


def export_table(instrument: Instrument, filters: ResultFilters, language: str) -> tuple[list[str], ExportRows]:
    """The header (in `language`) and the rows of the filtered responses, built chunk by chunk."""
    language = language[:2]
    with translation.override(language):
        total = export_check(instrument, filters)
        questions = instrument_questions(instrument)
        chapter_list = chapters() if any(q.kind == QuestionKind.PRIORITY_GRID for q in questions) else []
        if instrument.is_anonymous:
            # nothing that describes the person beside their answers (anonymity rule 3)
            header = [_("Round"), _("Session")]
        else:
            header = [_("Response"), _("Submitted on"), _("Country"), _("Stakeholder category"), _("Gender"), _("Round"), _("Session")]
            header.append(_("Organisation"))
        plans: list[_Plan] = []
        for question in questions:
            text = in_language(question, "text", language)
            options = list(question.options.all())
            if question.kind == QuestionKind.MULTIPLE:
                header += [f"{question.code} · {text} · {in_language(option, 'label', language)}" for option in options]
                plans.append(_Plan(question, option_ids=tuple(option.pk for option in options)))
            elif question.kind == QuestionKind.PRIORITY_GRID:
                header += [f"{question.code} · {chapter.number}. {in_language(chapter, 'name', language)}" for chapter in chapter_list]
                plans.append(_Plan(question, chapter_ids=tuple(chapter.pk for chapter in chapter_list)))
            elif question.kind == QuestionKind.KNOWLEDGE:
                header += [f"{question.code} · {text}", f"{question.code} · {_('points')}"]
                correct = frozenset(option.pk for option in options if option.is_correct)
                plans.append(_Plan(question, correct=correct, values={option.pk: option.value for option in options}))
            else:
                header.append(f"{question.code} · {text}")
                values = {
                    option.pk: option.score if question.kind == QuestionKind.LIKERT and option.score is not None else option.value
                    for option in options
                }
                plans.append(_Plan(question, values=values))
        labels = _labels(instrument, filters, language)
    return header, ExportRows(_rows(instrument, filters, plans, labels), total)


def _labels(instrument: Instrument, filters: ResultFilters, language: str) -> dict[str, dict[Any, str]]:
    """Names in `language` of the countries, categories, genders, rounds and sessions the rows refer to (one query each)."""
    responses = filtered_responses(instrument, filters)
    return {
        "country": {c.pk: in_language(c, "name", language) for c in Country.objects.all()},
        "category": {c.pk: in_language(c, "name", language) for c in StakeholderCategory.objects.all()},
        "gender": {value: str(label) for value, label in User.Gender.choices},
        "round": {
            r.pk: f"{r.year}: {in_language(r, 'title', language)}" for r in Round.objects.filter(pk__in=responses.values("round_id"))
        },
        "session": {
            s.pk: str(s) for s in TrainingSession.objects.filter(pk__in=responses.values("session_id")).select_related("module", "language")
        },
    }


def _rows(instrument: Instrument, filters: ResultFilters, plans: list[_Plan], labels: dict[str, dict[Any, str]]) -> Iterator[list[Cell]]:
    """The rows, a chunk at a time: by submission for a named survey, by the random key for an anonymous one."""
    anonymous = instrument.is_anonymous
    if anonymous:
        fields = ["pk", "sort_key", "round_id", "session_id"]
    else:
        fields = ["pk", "submitted_on", "country_id", "category_id", "gender", "round_id", "session_id", "respondent__organisation_name"]
    responses = filtered_responses(instrument, filters).order_by(*anonymity.row_order_fields(instrument))
    number = 0
    last: tuple[int, int] = (-1, 0)
    while True:
        after = (Q(sort_key__gt=last[0]) | Q(sort_key=last[0], pk__gt=last[1])) if anonymous else Q(pk__gt=last[1])
        chunk = list(responses.filter(after).values_list(*fields)[:CHUNK_SIZE])
        if not chunk:
            return
        last = (chunk[-1][1], chunk[-1][0]) if anonymous else (0, chunk[-1][0])
        answers = _answers_of(pk for pk, *_rest in chunk)
        for response in chunk:
            number += 1
            if anonymous:
                pk, _sort_key, round_id, session_id = response
                row: list[Cell] = [labels["round"].get(round_id, ""), labels["session"].get(session_id, "")]
            else:
                pk, submitted_on, country_id, category_id, gender, round_id, session_id, organisation = response
                row = [
                    number,
                    submitted_on,
                    labels["country"].get(country_id, ""),
                    labels["category"].get(category_id, ""),
                    labels["gender"].get(gender, gender),
                    labels["round"].get(round_id, ""),
                    labels["session"].get(session_id, ""),
                    organisation,
                ]
            mine = answers.get(pk, {})
            for plan in plans:
                row += _cells(plan, mine.get(plan.question.pk))
            yield row


def _answers_of(response_ids: Iterator[int]) -> dict[int, dict[int, list[tuple[Any, ...]]]]:
    """response -> question -> its answer tuples (option, chapter, score, not applicable, number, text)."""
    found: dict[int, dict[int, list[tuple[Any, ...]]]] = {}
    rows = (
        Answer.objects.filter(response_id__in=list(response_ids))
        .order_by("pk")
        .values_list("response_id", "question_id", "option_id", "chapter_id", "score", "not_applicable", "number", "text")
    )
    for response_id, question_id, *values in rows:
        found.setdefault(response_id, {}).setdefault(question_id, []).append(tuple(values))
    return found


def _cells(plan: _Plan, answers: list[tuple[Any, ...]] | None) -> list[Cell]:
    kind = plan.question.kind
    answers = answers or []
    if kind == QuestionKind.MULTIPLE:
        if not answers:
            return [None] * len(plan.option_ids)
        chosen = {option_id for option_id, *_rest in answers}
        return [1 if option_id in chosen else 0 for option_id in plan.option_ids]
    if kind == QuestionKind.PRIORITY_GRID:
        by_chapter = {chapter_id: NOT_APPLICABLE if not_applicable else score for _o, chapter_id, score, not_applicable, *_r in answers}
        return [by_chapter.get(chapter_id) for chapter_id in plan.chapter_ids]
    if kind == QuestionKind.KNOWLEDGE:
        chosen_ids = [option_id for option_id, *_rest in answers]
        values = plan.values or {}
        points = plan.question.points if chosen_ids and set(chosen_ids) == plan.correct else 0
        return ["; ".join(str(values.get(option_id, "")) for option_id in chosen_ids) or None, points]
    if not answers:
        return [None]
    option_id, _chapter, _score, _na, number, text = answers[0]
    if plan.question.is_choice:
        return [(plan.values or {}).get(option_id)]
    if kind == QuestionKind.NUMBER:
        return [number]
    if kind in TEXT_KINDS:
        return [text or None]
    return [None]  # pragma: no cover - every kind is handled above


# --- files ---------------------------------------------------------------------------------


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def write_csv(target: str | os.PathLike[str] | IO[Any], header: list[str], rows: ExportRows, progress: Progress | None = None) -> int:
    """Write the table as comma-separated UTF-8 with a byte order mark (so Excel reads Azerbaijani and Cyrillic); returns the rows written."""
    if isinstance(target, str | os.PathLike):
        with Path(target).open("w", encoding="utf-8-sig", newline="") as file:
            return _write_csv(file, header, rows, progress)
    if isinstance(target, io.TextIOBase):
        target.write("\ufeff")
        return _write_csv(target, header, rows, progress)
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    try:
        return _write_csv(text, header, rows, progress)
    finally:
        text.flush()
        text.detach()


def _write_csv(file: IO[str], header: list[str], rows: ExportRows, progress: Progress | None) -> int:
    writer = csv.writer(file)
    writer.writerow([_csv_text(label) for label in header])
    written = 0
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
        written += 1
        if progress is not None and written % CHUNK_SIZE == 0:
            progress(written, rows.total)
    if progress is not None:
        progress(written, rows.total)
    return written


def write_xlsx(target: str | os.PathLike[str] | IO[bytes], header: list[str], rows: ExportRows, progress: Progress | None = None) -> int:
    """Write the table as a one-sheet workbook (streamed: openpyxl's write-only mode); returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def text_cell(value: str, font: Font | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        # text stays text: an answer that starts with "=" must not become a formula in Excel
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        return cell

    sheet.append([text_cell(label, bold) for label in header])
    written = 0
    for row in rows:
        sheet.append([text_cell(value) if isinstance(value, str) else value for value in row])
        written += 1
        if progress is not None and written % CHUNK_SIZE == 0:
            progress(written, rows.total)
    if progress is not None:
        progress(written, rows.total)
    workbook.save(target)
    return written


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


# --- background jobs -----------------------------------------------------------------------


def results_export_request(
    *, instrument: Instrument, filters: ResultFilters, file_format: str, language: str, requested_by: User
) -> ExportJob:
    """Queue an export of an instrument's filtered results; refused (ExportRefused) for an anonymous group below its minimum."""
    from assessments.tasks import results_export

    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}")
    export_check(instrument, filters)
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=EXPORT_KIND,
            requested_by=requested_by,
            parameters={"instrument_id": instrument.pk, "filters": filters.as_parameters()},
            file_format=file_format,
            language=language,
        )
        task_enqueue_on_commit(results_export, job.pk)
    return job


def results_export_build(job_id: int) -> str:
    """Build the file of a results export job, recording progress; a job already done is left alone."""
    return job_run(job_id, kind=EXPORT_KIND, make=_make_export)


def _make_export(job: ExportJob, store: Store) -> None:
    instrument = Instrument.objects.filter(pk=job.parameters.get("instrument_id")).first()
    if instrument is None or job.file_format not in WRITERS:
        raise ExportRefused(_("This export cannot be made: its survey or format no longer exists."))
    filters = ResultFilters.from_parameters(job.parameters.get("filters", {}))
    header, rows = export_table(instrument, filters, job.language)
    set_progress = job_progress(job.pk)
    shown = {"value": -1}

    def report(done: int, total: int) -> None:
        # the last percent is set when the file is stored
        value = min(99, 100 * done // total) if total else 99
        if value != shown["value"]:
            shown["value"] = value
            set_progress(value)

    with tempfile.TemporaryFile() as file:
        WRITERS[job.file_format](file, header, rows, report)
        file.seek(0)
        store(f"{instrument.code}-v{instrument.version}-{job.language}-{timezone.localdate():%Y%m%d}.{job.file_format}", File(file))


def export_filename(job: ExportJob) -> str:
    """The name the download gets (the stored name carries a random prefix)."""
    return os.path.basename(job.file.name).split("-", 1)[-1] if job.file else f"export.{job.file_format}"
