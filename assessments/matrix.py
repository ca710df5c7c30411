"""The priority matrix: the 2021 baseline, recomputing snapshots from surveys and delivery, overrides.

Recomputing aggregates in the database: one GROUP BY over the priority answers (country, category,
chapter, score), one over the evaluations' further-training grids, one over relevance ratings, one
over knowledge-test scores and two over delivery (participants and attended days). Python then
works on those few thousand grouped rows, never on the answers themselves.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import anonymity
from assessments.models import (
    Answer,
    CellOverride,
    CellState,
    MatrixCell,
    MatrixRule,
    MatrixSnapshot,
    Purpose,
    Question,
    QuestionKind,
    Response,
    SnapshotKind,
    SnapshotStatus,
)
from curriculum.models import ApplicationStatus, Attendance, SessionApplication, SessionStatus, ThematicChapter
from home.outbox import task_enqueue_on_commit
from people.models import Country, StakeholderCategory, User

DATA_DIR = Path(__file__).resolve().parent / "data"
BASELINE_CSV = DATA_DIR / "priority-matrix-2021.csv"
CONFIDENCE_CSV = DATA_DIR / "priority-matrix-2021-confidence.csv"
BASELINE_LABEL = "2021 needs assessment, Table 7"

# The evaluation's relevance question and its further-training grid (assessments.builtin).
RELEVANCE_QUESTION_CODE = "relevance"
# Participant-days at which a country's need for a chapter counts as fully met by delivery.
FULL_COVERAGE_DAYS = 200
# At most this share of the stated priority is taken off for delivery.
DELIVERY_WEIGHT = Decimal("0.5")

# The stored formula is an English record, whatever language the worker runs in.
RULE_NAMES_IN_FORMULA = {MatrixRule.MEDIAN: "median", MatrixRule.MEAN: "mean", MatrixRule.MAXIMUM: "maximum"}

DEFAULT_WEIGHTS = {"government": 2, "cso": 1, "media": 1}

FORMULA = (
    "Stated priority P per country and chapter: the {rule} of the 1-4 priority-grid answers of the "
    "needs-assessment questionnaires (rounds: {rounds}); 'not applicable' answers count apart, and a cell "
    "with only those is NA, a cell with no answer stays empty. "
    "Wanted further training F: mean 1-4 of the evaluations' further-training grid by participants of that country. "
    "P' = (P + F) / 2 when F exists, else P. "
    "Coverage C = min(1, participant-days delivered on the chapter to that country / {full_days}) x E, "
    "where E is the mean of the available effectiveness signals: (relevance - 1) / 4 from the evaluations (1-5) "
    "and min(1, max(0, knowledge gain / 50)) from the pre/post tests; E = 1 when neither exists. "
    "Remaining need = P' x (1 - {weight} x C), between 0 and 4."
)


def quantize(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- the 2021 baseline ---------------------------------------------------------------------


def _read_baseline() -> tuple[list[str], list[dict[str, str]]]:
    with BASELINE_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        countries = [name for name in reader.fieldnames or [] if len(name) == 2]
        return countries, list(reader)


def _uncertain_cells() -> list[str]:
    with CONFIDENCE_CSV.open(encoding="utf-8", newline="") as handle:
        return [f"{row['chapter_no']}:{code}" for row in csv.DictReader(handle) for code, mark in row.items() if mark == "M"]


def baseline_load() -> MatrixSnapshot:
    """Store the 2021 Table 7 as the first snapshot, cell by cell (idempotent: an existing baseline is kept)."""
    existing = MatrixSnapshot.objects.filter(kind=SnapshotKind.BASELINE).first()
    if existing is not None:
        return existing
    codes, rows = _read_baseline()
    countries = {country.iso_code: country for country in Country.objects.all()}
    chapters = {chapter.number: chapter for chapter in ThematicChapter.objects.all()}
    with transaction.atomic():
        snapshot = MatrixSnapshot.objects.create(
            kind=SnapshotKind.BASELINE,
            label=BASELINE_LABEL,
            rule=MatrixRule.MAXIMUM,
            parameters={"source": BASELINE_CSV.name, "uncertain_cells": _uncertain_cells(), "absent_countries": ["UZ"]},
            formula="One value per country and chapter as printed in the 2021 report's Table 7 (4 the highest priority).",
            input_counts={"cells": len(rows) * len(codes)},
            status=SnapshotStatus.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
        cells = []
        for row in rows:
            chapter = chapters[int(row["chapter_no"])]
            for code in codes:
                text = (row.get(code) or "").strip()
                if text == "NA":
                    state, value = CellState.NOT_AVAILABLE, None
                elif text:
                    state, value = CellState.SCORE, Decimal(text)
                else:
                    state, value = CellState.EMPTY, None
                cells.append(
                    MatrixCell(
                        snapshot=snapshot,
                        chapter=chapter,
                        country=countries[code],
                        state=state,
                        value=value,
                        answers=1 if state == CellState.SCORE else 0,
                        na_answers=1 if state == CellState.NOT_AVAILABLE else 0,
                        top_answers=1 if value == 4 else 0,
                        remaining_need=value,
                    )
                )
        MatrixCell.objects.bulk_create(cells)
    return snapshot


# --- how grouped answers become a value ----------------------------------------------------


@dataclass
class Tally:
    """The priority answers of one group: how many of each score, and how many "not applicable"."""

    counts: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    na: int = 0

    def add(self, score: int | None, not_applicable: bool, n: int) -> None:
        if not_applicable or score is None:
            self.na += n
        else:
            self.counts[score] += n

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    def median(self) -> Decimal | None:
        total = self.answers
        if not total:
            return None

        def at(position: int) -> int:  # the score at a 0-based position of the sorted answers
            seen = 0
            for score in (1, 2, 3, 4):
                seen += self.counts[score]
                if position < seen:
                    return score
            raise IndexError(position)  # pragma: no cover

        if total % 2:
            return Decimal(at(total // 2))
        return Decimal(at(total // 2 - 1) + at(total // 2)) / 2

    def mean(self) -> Decimal | None:
        total = self.answers
        return Decimal(sum(score * n for score, n in self.counts.items())) / total if total else None

    def maximum(self) -> Decimal | None:
        return next((Decimal(score) for score in (4, 3, 2, 1) if self.counts[score]), None)


def stated_value(rule: str, overall: Tally, by_category: dict[str, Tally], weights: dict[str, float]) -> Decimal | None:
    """The cell's stated priority by the snapshot's rule."""
    if rule == MatrixRule.MEAN:
        return overall.mean()
    if rule == MatrixRule.MAXIMUM:
        return overall.maximum()
    if rule == MatrixRule.WEIGHTED:
        weighted = total_weight = Decimal(0)
        for code, tally in by_category.items():
            mean = tally.mean()
            weight = Decimal(str(weights.get(code, 1)))
            if mean is not None and weight > 0:
                weighted += mean * weight
                total_weight += weight
        return weighted / total_weight if total_weight else None
    return overall.median()


def remaining_need(
    stated: Decimal | None, further: Decimal | None, participant_days: int, relevance: Decimal | None, gain: Decimal | None
) -> Decimal | None:
    """The documented formula (FORMULA): the stated priority, adjusted by wanted further training, less what effective
    delivery has covered."""
    if stated is None:
        return None
    adjusted = (stated + further) / 2 if further is not None else stated
    signals = []
    if relevance is not None:
        signals.append((relevance - 1) / 4)
    if gain is not None:
        signals.append(min(Decimal(1), max(Decimal(0), gain / 50)))
    effectiveness = sum(signals) / len(signals) if signals else Decimal(1)
    coverage = min(Decimal(1), Decimal(participant_days) / FULL_COVERAGE_DAYS) * effectiveness
    return max(Decimal(0), min(Decimal(4), adjusted * (1 - DELIVERY_WEIGHT * coverage)))


# --- the database aggregates ---------------------------------------------------------------


def _grid_questions(purpose: str) -> list[int]:
    return list(Question.objects.filter(kind=QuestionKind.PRIORITY_GRID, instrument__purpose=purpose).values_list("pk", flat=True))


def priority_tallies(round_ids: Iterable[int] | None) -> dict[tuple[int, int | None, int], Tally]:
    """(country, category, chapter) -> Tally over the needs-assessment priority grids (one query)."""
    # the questions first (a handful), so the database reads the answers through their (question, chapter) index
    answers = Answer.objects.filter(
        question__in=_grid_questions(Purpose.NEEDS_ASSESSMENT), chapter__isnull=False, response__country__isnull=False
    )
    if round_ids:
        answers = answers.filter(response__round_id__in=list(round_ids))
    # an anonymous questionnaire's answers count once its round has closed, and from at least its minimum (`anonymity`)
    answers = answers.exclude(anonymity.withheld_q("response__"))
    tallies: dict[tuple[int, int | None, int], Tally] = defaultdict(Tally)
    grouped = (
        answers.values_list("response__country_id", "response__category_id", "chapter_id", "score", "not_applicable")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for country_id, category_id, chapter_id, score, not_applicable, n in grouped:
        tallies[(country_id, category_id, chapter_id)].add(score, not_applicable, n)
    return tallies


def further_training_means() -> dict[tuple[int, int], tuple[Decimal, int]]:
    """(country, chapter) -> (mean 1-4, answers) of the evaluations' further-training grids (one query, and the anonymity rule's).

    Anonymous evaluations count as `anonymity.by_country` says, and a mean of fewer anonymous answers than their minimum
    is left out (the remaining need then stands on the stated priority alone), so no figure gives a small group away.
    """
    counted, minimum = anonymity.by_country(Purpose.SESSION_EVALUATION)
    grouped = (
        Answer.objects.filter(
            counted,
            question__in=_grid_questions(Purpose.SESSION_EVALUATION),
            chapter__isnull=False,
            score__isnull=False,
            response__country__isnull=False,
        )
        .values_list("response__country_id", "chapter_id")
        .annotate(mean=Avg("score"), n=Count("pk"), anonymous=Count("pk", filter=Q(response__instrument__is_anonymous=True)))
        .order_by()
    )
    return {
        (country, chapter): (quantize(mean), n)
        for country, chapter, mean, n, anonymous in grouped
        if anonymity.mean_shown(anonymous, n, minimum)
    }


def relevance_means() -> dict[tuple[int, int], Decimal]:
    """(country, chapter of the module taught) -> mean relevance rating 1-5 (one query, and the anonymity rule's, as above)."""
    counted, minimum = anonymity.by_country(Purpose.SESSION_EVALUATION)
    grouped = (
        Answer.objects.filter(
            counted,
            question__code=RELEVANCE_QUESTION_CODE,
            response__instrument__purpose=Purpose.SESSION_EVALUATION,
            score__isnull=False,
            response__country__isnull=False,
            response__session__isnull=False,
        )
        .values_list("response__country_id", "response__session__module__chapters")
        .annotate(mean=Avg("score"), n=Count("pk"), anonymous=Count("pk", filter=Q(response__instrument__is_anonymous=True)))
        .order_by()
    )
    return {
        (country, chapter): quantize(mean)
        for country, chapter, mean, n, anonymous in grouped
        if chapter is not None and anonymity.mean_shown(anonymous, n, minimum)
    }


def knowledge_gains() -> dict[tuple[int, int], Decimal]:
    """(country, chapter of the module taught) -> mean post-test share minus mean pre-test share (one query)."""
    percent = ExpressionWrapper(F("points") * 100.0 / F("max_points"), output_field=FloatField())
    grouped = (
        Response.objects.filter(
            instrument__purpose__in=[Purpose.PRE_TEST, Purpose.POST_TEST],
            max_points__gt=0,
            country__isnull=False,
            session__isnull=False,
        )
        .values_list("country_id", "session__module__chapters", "instrument__purpose")
        .annotate(mean=Avg(percent))
        .order_by()
    )
    by_cell: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for country, chapter, purpose, mean in grouped:
        if chapter is not None:
            by_cell[(country, chapter)][purpose] = mean
    return {
        cell: quantize(means[Purpose.POST_TEST] - means[Purpose.PRE_TEST])
        for cell, means in by_cell.items()
        if Purpose.PRE_TEST in means and Purpose.POST_TEST in means
    }


@dataclass
class Delivery:
    sessions: int = 0
    participants: int = 0
    participant_days: int = 0


def delivery(until: object | None = None) -> dict[tuple[int, int], Delivery]:
    """(participant's country, chapter) -> sessions, confirmed participants and attended days (two queries)."""
    today = until or timezone.localdate()
    applications = SessionApplication.objects.filter(
        status=ApplicationStatus.APPROVED,
        country__isnull=False,
        session__start_date__lte=today,
    ).exclude(session__status__in=[SessionStatus.CANCELLED, SessionStatus.DRAFT])
    result: dict[tuple[int, int], Delivery] = defaultdict(Delivery)
    for country, chapter, sessions, participants in (
        applications.values_list("country_id", "session__module__chapters")
        .annotate(sessions=Count("session", distinct=True), participants=Count("pk", distinct=True))
        .order_by()
    ):
        if chapter is not None:
            result[(country, chapter)].sessions = sessions
            result[(country, chapter)].participants = participants
    for country, chapter, days in (
        Attendance.objects.filter(present=True, application__in=applications)
        .values_list("application__country_id", "application__session__module__chapters")
        .annotate(days=Count("pk"))
        .order_by()
    ):
        if chapter is not None:
            result[(country, chapter)].participant_days = days
    return result


# --- snapshots -----------------------------------------------------------------------------


def snapshot_request(
    *, rule: str, created_by: User, round_ids: list[int] | None = None, weights: dict[str, float] | None = None
) -> MatrixSnapshot:
    """Queue a recompute (a Celery task does it after the commit)."""
    from assessments.tasks import matrix_recompute

    if rule not in MatrixRule.values:
        raise ValidationError(_("Choose a rule among those offered."))
    parameters: dict[str, object] = {"rounds": sorted(round_ids or [])}
    if rule == MatrixRule.WEIGHTED:
        parameters["weights"] = weights or DEFAULT_WEIGHTS
    snapshot = MatrixSnapshot.objects.create(
        kind=SnapshotKind.RECOMPUTE,
        label=f"Recomputed on {timezone.localtime():%d.%m.%Y %H:%M}",  # the record; readers see `title` in their language
        rule=rule,
        parameters=parameters,
        created_by=created_by,
    )
    task_enqueue_on_commit(matrix_recompute, snapshot.pk)
    return snapshot


def snapshot_compute(snapshot: MatrixSnapshot, progress: Callable[[int], None] | None = None) -> MatrixSnapshot:
    """Fill a queued snapshot's cells: for every country and chapter, all categories together and each category."""
    report = progress or (lambda percent: None)
    rule = snapshot.rule
    round_ids = snapshot.parameters.get("rounds") or None
    weights = snapshot.parameters.get("weights") or DEFAULT_WEIGHTS
    countries = list(Country.objects.all())
    chapters = list(ThematicChapter.objects.all())
    categories = {category.pk: category.code for category in StakeholderCategory.objects.all()}

    tallies = priority_tallies(round_ids)
    report(40)
    further, relevance, gains, delivered = further_training_means(), relevance_means(), knowledge_gains(), delivery()
    report(70)

    overall: dict[tuple[int, int], Tally] = defaultdict(Tally)
    per_category: dict[tuple[int, int], dict[str, Tally]] = defaultdict(dict)
    for (country_id, category_id, chapter_id), tally in tallies.items():
        total = overall[(country_id, chapter_id)]
        for score, n in tally.counts.items():
            total.counts[score] += n
        total.na += tally.na
        if category_id is not None:
            per_category[(country_id, chapter_id)][categories[category_id]] = tally

    cells: list[MatrixCell] = []
    for chapter in chapters:
        for country in countries:
            key = (country.pk, chapter.pk)
            feedback, feedback_n = further.get(key, (None, 0))
            delivered_here = delivered.get(key, Delivery())
            groups: list[tuple[int | None, Tally, dict[str, Tally]]] = [(None, overall.get(key, Tally()), per_category.get(key, {}))]
            groups += [
                (category_id, tally, {categories[category_id]: tally})
                for category_id, tally in ((cid, tallies.get((country.pk, cid, chapter.pk))) for cid in categories)
                if tally is not None
            ]
            for category_id, tally, by_category in groups:
                value = quantize(stated_value(rule, tally, by_category, weights))
                state = CellState.SCORE if value is not None else (CellState.NOT_AVAILABLE if tally.na else CellState.EMPTY)
                cells.append(
                    MatrixCell(
                        snapshot=snapshot,
                        chapter=chapter,
                        country=country,
                        category_id=category_id,
                        state=state,
                        value=value,
                        answers=tally.answers,
                        na_answers=tally.na,
                        top_answers=tally.counts[4],
                        further_training=feedback,
                        further_training_answers=feedback_n,
                        relevance=relevance.get(key),
                        knowledge_gain=gains.get(key),
                        sessions=delivered_here.sessions,
                        participants=delivered_here.participants,
                        participant_days=delivered_here.participant_days,
                        remaining_need=quantize(
                            remaining_need(value, feedback, delivered_here.participant_days, relevance.get(key), gains.get(key))
                        ),
                    )
                )
    report(90)
    answers_in = sum(t.answers + t.na for t in tallies.values())
    with transaction.atomic():
        MatrixCell.objects.filter(snapshot=snapshot).delete()
        MatrixCell.objects.bulk_create(cells, batch_size=1000)
        snapshot.formula = FORMULA.format(
            rule=RULE_NAMES_IN_FORMULA[rule] if rule != MatrixRule.WEIGHTED else f"category-weighted mean (weights {weights})",
            rounds=", ".join(str(r) for r in round_ids) if round_ids else "all",
            full_days=FULL_COVERAGE_DAYS,
            weight=DELIVERY_WEIGHT,
        )
        snapshot.input_counts = {
            "priority_answers": answers_in,
            "responses": Response.objects.filter(
                instrument__purpose=Purpose.NEEDS_ASSESSMENT, **({"round_id__in": round_ids} if round_ids else {})
            )
            .exclude(anonymity.withheld_q())
            .count(),
            "evaluation_answers": sum(n for _mean, n in further.values()),
            "participant_days": sum(d.participant_days for d in delivered.values()),
            "cells": len(cells),
        }
        snapshot.status = SnapshotStatus.DONE
        snapshot.progress = 100
        snapshot.finished_at = timezone.now()
        snapshot.save()
    return snapshot


def cell_override(*, cell: MatrixCell, state: str, value: Decimal | None, justification: str, made_by: User) -> CellOverride:
    """Change a cell with a written reason; the change and what it replaced are kept."""
    justification = (justification or "").strip()
    if len(justification) < 10:
        raise ValidationError({"justification": _("Write why you change this cell (at least 10 characters).")})
    if state not in CellState.values:
        raise ValidationError({"state": _("Choose a score, “not available” or “no answer”.")})
    if state == CellState.SCORE:
        if value is None or not (Decimal(1) <= value <= Decimal(4)):
            raise ValidationError({"value": _("A score is between 1 and 4.")})
        value = quantize(value)
    else:
        value = None
    with transaction.atomic():
        locked = MatrixCell.objects.select_for_update().get(pk=cell.pk)
        override = CellOverride.objects.create(
            cell=locked,
            state=state,
            value=value,
            justification=justification,
            previous_state=locked.state,
            previous_value=locked.value,
            made_by=made_by,
        )
        locked.state, locked.value = state, value
        locked.remaining_need = quantize(
            remaining_need(value, locked.further_training, locked.participant_days, locked.relevance, locked.knowledge_gain)
        )
        locked.save(update_fields=["state", "value", "remaining_need"])
    cell.refresh_from_db()
    return override
