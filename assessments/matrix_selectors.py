"""Reads of the priority matrix for the coordinators' pages: heatmap, regional summary, drill-down, delivery flags, comparison.

Every reader issues a fixed number of queries whatever the number of cells, answers or overrides:
cells come in one query (with their override count), chapters, parts and countries in one each,
and the sums behind a cell (answers per category, sessions) are grouped in the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import formats, timezone

from assessments import anonymity, matrix
from assessments.models import (
    Answer,
    CellState,
    Instrument,
    MatrixCell,
    MatrixSnapshot,
    Purpose,
    QuestionKind,
    Round,
    SnapshotKind,
    SnapshotStatus,
)
from curriculum.models import ApplicationStatus, SessionStatus, ThematicChapter, ThematicPart, TrainingSession
from people.models import Country, StakeholderCategory

STATED = "stated"
REMAINING = "remaining"
MEASURES = (STATED, REMAINING)

# The thresholds of the "priority versus delivery" flags.
HIGH_STATED = Decimal("3.5")
HIGH_REMAINING = Decimal(3)
LOW_STATED = Decimal(2)
HIGH_NEED_NOTHING_DELIVERED = "high_need_nothing_delivered"
DELIVERY_AGAINST_LOW_NEED = "delivery_against_low_need"

NOT_AVAILABLE_TEXT = "NA"
EMPTY_TEXT = "—"
NOT_SURVEYED_TEXT = "°"
PRIORITY_COLUMNS = (1, 2, 3, 4)


def show_number(value: Decimal | None) -> str:
    """A value as the pages print it: no trailing zeros, the active language's decimal separator ("3.5", "3,5")."""
    if value is None:
        return ""
    return formats.number_format(value.normalize())


def colour_step(value: Decimal | None) -> int | None:
    """The palette step (1-4) of a value: rounded to the nearest whole number, halves up, kept between 1 and 4."""
    if value is None:
        return None
    return min(4, max(1, int((value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR))))


# --- snapshots -----------------------------------------------------------------------------


def snapshots() -> QuerySet[MatrixSnapshot]:
    """Every snapshot, newest first, with who made it."""
    return MatrixSnapshot.objects.select_related("created_by").order_by("-created_at", "-pk")


def done_snapshots() -> QuerySet[MatrixSnapshot]:
    """The snapshots that can be shown (their cells are filled), newest first."""
    return snapshots().filter(status=SnapshotStatus.DONE)


def default_snapshot() -> MatrixSnapshot | None:
    """The newest finished recompute, else the baseline (None before the baseline is loaded)."""
    done = done_snapshots()
    return done.filter(kind=SnapshotKind.RECOMPUTE).first() or done.filter(kind=SnapshotKind.BASELINE).first()


def snapshot_rounds(snapshot: MatrixSnapshot) -> list[Round]:
    """The rounds a snapshot was computed from (empty: every round)."""
    ids = snapshot.parameters.get("rounds") or []
    return list(Round.objects.filter(pk__in=ids).order_by("-year", "-pk")) if ids else []


def uncertain_cells(snapshot: MatrixSnapshot) -> set[tuple[int, str]]:
    """(chapter number, ISO code) of the cells the snapshot marks as uncertain readings ("16:AZ" in its parameters)."""
    found = set()
    for mark in snapshot.parameters.get("uncertain_cells") or []:
        number, _sep, code = str(mark).partition(":")
        if number.isdigit() and code:
            found.add((int(number), code))
    return found


# --- the heatmap ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CellView:
    """One cell of the heatmap as shown: its state, the value of the chosen measure, its colour step and markers."""

    pk: int | None
    state: str
    value: Decimal | None
    uncertain: bool = False
    overridden: bool = False
    # No answer because the country took no part in the survey behind the snapshot (Uzbekistan in 2021), not a blank.
    not_surveyed: bool = False

    @property
    def text(self) -> str:
        if self.state == CellState.SCORE and self.value is not None:
            return show_number(self.value)
        if self.state == CellState.NOT_AVAILABLE:
            return NOT_AVAILABLE_TEXT
        return NOT_SURVEYED_TEXT if self.not_surveyed else EMPTY_TEXT

    @property
    def step(self) -> int | None:
        return colour_step(self.value) if self.state == CellState.SCORE else None

    @property
    def css_class(self) -> str:
        if self.state == CellState.NOT_AVAILABLE:
            return "cell-na"
        if self.state == CellState.SCORE and self.value is not None:
            return f"cell-step-{self.step}"
        return "cell-empty"


@dataclass
class ChapterRow:
    chapter: ThematicChapter
    cells: list[CellView]


@dataclass
class PartGroup:
    part: ThematicPart
    rows: list[ChapterRow] = field(default_factory=list)


@dataclass
class Heatmap:
    """Chapters (grouped by part) by countries for one snapshot, stakeholder category and measure."""

    countries: list[Country]
    parts: list[PartGroup]
    cell_count: int
    uncertain: list[tuple[int, str]]
    # The countries the snapshot's survey did not reach ("absent_countries" in its parameters).
    not_surveyed: list[Country] = field(default_factory=list)

    @property
    def not_surveyed_codes(self) -> set[str]:
        return {country.iso_code for country in self.not_surveyed}

    @property
    def is_empty(self) -> bool:
        return self.cell_count == 0


def chapters_of(part: int | None) -> list[ThematicChapter]:
    """The chapters of one part (or all), with their part (one query)."""
    chapters = ThematicChapter.objects.select_related("part").order_by("number")
    if part is not None:
        chapters = chapters.filter(part__number=part)
    return list(chapters)


def matrix_cells(snapshot: MatrixSnapshot, category: StakeholderCategory | None, part: int | None = None) -> QuerySet[MatrixCell]:
    """The cells of a snapshot for one stakeholder category (None: all categories together)."""
    cells = MatrixCell.objects.filter(snapshot=snapshot)
    cells = cells.filter(category=category) if category is not None else cells.filter(category__isnull=True)
    if part is not None:
        cells = cells.filter(chapter__part__number=part)
    return cells


def cell_value(cell: MatrixCell, measure: str) -> Decimal | None:
    return cell.remaining_need if measure == REMAINING else cell.value


def heatmap(snapshot: MatrixSnapshot, *, part: int | None, category: StakeholderCategory | None, measure: str) -> Heatmap:
    """The heatmap grid (four queries: countries, chapters, cells with their override count; none per cell)."""
    countries = list(Country.objects.order_by("sort_order", "iso_code"))
    chapters = chapters_of(part)
    cells = {
        (cell.chapter_id, cell.country_id): cell
        for cell in matrix_cells(snapshot, category, part).annotate(override_count=Count("overrides")).order_by()
    }
    uncertain = uncertain_cells(snapshot) if category is None else set()
    absent = set(snapshot.parameters.get("absent_countries") or [])
    groups: dict[int, PartGroup] = {}
    for chapter in chapters:
        row = []
        for country in countries:
            cell = cells.get((chapter.pk, country.pk))
            not_surveyed = country.iso_code in absent and (cell is None or cell.state == CellState.EMPTY)
            if cell is None:
                row.append(CellView(pk=None, state=CellState.EMPTY, value=None, not_surveyed=not_surveyed))
                continue
            row.append(
                CellView(
                    pk=cell.pk,
                    state=cell.state,
                    value=cell_value(cell, measure),
                    uncertain=(chapter.number, country.iso_code) in uncertain,
                    overridden=cell.override_count > 0,
                    not_surveyed=not_surveyed,
                )
            )
        groups.setdefault(chapter.part_id, PartGroup(part=chapter.part)).rows.append(ChapterRow(chapter=chapter, cells=row))
    shown_uncertain = sorted(mark for mark in uncertain if part is None or any(mark[0] == c.number for c in chapters))
    return Heatmap(
        countries=countries,
        parts=list(groups.values()),
        cell_count=len(cells),
        uncertain=shown_uncertain,
        not_surveyed=[country for country in countries if country.iso_code in absent],
    )


# --- the regional summary per chapter ------------------------------------------------------


@dataclass(frozen=True)
class ChapterSummary:
    """A chapter across the countries: how many answered (a score), their mean, how many gave 4, how many NA."""

    chapter: ThematicChapter
    countries_answering: int
    mean: Decimal | None
    fours: int
    not_available: int
    mean_remaining: Decimal | None


def chapter_summaries(snapshot: MatrixSnapshot, *, part: int | None, category: StakeholderCategory | None) -> list[ChapterSummary]:
    """Per chapter, aggregated in the database over the countries' cells (two queries: the sums, the chapters)."""
    scored = Q(state=CellState.SCORE)
    sums = {
        row["chapter_id"]: row
        for row in matrix_cells(snapshot, category, part)
        .values("chapter_id")
        .annotate(
            answering=Count("pk", filter=scored),
            mean=Avg("value", filter=scored),
            fours=Count("pk", filter=scored & Q(value=Decimal(4))),
            not_available=Count("pk", filter=Q(state=CellState.NOT_AVAILABLE)),
            mean_remaining=Avg("remaining_need", filter=scored),
        )
        .order_by()
    }
    summaries = []
    for chapter in chapters_of(part):
        row = sums.get(chapter.pk, {})
        summaries.append(
            ChapterSummary(
                chapter=chapter,
                countries_answering=row.get("answering", 0),
                mean=matrix.quantize(row.get("mean")),
                fours=row.get("fours", 0),
                not_available=row.get("not_available", 0),
                mean_remaining=matrix.quantize(row.get("mean_remaining")),
            )
        )
    return summaries


# --- the drill-down ------------------------------------------------------------------------


def cell_with_context(cell_id: int) -> MatrixCell | None:
    return (
        MatrixCell.objects.select_related("snapshot", "snapshot__created_by", "chapter", "chapter__part", "country", "category")
        .filter(pk=cell_id)
        .first()
    )


def _cell_answers(cell: MatrixCell) -> QuerySet[Answer]:
    """The priority-grid answers behind a cell: its country, chapter, category, and the snapshot's rounds (all when none)."""
    answers = Answer.objects.filter(
        question__kind=QuestionKind.PRIORITY_GRID,
        response__instrument__purpose=Purpose.NEEDS_ASSESSMENT,
        chapter_id=cell.chapter_id,
        response__country_id=cell.country_id,
    )
    if cell.category_id is not None:
        answers = answers.filter(response__category_id=cell.category_id)
    round_ids = cell.snapshot.parameters.get("rounds") or []
    if round_ids:
        answers = answers.filter(response__round_id__in=round_ids)
    # as the recompute counts them: an anonymous questionnaire's open or small scopes count nowhere (`anonymity`)
    return answers.exclude(anonymity.withheld_q("response__"))


@dataclass
class DistributionRow:
    """The answers of one questionnaire and stakeholder category: counts of 1, 2, 3, 4 and NA, or hidden if too few."""

    instrument: Instrument
    category: StakeholderCategory | None
    counts: dict[int | str, int] = field(default_factory=dict)
    hidden: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def columns(self) -> list[int]:
        return [self.counts.get(score, 0) for score in PRIORITY_COLUMNS] + [self.counts.get("na", 0)]


def cell_distribution(cell: MatrixCell) -> list[DistributionRow]:
    """Per questionnaire and stakeholder category, the answers behind the cell (three queries).

    A group of an anonymous questionnaire with fewer answers than its smallest group shown is marked hidden
    and carries no counts, so the page and the export cannot show them.
    """
    grouped = (
        _cell_answers(cell)
        .values_list("response__instrument_id", "response__category_id", "score", "not_applicable")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[int, int | None], dict[int | str, int]] = defaultdict(lambda: defaultdict(int))
    for instrument_id, category_id, score, not_applicable, n in grouped:
        counts[(instrument_id, category_id)]["na" if not_applicable else score] += n
    if not counts:
        return []
    instruments = Instrument.objects.in_bulk({instrument_id for instrument_id, _c in counts})
    categories = {category.pk: category for category in StakeholderCategory.objects.all()}
    rows = []
    for (instrument_id, category_id), by_score in counts.items():
        instrument = instruments[instrument_id]
        row = DistributionRow(instrument=instrument, category=categories.get(category_id), counts=dict(by_score))
        if anonymity.is_below_minimum(instrument, row.total):
            row.counts, row.hidden = {}, True
        rows.append(row)
    rows.sort(key=lambda r: (r.instrument.code, r.instrument.version, r.category.sort_order if r.category else 999))
    return rows


@dataclass(frozen=True)
class OrganisationAnswer:
    organisation: str
    category: str
    answer: str
    instrument: str


def cell_organisations(cell: MatrixCell) -> list[OrganisationAnswer]:
    """The organisations behind the cell and their answers, for questionnaires that are not anonymous (one query).

    An anonymous questionnaire keeps no link to its respondents, and is excluded here besides.
    """
    rows = (
        _cell_answers(cell)
        .filter(response__instrument__is_anonymous=False, response__respondent__isnull=False)
        .select_related("response__respondent", "response__category", "response__instrument")
        .order_by("response__respondent__organisation_name", "pk")
    )
    return [
        OrganisationAnswer(
            organisation=answer.response.respondent.organisation_name or answer.response.respondent.email,
            category=answer.response.category.name if answer.response.category else "",
            answer=NOT_AVAILABLE_TEXT if answer.not_applicable else str(answer.score),
            instrument=answer.response.instrument.title,
        )
        for answer in rows
    ]


def cell_sessions(cell: MatrixCell) -> QuerySet[TrainingSession]:
    """The sessions on the cell's chapter that participants of its country attended, with their participants and
    participant-days from that country (one query; the same counting as the recompute's delivery)."""
    mine = Q(applications__status=ApplicationStatus.APPROVED, applications__country_id=cell.country_id)
    return (
        TrainingSession.objects.filter(module__chapters=cell.chapter_id, start_date__lte=timezone.localdate())
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.DRAFT])
        .select_related("module", "language")
        .annotate(
            participants=Count("applications", filter=mine, distinct=True),
            participant_days=Count("applications__attendance", filter=mine & Q(applications__attendance__present=True), distinct=True),
        )
        .filter(participants__gt=0)
        .order_by("-start_date", "pk")
    )


def cell_overrides(cell: MatrixCell) -> QuerySet:
    return cell.overrides.select_related("made_by").order_by("-made_at", "-pk")


# --- priority versus delivery --------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryFlag:
    """A country and chapter where need and delivery disagree."""

    kind: str
    cell: MatrixCell
    sessions: int
    participants: int
    participant_days: int


def delivery_flags(snapshot: MatrixSnapshot) -> tuple[list[DeliveryFlag], bool]:
    """High need with nothing delivered, and delivery against low need (all categories' cells); and whether delivery
    was counted now (the baseline holds none, so today's records are used for it) rather than taken from the snapshot."""
    cells = list(
        matrix_cells(snapshot, None)
        .select_related("chapter", "country")
        .order_by("chapter__number", "country__sort_order", "country__iso_code")
    )
    live = snapshot.kind == SnapshotKind.BASELINE
    delivered = matrix.delivery() if live else {}
    flags = []
    for cell in cells:
        if live:
            counted = delivered.get((cell.country_id, cell.chapter_id), matrix.Delivery())
            sessions, participants, days = counted.sessions, counted.participants, counted.participant_days
        else:
            sessions, participants, days = cell.sessions, cell.participants, cell.participant_days
        scored = cell.state == CellState.SCORE and cell.value is not None
        high = scored and (cell.value >= HIGH_STATED or (cell.remaining_need is not None and cell.remaining_need >= HIGH_REMAINING))
        low = scored and cell.value <= LOW_STATED
        if high and days == 0:
            flags.append(DeliveryFlag(HIGH_NEED_NOTHING_DELIVERED, cell, sessions, participants, days))
        elif low and days > 0:
            flags.append(DeliveryFlag(DELIVERY_AGAINST_LOW_NEED, cell, sessions, participants, days))
    flags.sort(key=lambda flag: flag.kind != HIGH_NEED_NOTHING_DELIVERED)
    return flags, live


# --- comparing two snapshots ---------------------------------------------------------------

ROSE = "rose"
FELL = "fell"
STATE_CHANGED = "state_changed"


@dataclass(frozen=True)
class CellChange:
    """One country and chapter in two snapshots."""

    chapter: ThematicChapter
    country: Country
    before: CellView
    after: CellView
    kind: str

    @property
    def difference(self) -> Decimal | None:
        if self.kind in (ROSE, FELL) and self.before.value is not None and self.after.value is not None:
            return self.after.value - self.before.value
        return None

    @property
    def difference_text(self) -> str:
        difference = self.difference
        if difference is None:
            return ""
        return ("+" if difference > 0 else "") + show_number(difference)


@dataclass
class Comparison:
    rose: list[CellChange]
    fell: list[CellChange]
    state_changes: list[CellChange]
    unchanged: int

    @property
    def changes(self) -> list[CellChange]:
        """Every change, the largest first (state changes, which have no size, last)."""
        sized = sorted(
            self.rose + self.fell, key=lambda change: (-abs(change.difference or 0), change.chapter.number, change.country.sort_order)
        )
        return sized + self.state_changes


def _view(cell: MatrixCell | None, measure: str) -> CellView:
    if cell is None:
        return CellView(pk=None, state=CellState.EMPTY, value=None)
    return CellView(pk=cell.pk, state=cell.state, value=cell_value(cell, measure))


def compare(before: MatrixSnapshot, after: MatrixSnapshot, *, category: StakeholderCategory | None, measure: str) -> Comparison:
    """Cell by cell, what rose, fell or changed state from one snapshot to the other (three queries)."""
    chapters = {chapter.pk: chapter for chapter in chapters_of(None)}
    countries = {country.pk: country for country in Country.objects.all()}
    cells: dict[int, dict[tuple[int, int], MatrixCell]] = {before.pk: {}, after.pk: {}}
    query = MatrixCell.objects.filter(snapshot__in=[before.pk, after.pk])
    query = query.filter(category=category) if category is not None else query.filter(category__isnull=True)
    for cell in query.order_by():
        cells[cell.snapshot_id][(cell.chapter_id, cell.country_id)] = cell
    rose, fell, state_changes, unchanged = [], [], [], 0
    for chapter in chapters.values():
        for country in sorted(countries.values(), key=lambda c: (c.sort_order, c.iso_code)):
            key = (chapter.pk, country.pk)
            old, new = _view(cells[before.pk].get(key), measure), _view(cells[after.pk].get(key), measure)
            if old.state != new.state:
                state_changes.append(CellChange(chapter, country, old, new, STATE_CHANGED))
            elif old.state == CellState.SCORE and old.value is not None and new.value is not None and old.value != new.value:
                kind = ROSE if new.value > old.value else FELL
                (rose if kind == ROSE else fell).append(CellChange(chapter, country, old, new, kind))
            else:
                unchanged += 1
    rose.sort(key=lambda change: (-(change.difference or 0), chapter_order(change)))
    fell.sort(key=lambda change: ((change.difference or 0), chapter_order(change)))
    return Comparison(rose=rose, fell=fell, state_changes=state_changes, unchanged=unchanged)


def chapter_order(change: CellChange) -> tuple[int, int, str]:
    return (change.chapter.number, change.country.sort_order, change.country.iso_code)
