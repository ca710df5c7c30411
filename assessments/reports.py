"""Reports built in the background: the priority matrix as a PDF, and the donor indicator pack (XLSX, CSV or PDF).

Both are `ExportJob` rows (kinds "matrix-report" and "donor-pack") that a Celery task
(assessments.report_tasks) builds once: a job already done is left alone, and of two runs of the same
job (a retry while the first was still going) only one file is kept.

The matrix report reads the snapshot's cells through the matrix pages' selectors (heatmap, regional
summary, priority versus delivery), so the PDF says what the pages say. What the donor pack counts, and its
files, are in `assessments.donor_pack`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import exports
from assessments import matrix_selectors as selectors
from assessments.donor_pack import donor_pack, donor_pack_file
from assessments.jobs import JobRefused, Store, job_progress, job_run
from assessments.models import LANGUAGE_CODES, ExportJob, MatrixSnapshot, SnapshotKind, SnapshotStatus
from assessments.report_pdf import _when, render_pdf
from curriculum.models import ThematicChapter, ThematicPart
from home.outbox import task_enqueue_on_commit
from people.models import Country, StakeholderCategory, User

MATRIX_REPORT_KIND = "matrix-report"
DONOR_PACK_KIND = "donor-pack"
REPORT_KINDS = (MATRIX_REPORT_KIND, DONOR_PACK_KIND)
DONOR_FORMATS = ("xlsx", "csv", "pdf")
MAX_RANGE_YEARS = 10
# The palette steps of the heatmap (ColorBrewer YlGnBu, 4 classes), as the admin heatmap draws them.
LEGEND_BOUNDS = (("1", "1.49"), ("1.5", "2.49"), ("2.5", "3.49"), ("3.5", "4"))
FLAG_LABELS = {
    selectors.HIGH_NEED_NOTHING_DELIVERED: gettext_lazy("High need, nothing delivered"),
    selectors.DELIVERY_AGAINST_LOW_NEED: gettext_lazy("Delivery against low need"),
}

Progress = Callable[[int], None]


class ReportRefused(JobRefused):
    """A report that cannot be made as asked; `message` says why, for the person."""


# --- asking for a report -------------------------------------------------------------------


def matrix_report_request(
    *,
    snapshot: MatrixSnapshot,
    language: str,
    requested_by: User,
    part: int | None = None,
    category: StakeholderCategory | None = None,
) -> ExportJob:
    """Queue the PDF report of a finished snapshot (a Celery task builds it after the commit)."""
    from assessments.report_tasks import matrix_report_build as task

    if snapshot.status != SnapshotStatus.DONE:
        raise ValidationError(_("This snapshot is not ready yet: wait until it is computed."), code="snapshot_not_ready")
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Choose Azerbaijani, Russian or English."), code="language")
    if part not in (None, 1, 2):
        raise ValidationError(_("The curriculum has parts 1 and 2 only."), code="part")
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=MATRIX_REPORT_KIND,
            requested_by=requested_by,
            parameters={"snapshot_id": snapshot.pk, "part": part, "category_id": category.pk if category else None},
            file_format="pdf",
            language=language,
        )
        task_enqueue_on_commit(task, job.pk)
    return job


def years_later(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def date_range_check(date_from: datetime.date | None, date_to: datetime.date | None) -> None:
    """A donor pack's period: both days given, the first not after the last, at most ten years long."""
    if date_from is None or date_to is None:
        raise ValidationError(_("Give the first and the last day of the period."), code="dates_required")
    if date_from > date_to:
        raise ValidationError(_("The first day of the period must not be after its last day."), code="dates_reversed")
    if date_to > years_later(date_from, MAX_RANGE_YEARS):
        raise ValidationError(
            _("The period can be at most %(years)d years long: choose a later first day or an earlier last day.")
            % {"years": MAX_RANGE_YEARS},
            code="range_too_long",
        )


def donor_pack_request(
    *, date_from: datetime.date, date_to: datetime.date, file_format: str, language: str, requested_by: User
) -> ExportJob:
    """Queue the donor indicator pack of a period (a Celery task builds it after the commit)."""
    from assessments.report_tasks import donor_pack_build as task

    date_range_check(date_from, date_to)
    if file_format not in DONOR_FORMATS:
        raise ValidationError(_("Choose Excel (XLSX), CSV or PDF."), code="format")
    if language not in LANGUAGE_CODES:
        raise ValidationError(_("Choose Azerbaijani, Russian or English."), code="language")
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=DONOR_PACK_KIND,
            requested_by=requested_by,
            parameters={"date_from": date_from.isoformat(), "date_to": date_to.isoformat(), "file_format": file_format},
            file_format=file_format,
            language=language,
        )
        task_enqueue_on_commit(task, job.pk)
    return job


# --- the priority-matrix report ------------------------------------------------------------


@dataclass(frozen=True)
class FlagRow:
    """A line of the "priority versus delivery" tables."""

    kind: str
    chapter: ThematicChapter
    country: Country
    stated: str
    remaining: str
    sessions: int
    participants: int
    participant_days: int


def _cell_text(state: str, value: Decimal | None) -> str:
    return selectors.CellView(pk=None, state=state, value=value).text


def matrix_report_context(snapshot: MatrixSnapshot, *, part: int | None, category: StakeholderCategory | None) -> dict[str, Any]:
    """What the PDF prints, in the active language: the snapshot's facts, the heatmap, the summary and the flags."""
    grid = selectors.heatmap(snapshot, part=part, category=category, measure=selectors.STATED)
    summaries = selectors.chapter_summaries(snapshot, part=part, category=category)
    flags, live = selectors.delivery_flags(snapshot)
    shown_chapters = {row.chapter.pk for group in grid.parts for row in group.rows}  # the chapters of the part asked for
    flag_rows = [
        FlagRow(
            kind=flag.kind,
            chapter=flag.cell.chapter,
            country=flag.cell.country,
            stated=_cell_text(flag.cell.state, flag.cell.value),
            remaining=_cell_text(flag.cell.state, flag.cell.remaining_need),
            sessions=flag.sessions,
            participants=flag.participants,
            participant_days=flag.participant_days,
        )
        for flag in flags
        if flag.cell.chapter_id in shown_chapters
    ]
    author = snapshot.created_by
    part_row = ThematicPart.objects.filter(number=part).first() if part is not None else None
    return {
        "snapshot": snapshot,
        "is_baseline": snapshot.kind == SnapshotKind.BASELINE,
        "made_at": _when(snapshot.finished_at or snapshot.created_at),
        "made_by": (author.get_full_name().strip() or author.email) if author else "",
        "rounds": selectors.snapshot_rounds(snapshot),
        "part": part_row,
        "category": category,
        "grid": grid,
        "summaries": summaries,
        "flag_groups": [(str(label), [row for row in flag_rows if row.kind == kind]) for kind, label in FLAG_LABELS.items()],
        "high_count": sum(1 for row in flag_rows if row.kind == selectors.HIGH_NEED_NOTHING_DELIVERED),
        "low_count": sum(1 for row in flag_rows if row.kind == selectors.DELIVERY_AGAINST_LOW_NEED),
        "live_delivery": live,
        "high_stated": selectors.show_number(selectors.HIGH_STATED),
        "high_remaining": selectors.show_number(selectors.HIGH_REMAINING),
        "low_stated": selectors.show_number(selectors.LOW_STATED),
        "legend": [
            (step, selectors.show_number(Decimal(low)), selectors.show_number(Decimal(high)))
            for step, (low, high) in enumerate(LEGEND_BOUNDS, start=1)
        ],
        "generated_at": _when(timezone.now()),
    }


# --- building a job ------------------------------------------------------------------------


def _build(job_id: int, kind: str, make: Callable[[ExportJob, Progress], tuple[str, bytes]]) -> str:
    """Run a report job once (`jobs.job_run`): `make` returns the file's name and content, reporting its progress."""

    def make_and_store(job: ExportJob, store: Store) -> None:
        name, content = make(job, job_progress(job.pk))
        store(name, ContentFile(content))

    return job_run(job_id, kind=kind, make=make_and_store, first_progress=10)


def _integer_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None


def _make_matrix_report(job: ExportJob, progress: Progress) -> tuple[str, bytes]:
    parameters = job.parameters or {}
    snapshot = MatrixSnapshot.objects.select_related("created_by").filter(pk=_integer_or_none(parameters.get("snapshot_id"))).first()
    if snapshot is None or snapshot.status != SnapshotStatus.DONE:
        raise ReportRefused(_("This report cannot be made: its snapshot no longer exists or is not ready."))
    category_id = _integer_or_none(parameters.get("category_id"))
    category = StakeholderCategory.objects.filter(pk=category_id).first() if category_id is not None else None
    if category_id is not None and category is None:
        raise ReportRefused(_("This report cannot be made: its stakeholder category no longer exists."))
    part = _integer_or_none(parameters.get("part"))
    context = matrix_report_context(snapshot, part=part, category=category)
    progress(60)  # the rest is WeasyPrint's layout
    content = render_pdf("pdf/matrix_report.html", {**context, "language": job.language})
    return f"priority-matrix-report-{snapshot.pk}-{job.language}-{timezone.localdate():%Y%m%d}.pdf", content


def matrix_report_build(job_id: int) -> str:
    """Build the PDF of a matrix-report job (progress 10, 60, 100); a job already done stays as it is."""
    return _build(job_id, MATRIX_REPORT_KIND, _make_matrix_report)


def _pack_period(parameters: dict[str, Any]) -> tuple[datetime.date, datetime.date]:
    try:
        date_from = datetime.date.fromisoformat(str(parameters.get("date_from")))
        date_to = datetime.date.fromisoformat(str(parameters.get("date_to")))
        date_range_check(date_from, date_to)
    except (ValueError, ValidationError) as bad:
        raise ReportRefused(_("This pack cannot be made: its period is not valid.")) from bad
    return date_from, date_to


def _make_donor_pack(job: ExportJob, progress: Progress) -> tuple[str, bytes]:
    date_from, date_to = _pack_period(job.parameters or {})
    if job.file_format not in DONOR_FORMATS:
        raise ReportRefused(_("This pack cannot be made: its format is not known."))
    pack = donor_pack(date_from, date_to, job.language)
    progress(60)
    content = donor_pack_file(pack, job.file_format, job.language)
    return f"donor-pack-{date_from:%Y%m%d}-{date_to:%Y%m%d}-{job.language}.{job.file_format}", content


def donor_pack_build(job_id: int) -> str:
    """Build the file of a donor-pack job (progress 10, 60, 100); a job already done stays as it is."""
    return _build(job_id, DONOR_PACK_KIND, _make_donor_pack)


# --- what the job pages say ----------------------------------------------------------------


def report_filename(job: ExportJob) -> str:
    """The name the download gets (the stored name carries a random prefix)."""
    return exports.export_filename(job)


def describe_job(job: ExportJob) -> list[tuple[str, str]]:
    """A job's parameters as (label, value) pairs for its page, in the active language."""
    parameters = job.parameters or {}
    described: list[tuple[str, str]] = []
    if job.kind == MATRIX_REPORT_KIND:
        snapshot = MatrixSnapshot.objects.filter(pk=_integer_or_none(parameters.get("snapshot_id"))).first()
        described.append((_("Snapshot"), f"{snapshot.title} (no. {snapshot.pk})" if snapshot else "—"))
        part = _integer_or_none(parameters.get("part"))
        part_row = ThematicPart.objects.filter(number=part).first() if part is not None else None
        described.append((_("Part of the curriculum"), f"{part_row.number}. {part_row.name}" if part_row else _("Both parts")))
        category_id = _integer_or_none(parameters.get("category_id"))
        category = StakeholderCategory.objects.filter(pk=category_id).first() if category_id is not None else None
        described.append((_("Stakeholder category"), category.name if category else _("All categories together")))
    else:
        for key, label in (("date_from", _("First day")), ("date_to", _("Last day"))):
            try:
                day = datetime.date.fromisoformat(str(parameters.get(key)))
            except ValueError:
                described.append((label, "—"))
            else:
                described.append((label, formats.date_format(day, "DATE_FORMAT")))
    described.append((_("Format"), job.file_format.upper()))
    described.append((_("Language"), str(job.get_language_display())))
    return described


def kind_label(kind: str) -> str:
    return _("Priority-matrix report") if kind == MATRIX_REPORT_KIND else _("Donor indicator pack")


def recent_jobs(user: User, limit: int = 20) -> list[ExportJob]:
    """The user's latest report jobs, newest first."""
    return list(ExportJob.objects.filter(requested_by=user, kind__in=REPORT_KINDS).order_by("-created_at", "-pk")[:limit])
