"""The donor indicator pack: its tables (people trained, certificates, knowledge gain, evaluations) and its XLSX, CSV and PDF files.

For the sessions whose last day falls in the period, in a fixed number of grouped queries: people trained by
sex, country, stakeholder category and chapter (confirmed participants, each person once per chapter),
participant-days (days attended), certificates issued in the period and not revoked, the mean knowledge gain
(post-test minus pre-test share of points, per participant who took both) and the mean of every Likert question
of the session evaluations. The job that builds it is in `assessments.reports`.
"""

from __future__ import annotations

import datetime
import io
import os
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Avg, Count, Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessments import anonymity, exports, matrix
from assessments.models import Answer, Purpose, Question, QuestionKind, Response, in_language
from assessments.report_pdf import _when, render_pdf
from curriculum.models import (
    ApplicationStatus,
    Attendance,
    Certificate,
    CertificateKind,
    ModulePage,
    SessionApplication,
    SessionStatus,
    ThematicChapter,
    TrainingSession,
)
from people.models import Country, StakeholderCategory, User

# Not delivered: the donor pack leaves these sessions out, as the matrix's delivery does.
NOT_DELIVERED = (SessionStatus.CANCELLED, SessionStatus.DRAFT)


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
