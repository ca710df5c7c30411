"""Reports built in the background: the priority matrix as a PDF, and the donor indicator pack (XLSX, CSV or PDF).

Both are `ExportJob` rows (kinds "matrix-report" and "donor-pack") that a Celery task
(assessments.report_tasks) builds once: a job already done is left alone, and of two runs of the same
job (a retry while the first was still going) only one file is kept.

The matrix report reads the snapshot's cells through the matrix pages' selectors (heatmap, regional
summary, priority versus delivery), so the PDF says what the pages say. The donor pack counts, for the
sessions whose last day falls in the period, in a fixed number of grouped queries: people trained by
sex, country, stakeholder category and chapter (confirmed participants, each person once per
chapter), participant-days (days attended), certificates issued in the period and not revoked, the
mean knowledge gain (post-test minus pre-test share of points, per participant who took both) and
the mean of every Likert question of the session evaluations.
"""

from __future__ import annotations

import datetime
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Avg, Count, Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import anonymity, exports, matrix
from assessments import matrix_selectors as selectors
from assessments.jobs import JobRefused, Store, job_progress, job_run
from assessments.models import (
    LANGUAGE_CODES,
    Answer,
    ExportJob,
    MatrixSnapshot,
    Purpose,
    Question,
    QuestionKind,
    Response,
    SnapshotKind,
    SnapshotStatus,
    in_language,
)
from curriculum.models import (
    ApplicationStatus,
    Attendance,
    Certificate,
    CertificateKind,
    ModulePage,
    SessionApplication,
    SessionStatus,
    ThematicChapter,
    ThematicPart,
    TrainingSession,
)
from home.outbox import task_enqueue_on_commit
from people.models import Country, StakeholderCategory, User

MATRIX_REPORT_KIND = "matrix-report"
DONOR_PACK_KIND = "donor-pack"
REPORT_KINDS = (MATRIX_REPORT_KIND, DONOR_PACK_KIND)
DONOR_FORMATS = ("xlsx", "csv", "pdf")
MAX_RANGE_YEARS = 10
# Not delivered: the donor pack leaves these sessions out, as the matrix's delivery does.
NOT_DELIVERED = (SessionStatus.CANCELLED, SessionStatus.DRAFT)
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


# --- rendering PDFs ------------------------------------------------------------------------


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A template rendered to PDF with the bundled Noto Sans fonts (ə ğ ı ş ç ö ü and Cyrillic), as certificates are."""
    from curriculum.certificates import font_stylesheet
    from curriculum.pdf import FONT_STACK, write_pdf

    html = render_to_string(template, {**context, "font_stack": FONT_STACK})
    font_config, fonts = font_stylesheet()
    return write_pdf(html, stylesheets=[fonts], font_config=font_config)


def _when(moment: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


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


# --- the donor indicator pack --------------------------------------------------------------

Cell = exports.Cell


@dataclass(frozen=True)
class Column:
    """A column of a pack table: a stable key (columns with the same key line up in the CSV) and its label."""

    key: str
    label: str
    numeric: bool = False


@dataclass
class PackTable:
    """One table of the donor pack: a sheet of the workbook, a value of the CSV's "table" column, a table of the PDF."""

    code: str
    title: str
    description: str
    columns: list[Column]
    rows: list[dict[str, Cell]] = field(default_factory=list)

    def values(self, row: dict[str, Cell]) -> list[Cell]:
        return [row.get(column.key) for column in self.columns]


@dataclass
class DonorPack:
    date_from: datetime.date
    date_to: datetime.date
    tables: list[PackTable]


def pack_sessions(date_from: datetime.date, date_to: datetime.date) -> QuerySet[TrainingSession]:
    """The sessions of a period: their last day in it, neither draft nor cancelled."""
    return TrainingSession.objects.filter(end_date__gte=date_from, end_date__lte=date_to).exclude(status__in=NOT_DELIVERED)


def _mean(value: float | Decimal | None) -> Decimal | None:
    return matrix.quantize(value)


class _Labels:
    """Names in the active language of the countries, categories, chapters and sexes the rows refer to (a query each)."""

    def __init__(self) -> None:
        self.countries = {c.pk: c for c in Country.objects.all()}
        self.categories = {c.pk: c for c in StakeholderCategory.objects.all()}
        self.chapters = {c.pk: c for c in ThematicChapter.objects.all()}
        self.sexes = dict(User.Gender.choices)
        self.sex_order = {value: order for order, value in enumerate(User.Gender.values)}

    def sex(self, value: str) -> str:
        return str(self.sexes[value]) if value in self.sexes else _("Not stated")

    def country(self, pk: int | None) -> str:
        return self.countries[pk].name if pk in self.countries else _("Not stated")

    def category(self, pk: int | None) -> str:
        return self.categories[pk].name if pk in self.categories else _("Not stated")

    def chapter(self, pk: int | None) -> str:
        chapter = self.chapters.get(pk)  # type: ignore[arg-type]
        return f"{chapter.number}. {chapter.name}" if chapter else _("No chapter")

    def order(self, sex: str, country: int | None, category: int | None, chapter: int | None) -> tuple[int, ...]:
        """Chapters by number, then countries and categories in their reference order, sexes as listed (unknown last)."""
        last = 10_000
        return (
            self.chapters[chapter].number if chapter in self.chapters else last,
            self.countries[country].sort_order if country in self.countries else last,
            self.categories[category].sort_order if category in self.categories else last,
            self.sex_order.get(sex, last),
        )


def _people_table(applications: QuerySet[SessionApplication], labels: _Labels) -> PackTable:
    """People trained and participant-days by sex, country, stakeholder category and chapter (two grouped queries)."""
    dimensions = ("gender", "country_id", "category_id", "session__module__chapters")
    people = applications.values_list(*dimensions).annotate(people=Count("trainee_id", distinct=True)).order_by()
    days = (
        Attendance.objects.filter(present=True, application__in=applications)
        .values_list(*(f"application__{name}" for name in dimensions))
        .annotate(days=Count("pk"))
        .order_by()
    )
    counted: dict[tuple[Any, ...], list[int]] = {}
    for *key, n in people:
        counted.setdefault(tuple(key), [0, 0])[0] = n
    for *key, n in days:
        counted.setdefault(tuple(key), [0, 0])[1] = n
    table = PackTable(
        code="people",
        title=_("People trained"),
        description=_(
            "Confirmed participants of the period's sessions, each person counted once per chapter (a session's module may "
            "cover several chapters), and the days they attended."
        ),
        columns=[
            Column("sex", _("Sex")),
            Column("country", _("Country")),
            Column("category", _("Stakeholder category")),
            Column("chapter", _("Chapter")),
            Column("people", _("People trained"), numeric=True),
            Column("participant_days", _("Participant-days"), numeric=True),
        ],
    )
    for key in sorted(counted, key=lambda k: labels.order(*k)):
        sex, country, category, chapter = key
        table.rows.append(
            {
                "sex": labels.sex(sex),
                "country": labels.country(country),
                "category": labels.category(category),
                "chapter": labels.chapter(chapter),
                "people": counted[key][0],
                "participant_days": counted[key][1],
            }
        )
    return table


def _certificates(date_from: datetime.date, date_to: datetime.date) -> QuerySet[Certificate]:
    """Certificates issued in the period (its days in the centre's time zone) and not revoked."""
    return Certificate.objects.filter(issued_at__date__gte=date_from, issued_at__date__lte=date_to, revoked_at__isnull=True)


def _certificate_table(date_from: datetime.date, date_to: datetime.date, labels: _Labels) -> PackTable:
    """Certificates by kind, sex, country and stakeholder category (one grouped query)."""
    grouped = (
        _certificates(date_from, date_to)
        .values_list("kind", "application__gender", "application__country_id", "application__category_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    kinds = dict(CertificateKind.choices)
    kind_order = {value: order for order, value in enumerate(CertificateKind.values)}
    table = PackTable(
        code="certificates",
        title=_("Certificates"),
        description=_("Certificates issued in the period and not revoked, by what they attest."),
        columns=[
            Column("kind", _("Certificate")),
            Column("sex", _("Sex")),
            Column("country", _("Country")),
            Column("category", _("Stakeholder category")),
            Column("certificates", _("Certificates issued"), numeric=True),
        ],
    )
    for kind, sex, country, category, n in sorted(
        grouped, key=lambda row: (kind_order.get(row[0], 99), *labels.order(row[1], row[2], row[3], None)[1:])
    ):
        table.rows.append(
            {
                "kind": str(kinds.get(kind, kind)),
                "sex": labels.sex(sex),
                "country": labels.country(country),
                "category": labels.category(category),
                "certificates": n,
            }
        )
    return table


def _test_pairs(sessions: QuerySet[TrainingSession]) -> QuerySet[Response]:
    """Post-tests of confirmed participants of the sessions, each with its share of points and that of the same person's
    pre-test in the same session (those without a pre-test left out)."""
    percent = ExpressionWrapper(F("points") * 100.0 / F("max_points"), output_field=FloatField())
    pre = (
        Response.objects.filter(
            session_id=OuterRef("session_id"),
            respondent__user_id=OuterRef("respondent__user_id"),
            instrument__purpose=Purpose.PRE_TEST,
            points__isnull=False,
            max_points__gt=0,
        )
        .order_by("-pk")
        .annotate(share=percent)
        .values("share")[:1]
    )
    confirmed = SessionApplication.objects.filter(
        session_id=OuterRef("session_id"), trainee_id=OuterRef("respondent__user_id"), status=ApplicationStatus.APPROVED
    )
    return (
        Response.objects.filter(
            session__in=sessions,
            instrument__purpose=Purpose.POST_TEST,
            respondent__user__isnull=False,
            points__isnull=False,
            max_points__gt=0,
        )
        .filter(Exists(confirmed))
        .annotate(post_share=percent, pre_share=Subquery(pre, output_field=FloatField()))
        .filter(pre_share__isnull=False)
    )


def _knowledge_table(sessions: QuerySet[TrainingSession], language: str) -> tuple[PackTable, dict[str, Any]]:
    """Mean pre-test and post-test shares and the mean gain, per session and over all (two grouped queries, then the
    sessions and their modules' titles in `language`)."""
    pairs = _test_pairs(sessions)
    means = {
        "measured": Count("pk"),
        "pre": Avg("pre_share"),
        "post": Avg("post_share"),
        "gain": Avg(F("post_share") - F("pre_share")),
    }
    per_session = {row["session_id"]: row for row in pairs.values("session_id").annotate(**means).order_by()}
    overall = pairs.aggregate(**means)
    table = PackTable(
        code="knowledge",
        title=_("Knowledge gain"),
        description=_(
            "Per participant who took both tests of a session: the post-test share of points minus the pre-test share "
            "(percentage points); the means over those participants."
        ),
        columns=[
            Column("session", _("Session")),
            Column("first_day", _("First day")),
            Column("last_day", _("Last day")),
            Column("measured", _("Participants with both tests"), numeric=True),
            Column("pre", _("Mean pre-test score (%)"), numeric=True),
            Column("post", _("Mean post-test score (%)"), numeric=True),
            Column("gain", _("Mean knowledge gain (percentage points)"), numeric=True),
        ],
    )
    shown = list(sessions.filter(pk__in=list(per_session)).select_related("module").order_by("end_date", "pk"))
    titles = dict(
        ModulePage.objects.live()
        .filter(translation_key__in={session.module.translation_key for session in shown}, locale__language_code=language)
        .values_list("translation_key", "title")
    )
    for session in shown:
        row = per_session[session.pk]
        title = titles.get(session.module.translation_key) or session.module.title
        table.rows.append(
            {
                "session": f"{session.module.code} {title}".strip(),
                "first_day": session.start_date,
                "last_day": session.end_date,
                "measured": row["measured"],
                "pre": _mean(row["pre"]),
                "post": _mean(row["post"]),
                "gain": _mean(row["gain"]),
            }
        )
    if per_session:
        table.rows.append(
            {
                "session": _("All sessions"),
                "measured": overall["measured"],
                "pre": _mean(overall["pre"]),
                "post": _mean(overall["post"]),
                "gain": _mean(overall["gain"]),
            }
        )
    return table, overall


def _evaluation_table(sessions: QuerySet[TrainingSession], language: str) -> tuple[PackTable, int]:
    """The mean of every Likert question of the sessions' evaluations, by question code (two queries, and one for the count).

    A session's answers to an anonymous evaluation count only once its evaluation has closed and they reach its
    minimum (`anonymity`): a pack of one period minus the pack of a shorter one, or the same pack fetched before and
    after one person answers, then never leaves fewer people's answers than that.
    """
    small_scopes = anonymity.withheld_scopes()
    answers = Answer.objects.filter(
        response__session__in=sessions,
        response__instrument__purpose=Purpose.SESSION_EVALUATION,
        question__kind=QuestionKind.LIKERT,
        score__isnull=False,
    ).exclude(anonymity.scopes_q(small_scopes, "response__"))
    grouped = {
        code: (n, mean) for code, n, mean in answers.values_list("question__code").annotate(n=Count("pk"), mean=Avg("score")).order_by()
    }
    # the label of a code: its text in the newest evaluation that asks it
    labels: dict[str, Question] = {}
    for question in Question.objects.filter(
        code__in=list(grouped), kind=QuestionKind.LIKERT, instrument__purpose=Purpose.SESSION_EVALUATION
    ).order_by("code", "-instrument_id"):
        labels.setdefault(question.code, question)
    table = PackTable(
        code="evaluation",
        title=_("Evaluation"),
        description=_("The mean answer to each rating-scale question of the sessions' evaluations (1 the lowest)."),
        columns=[
            Column("question_code", _("Question code")),
            Column("question", _("Question")),
            Column("answers", _("Answers"), numeric=True),
            Column("mean", _("Mean"), numeric=True),
        ],
    )
    order = sorted(grouped, key=lambda code: (labels[code].sort_order, code) if code in labels else (10_000, code))
    for code in order:
        n, mean = grouped[code]
        table.rows.append(
            {
                "question_code": code,
                "question": in_language(labels[code], "text", language) if code in labels else code,
                "answers": n,
                "mean": _mean(mean),
            }
        )
    responses = (
        Response.objects.filter(session__in=sessions, instrument__purpose=Purpose.SESSION_EVALUATION)
        .exclude(anonymity.scopes_q(small_scopes))
        .count()
    )
    return table, responses


def donor_pack(date_from: datetime.date, date_to: datetime.date, language: str) -> DonorPack:
    """Every table of the donor pack of a period, labels in `language` (a fixed number of queries, whatever the period holds)."""
    with translation.override(language):
        labels = _Labels()
        sessions = pack_sessions(date_from, date_to)
        applications = SessionApplication.objects.filter(session__in=sessions, status=ApplicationStatus.APPROVED)
        people = _people_table(applications, labels)
        certificates = _certificate_table(date_from, date_to, labels)
        knowledge, overall = _knowledge_table(sessions, language)
        evaluation, evaluation_responses = _evaluation_table(sessions, language)
        women, men = User.Gender.FEMALE, User.Gender.MALE
        totals = applications.aggregate(
            people=Count("trainee_id", distinct=True),
            women=Count("trainee_id", distinct=True, filter=Q(gender=women)),
            men=Count("trainee_id", distinct=True, filter=Q(gender=men)),
            others=Count("trainee_id", distinct=True, filter=~Q(gender__in=[women, men])),
        )
        figures: list[tuple[str, str, Cell]] = [
            ("sessions", _("Sessions whose last day is in the period"), sessions.count()),
            ("people", _("People trained (each person once)"), totals["people"]),
            ("women", _("of whom women"), totals["women"]),
            ("men", _("of whom men"), totals["men"]),
            ("others", _("of whom another gender or not stated"), totals["others"]),
            (
                "participant_days",
                _("Participant-days (days attended)"),
                Attendance.objects.filter(present=True, application__in=applications).count(),
            ),
            ("certificates", _("Certificates issued in the period, not revoked"), _certificates(date_from, date_to).count()),
            ("measured", _("Participants with a pre-test and a post-test"), overall["measured"]),
            ("gain", _("Mean knowledge gain (percentage points)"), _mean(overall["gain"])),
            ("evaluations", _("Evaluation responses"), evaluation_responses),
        ]
        summary = PackTable(
            code="summary",
            title=_("Key figures"),
            description=_("The period's key figures."),
            columns=[Column("figure", _("Indicator")), Column("value", _("Value"), numeric=True)],
            rows=[{"figure_code": code, "figure": label, "value": value} for code, label, value in figures],
        )
        return DonorPack(date_from, date_to, [summary, people, certificates, knowledge, evaluation])


def _safe_sheet_title(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()[:31] or "Sheet"
    candidate, number = cleaned, 2
    while candidate.lower() in used:
        suffix = f" {number}"
        candidate, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def write_pack_xlsx(target: str | os.PathLike[str] | IO[bytes], pack: DonorPack) -> None:
    """The pack as a workbook with one sheet per table (texts kept as text, numbers and dates as such)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for table in pack.tables:
        sheet = workbook.create_sheet(_safe_sheet_title(table.title, used))
        sheet.freeze_panes = "A2"

        def text_cell(value: str, font: Font | None = None, sheet: Any = sheet) -> WriteOnlyCell:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"  # a label that starts with "=" stays text
            if font is not None:
                cell.font = font
            return cell

        sheet.append([text_cell(column.label, bold) for column in table.columns])
        for row in table.rows:
            sheet.append([text_cell(value) if isinstance(value, str) else value for value in table.values(row)])
    workbook.save(target)


def pack_csv_rows(pack: DonorPack) -> tuple[list[str], list[list[Cell]]]:
    """The pack as one table: a "table" column, then every table's columns (those with the same key shared)."""
    keys: list[Column] = []
    for table in pack.tables:
        for column in table.columns:
            if all(column.key != known.key for known in keys):
                keys.append(column)
    header = [_("Table")] + [column.label for column in keys]
    rows = [[table.title] + [row.get(column.key) for column in keys] for table in pack.tables for row in table.rows]
    return header, rows


def write_pack_csv(target: str | os.PathLike[str] | IO[Any], pack: DonorPack) -> int:
    """The pack as one CSV file (UTF-8 with a byte order mark), through the results exports' writer."""
    header, rows = pack_csv_rows(pack)
    return exports.write_csv(target, header, exports.ExportRows(iter(rows), len(rows)))


def render_donor_pack(pack: DonorPack, language: str) -> bytes:
    """The pack's tables as a PDF (A4 landscape) in `language`."""
    with translation.override(language):
        return render_pdf(
            "pdf/donor_pack.html",
            {
                "pack": pack,
                "tables": [
                    (
                        table,
                        [
                            [(value, column.numeric) for column, value in zip(table.columns, table.values(row), strict=True)]
                            for row in table.rows
                        ],
                    )
                    for table in pack.tables
                ],
                "language": language,
                "generated_at": _when(timezone.now()),
            },
        )


def donor_pack_file(pack: DonorPack, file_format: str, language: str) -> bytes:
    """The pack's file in one of DONOR_FORMATS."""
    if file_format == "pdf":
        return render_donor_pack(pack, language)
    buffer = io.BytesIO()
    with translation.override(language):
        if file_format == "xlsx":
            write_pack_xlsx(buffer, pack)
        else:
            write_pack_csv(buffer, pack)
    return buffer.getvalue()


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
