"""The priority matrix in the Wagtail admin, for coordinators and administrators: heatmap and regional summary,
a cell's drill-down and override, recomputes and their progress, priority versus delivery, two snapshots compared.

Every table page also answers `?format=csv` and `?format=xlsx` with the same filters (small tables, built at once
with the results exports' writers). A bad filter gets a page that says what is wrong: 400 for a value that is not
a number or not one of the choices (an unknown snapshot number too), 404 for a cell or snapshot page that does not exist.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import exports, jobs, matrix
from assessments import matrix_selectors as selectors
from assessments.matrix_forms import CompareForm, MatrixFilterForm, OverrideForm, RecomputeForm
from assessments.matrix_query import Filters, MatrixInputError, _category, _filters, _format, _measure, _snapshot
from assessments.models import CellState, MatrixCell, MatrixRule, MatrixSnapshot, SnapshotKind, SnapshotStatus
from curriculum.models import ThematicPart
from people.models import StakeholderCategory

# Coordinators hold it (people/roles.py), administrators hold every permission.
MATRIX_PERMISSION = "assessments.view_response"

INPUT_LABELS = {
    "priority_answers": gettext_lazy("Priority answers (including “not applicable”)"),
    "responses": gettext_lazy("Questionnaire responses"),
    "evaluation_answers": gettext_lazy("Further-training answers from evaluations"),
    "participant_days": gettext_lazy("Participant-days delivered"),
    "cells": gettext_lazy("Cells"),
}
FLAG_LABELS = {
    selectors.HIGH_NEED_NOTHING_DELIVERED: gettext_lazy("High need, nothing delivered"),
    selectors.DELIVERY_AGAINST_LOW_NEED: gettext_lazy("Delivery against low need"),
}
CHANGE_LABELS = {
    selectors.ROSE: gettext_lazy("Rose"),
    selectors.FELL: gettext_lazy("Fell"),
    selectors.STATE_CHANGED: gettext_lazy("State changed"),
}


# The anonymity minimum of the evaluations behind a cell's feedback (the instruments' default).
EVALUATION_MINIMUM = 5


def may_see_matrix(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(MATRIX_PERMISSION))  # type: ignore[attr-defined]


def matrix_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only coordinators and administrators (anyone else: PermissionDenied, which Wagtail answers with a redirect);
    a MatrixInputError becomes a page that explains it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_see_matrix(request.user):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except MatrixInputError as problem:
            return TemplateResponse(
                request,
                "assessments/admin/matrix/problem.html",
                {"message": problem.message, "status": problem.status, "link": problem.link},
                status=problem.status,
            )

    return wrapped


# --- downloads -----------------------------------------------------------------------------

Row = list[exports.Cell]


def _download(header: list[str], rows: list[Row], file_format: str, name: str) -> HttpResponse:
    """A table as a CSV or XLSX attachment, labels in the active language."""
    buffer = io.BytesIO()
    exports.WRITERS[file_format](buffer, header, exports.ExportRows(iter(rows), len(rows)))
    language = (get_language() or "az")[:2]
    response = HttpResponse(buffer.getvalue(), content_type=jobs.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}-{language}-{timezone.localdate():%Y%m%d}.{file_format}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _export_value(state: str, value: Decimal | None) -> exports.Cell:
    """A cell in a file: the number, "NA", or an empty cell for no answer (never confused)."""
    if state == CellState.SCORE and value is not None:
        return value.normalize()
    return selectors.NOT_AVAILABLE_TEXT if state == CellState.NOT_AVAILABLE else None


def _measure_label(measure: str) -> str:
    return _("Remaining need") if measure == selectors.REMAINING else _("Stated priority")


# --- what a page says about its snapshot ---------------------------------------------------


def _snapshot_context(snapshot: MatrixSnapshot) -> dict[str, object]:
    counts = [(INPUT_LABELS.get(key, key.replace("_", " ")), value) for key, value in (snapshot.input_counts or {}).items()]
    weights = snapshot.parameters.get("weights") if snapshot.rule == MatrixRule.WEIGHTED else None
    names = {category.code: category.name for category in StakeholderCategory.objects.all()} if weights else {}
    return {
        "snapshot": snapshot,
        "is_baseline": snapshot.kind == SnapshotKind.BASELINE,
        "rounds": selectors.snapshot_rounds(snapshot),
        "input_counts": counts,
        "weights": [(names.get(code, code), selectors.show_number(Decimal(str(weight)))) for code, weight in (weights or {}).items()],
        "full_coverage_days": matrix.FULL_COVERAGE_DAYS,
        "delivery_share": int(matrix.DELIVERY_WEIGHT * 100),
    }


def _legend(measure: str) -> list[tuple[str, str]]:
    lowest = Decimal(0) if measure == selectors.REMAINING else Decimal(1)
    bounds = [(lowest, Decimal("1.49")), (Decimal("1.5"), Decimal("2.49")), (Decimal("2.5"), Decimal("3.49")), (Decimal("3.5"), Decimal(4))]
    return [
        (f"cell-step-{step}", _("%(low)s to %(high)s") % {"low": selectors.show_number(low), "high": selectors.show_number(high)})
        for step, (low, high) in enumerate(bounds, start=1)
    ]


def _no_snapshot(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "assessments/admin/matrix/no_snapshot.html", {})


# --- the heatmap and the summary -----------------------------------------------------------


@matrix_page
def heatmap(request: HttpRequest) -> HttpResponse:
    """Chapters by countries for one snapshot, part, category and measure; with the summary per chapter and a
    recompute form. A fixed number of queries whatever the number of cells and answers."""
    categories = list(StakeholderCategory.objects.order_by("sort_order", "code"))
    filters = _filters(request, categories)
    if filters.snapshot is None:
        return _no_snapshot(request)
    snapshot = filters.snapshot
    grid = selectors.heatmap(snapshot, part=filters.part, category=filters.category, measure=filters.measure)
    if filters.file_format:
        return _heatmap_download(grid, filters)
    summaries = selectors.chapter_summaries(snapshot, part=filters.part, category=filters.category)
    parts = list(ThematicPart.objects.order_by("number"))
    context = {
        **_snapshot_context(snapshot),
        "filters": filters,
        "form": _filter_form(filters, parts, categories),
        "grid": grid,
        "summaries": summaries,
        "legend": _legend(filters.measure),
        "measure_label": _measure_label(filters.measure),
        "recompute_form": RecomputeForm(categories=categories),
        "query": filters.query(),
        "csv_query": filters.query(format="csv"),
        "xlsx_query": filters.query(format="xlsx"),
    }
    return TemplateResponse(request, "assessments/admin/matrix/heatmap.html", context)


def _filter_form(filters: Filters, parts: list[ThematicPart], categories: list[StakeholderCategory], **options: bool) -> MatrixFilterForm:
    return MatrixFilterForm(snapshots=selectors.done_snapshots(), parts=parts, categories=categories, initial=filters.initial, **options)


def _heatmap_download(grid: selectors.Heatmap, filters: Filters) -> HttpResponse:
    not_surveyed = grid.not_surveyed_codes
    header = [_("No."), _("Chapter"), _("Part")] + [
        f"{country.iso_code} · {country.name}" + (f" {_('(not surveyed)')}" if country.iso_code in not_surveyed else "")
        for country in grid.countries
    ]
    header += [_("Uncertain readings"), _("Changed by a coordinator")]
    uncertain = {number: [code for n, code in grid.uncertain if n == number] for number, _code in grid.uncertain}
    rows: list[Row] = []
    for group in grid.parts:
        for row in group.rows:
            line: Row = [row.chapter.number, row.chapter.name, group.part.number]
            line += [_export_value(cell.state, cell.value) for cell in row.cells]
            line.append(", ".join(uncertain.get(row.chapter.number, [])) or None)
            # the cells whose value a coordinator set, as the page marks them with †
            line.append(
                ", ".join(country.iso_code for country, cell in zip(grid.countries, row.cells, strict=True) if cell.overridden) or None
            )
            rows.append(line)
    name = f"priority-matrix-{filters.snapshot.pk}-{filters.measure}"  # type: ignore[union-attr]
    return _download(header, rows, filters.file_format, name)


@matrix_page
def summary(request: HttpRequest) -> HttpResponse:
    """Per chapter across the countries: how many answered, the mean of their values, how many gave 4 (in the database)."""
    categories = list(StakeholderCategory.objects.order_by("sort_order", "code"))
    filters = _filters(request, categories)
    if filters.snapshot is None:
        return _no_snapshot(request)
    summaries = selectors.chapter_summaries(filters.snapshot, part=filters.part, category=filters.category)
    if filters.file_format:
        header = [
            _("No."),
            _("Chapter"),
            _("Part"),
            _("Countries answering"),
            _("Mean of the country values"),
            _("Countries with 4"),
            _("Countries with NA"),
            _("Mean remaining need"),
        ]
        rows: list[Row] = [
            [
                s.chapter.number,
                s.chapter.name,
                s.chapter.part.number,
                s.countries_answering,
                s.mean,
                s.fours,
                s.not_available,
                s.mean_remaining,
            ]
            for s in summaries
        ]
        return _download(header, rows, filters.file_format, f"priority-matrix-{filters.snapshot.pk}-summary")
    parts = list(ThematicPart.objects.order_by("number"))
    context = {
        **_snapshot_context(filters.snapshot),
        "filters": filters,
        "form": _filter_form(filters, parts, categories, with_measure=False),
        "summaries": summaries,
        "query": filters.query(),
        "csv_query": filters.query(format="csv"),
        "xlsx_query": filters.query(format="xlsx"),
    }
    return TemplateResponse(request, "assessments/admin/matrix/summary.html", context)


# --- snapshots: baseline, recompute, progress ----------------------------------------------


@matrix_page
@require_POST
def baseline(request: HttpRequest) -> HttpResponse:
    """Store the 2021 Table 7 as the first snapshot (kept as it is if already there)."""
    snapshot = matrix.baseline_load()
    messages.success(request, _("The 2021 baseline (Table 7) is loaded."))
    return redirect(reverse("matrix_heatmap") + f"?snapshot={snapshot.pk}")


@matrix_page
def recompute(request: HttpRequest) -> HttpResponse:
    """Ask for a new snapshot from the surveys; the page of its progress follows."""
    categories = list(StakeholderCategory.objects.order_by("sort_order", "code"))
    form = RecomputeForm(request.POST or None, categories=categories)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                snapshot = matrix.snapshot_request(
                    rule=form.cleaned_data["rule"],
                    created_by=request.user,
                    round_ids=[survey_round.pk for survey_round in form.cleaned_data["rounds"]],
                    weights=form.weights,
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("The recompute is queued; this page shows its progress."))
                return redirect("matrix_snapshot", snapshot_id=snapshot.pk)
        status = 400
    return TemplateResponse(request, "assessments/admin/matrix/recompute.html", {"form": form}, status=status)


@matrix_page
def snapshot_list(request: HttpRequest) -> HttpResponse:
    """Every snapshot: kind, rule, status, who and when; links to each one's heatmap or progress."""
    rows = list(selectors.snapshots())
    has_baseline = any(snapshot.kind == SnapshotKind.BASELINE for snapshot in rows)
    return TemplateResponse(request, "assessments/admin/matrix/snapshots.html", {"snapshots": rows, "has_baseline": has_baseline})


@matrix_page
def snapshot_status(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    """A snapshot's progress (the page refreshes itself every 2 s while it is queued or computed), then its heatmap link."""
    snapshot = selectors.snapshots().filter(pk=snapshot_id).first()
    if snapshot is None:
        raise MatrixInputError(_("There is no snapshot number %(number)d.") % {"number": snapshot_id}, status=404)
    running = snapshot.status in (SnapshotStatus.QUEUED, SnapshotStatus.RUNNING)
    return TemplateResponse(
        request,
        "assessments/admin/matrix/snapshot.html",
        {**_snapshot_context(snapshot), "running": running, "done": snapshot.status == SnapshotStatus.DONE},
    )


# --- a cell ------------------------------------------------------------------------------------


def _state_text(state: str, value: Decimal | None) -> str:
    return selectors.CellView(pk=None, state=state, value=value).text


@matrix_page
def cell_detail(request: HttpRequest, cell_id: int) -> HttpResponse:
    """A cell: its value and counts, the answers behind it (small anonymous groups hidden), the sessions delivered,
    the feedback of evaluations, the override form and the history of overrides."""
    cell = selectors.cell_with_context(cell_id)
    if cell is None:
        raise MatrixInputError(_("There is no cell number %(number)d.") % {"number": cell_id}, status=404)
    file_format = _format(request.GET)
    if file_format:
        return _cell_download(cell, request.GET.get("table") or "distribution", file_format)
    form = OverrideForm(
        request.POST or None, initial={"state": cell.state, "value": cell.value.normalize() if cell.value is not None else None}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                matrix.cell_override(
                    cell=cell,
                    state=form.cleaned_data["state"],
                    value=form.cleaned_data["value"],
                    justification=form.cleaned_data["justification"],
                    made_by=request.user,
                )
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("The cell is changed; the change and its justification are kept below."))
                return redirect("matrix_cell", cell_id=cell.pk)
        status = 400
    distribution = selectors.cell_distribution(cell)
    overrides = [
        {
            "override": override,
            "before": _state_text(override.previous_state, override.previous_value),
            "after": _state_text(override.state, override.value),
        }
        for override in selectors.cell_overrides(cell)
    ]
    context = {
        **_snapshot_context(cell.snapshot),
        "cell": cell,
        "stated_text": _state_text(cell.state, cell.value),
        "remaining_text": _state_text(cell.state, cell.remaining_need),
        "distribution": distribution,
        "hidden_groups": any(row.hidden for row in distribution),
        "organisations": selectors.cell_organisations(cell),
        "sessions": list(selectors.cell_sessions(cell)),
        "overrides": overrides,
        "form": form,
        "score_columns": selectors.PRIORITY_COLUMNS,
        "heatmap_query": urlencode({"snapshot": cell.snapshot_id, **({"category": cell.category_id} if cell.category_id else {})}),
        # the evaluations are anonymous: their means show only for groups of the anonymity minimum or more
        "further_training": selectors.show_number(cell.further_training) if cell.further_training_answers >= EVALUATION_MINIMUM else None,
        "relevance": selectors.show_number(cell.relevance) if cell.participants >= EVALUATION_MINIMUM else None,
        "knowledge_gain": selectors.show_number(cell.knowledge_gain),
    }
    return TemplateResponse(request, "assessments/admin/matrix/cell.html", context, status=status)


def hidden_text(min_group_size: int) -> str:
    return _("Fewer than %(count)d answers: hidden") % {"count": min_group_size}


def _cell_download(cell: MatrixCell, table: str, file_format: str) -> HttpResponse:
    name = f"priority-matrix-cell-{cell.pk}-{table}"
    if table == "distribution":
        header = [_("Questionnaire"), _("Stakeholder category"), "1", "2", "3", "4", "NA", _("Answers"), _("Note")]
        rows: list[Row] = []
        for row in selectors.cell_distribution(cell):
            category = row.category.name if row.category else _("No category")
            if row.hidden:
                rows.append(
                    [row.instrument.title, category, None, None, None, None, None, None, hidden_text(row.instrument.min_group_size)]
                )
            else:
                rows.append([row.instrument.title, category, *row.columns, row.total, None])
        return _download(header, rows, file_format, name)
    if table == "sessions":
        header = [_("Module"), _("First day"), _("Last day"), _("Language"), _("Participants"), _("Participant-days")]
        rows = [
            [f"{s.module.code} {s.module.title}".strip(), s.start_date, s.end_date, s.language.code, s.participants, s.participant_days]
            for s in selectors.cell_sessions(cell)
        ]
        return _download(header, rows, file_format, name)
    raise MatrixInputError(_("A cell's downloads are its answers (table=distribution) or its sessions (table=sessions)."))


# --- priority versus delivery --------------------------------------------------------------


@matrix_page
def delivery(request: HttpRequest) -> HttpResponse:
    """Where need and delivery disagree: high need with no participant-day delivered, and delivery against low need."""
    snapshot = _snapshot(request.GET)
    file_format = _format(request.GET)
    if snapshot is None:
        return _no_snapshot(request)
    flags, live = selectors.delivery_flags(snapshot)
    if file_format:
        header = [
            _("Flag"),
            _("No."),
            _("Chapter"),
            _("Country code"),
            _("Country"),
            _("Stated priority"),
            _("Remaining need"),
            _("Sessions"),
            _("Participants"),
            _("Participant-days"),
        ]
        rows: list[Row] = [
            [
                str(FLAG_LABELS[flag.kind]),
                flag.cell.chapter.number,
                flag.cell.chapter.name,
                flag.cell.country.iso_code,
                flag.cell.country.name,
                _export_value(flag.cell.state, flag.cell.value),
                _export_value(flag.cell.state, flag.cell.remaining_need),
                flag.sessions,
                flag.participants,
                flag.participant_days,
            ]
            for flag in flags
        ]
        return _download(header, rows, file_format, f"priority-matrix-{snapshot.pk}-delivery")
    rows_shown = [
        {
            "flag": flag,
            "label": FLAG_LABELS[flag.kind],
            "stated": _state_text(flag.cell.state, flag.cell.value),
            "remaining": _state_text(flag.cell.state, flag.cell.remaining_need),
        }
        for flag in flags
    ]
    query = urlencode({"snapshot": snapshot.pk})
    context = {
        **_snapshot_context(snapshot),
        "form": MatrixFilterForm(
            snapshots=selectors.done_snapshots(),
            parts=[],
            categories=[],
            initial={"snapshot": str(snapshot.pk)},
            with_measure=False,
            with_part=False,
            with_category=False,
        ),
        "rows": rows_shown,
        "live": live,
        "high_count": sum(1 for flag in flags if flag.kind == selectors.HIGH_NEED_NOTHING_DELIVERED),
        "low_count": sum(1 for flag in flags if flag.kind == selectors.DELIVERY_AGAINST_LOW_NEED),
        "high_stated": selectors.show_number(selectors.HIGH_STATED),
        "high_remaining": selectors.show_number(selectors.HIGH_REMAINING),
        "low_stated": selectors.show_number(selectors.LOW_STATED),
        "query": query,
    }
    return TemplateResponse(request, "assessments/admin/matrix/delivery.html", context)


# --- two snapshots compared ----------------------------------------------------------------


@matrix_page
def compare(request: HttpRequest) -> HttpResponse:
    """Cell by cell, A against B: what rose, what fell (largest change first) and what changed state."""
    categories = list(StakeholderCategory.objects.order_by("sort_order", "code"))
    query = request.GET
    before, after = _snapshot(query, "a", default=False), _snapshot(query, "b", default=False)
    category, measure, file_format = _category(query, categories), _measure(query), _format(query)
    done = list(selectors.done_snapshots())
    if (before is None) != (after is None):
        raise MatrixInputError(_("Choose two snapshots to compare: A and B."))
    initial = {"category": str(category.pk) if category else "", "measure": measure}
    if before is not None and after is not None:
        initial.update({"a": str(before.pk), "b": str(after.pk)})
    else:
        baseline_snapshot = next((s for s in done if s.kind == SnapshotKind.BASELINE), None)
        newest = next((s for s in done if s.kind == SnapshotKind.RECOMPUTE), None)
        initial.update({"a": str(baseline_snapshot.pk) if baseline_snapshot else "", "b": str(newest.pk) if newest else ""})
    comparison = None
    if before is not None and after is not None:
        comparison = selectors.compare(before, after, category=category, measure=measure)
        if file_format:
            return _compare_download(comparison, before, after, measure, file_format)
    context = {
        "form": CompareForm(snapshots=done, categories=categories, initial=initial),
        "before": before,
        "after": after,
        "category": category,
        "measure_label": _measure_label(measure),
        "comparison": comparison,
        "change_labels": CHANGE_LABELS,
        "query": urlencode(
            {
                **({"a": before.pk, "b": after.pk} if before and after else {}),
                **({"category": category.pk} if category else {}),
                **({"measure": measure} if measure != selectors.STATED else {}),
            }
        ),
    }
    return TemplateResponse(request, "assessments/admin/matrix/compare.html", context)


def _compare_download(
    comparison: selectors.Comparison, before: MatrixSnapshot, after: MatrixSnapshot, measure: str, file_format: str
) -> HttpResponse:
    header = [
        _("Change"),
        _("No."),
        _("Chapter"),
        _("Country code"),
        _("Country"),
        _("A: snapshot %(number)d") % {"number": before.pk},
        _("B: snapshot %(number)d") % {"number": after.pk},
        _("Difference (B − A)"),
    ]
    rows: list[Row] = [
        [
            str(CHANGE_LABELS[change.kind]),
            change.chapter.number,
            change.chapter.name,
            change.country.iso_code,
            change.country.name,
            _export_value(change.before.state, change.before.value),
            _export_value(change.after.state, change.after.value),
            change.difference.normalize() if change.difference is not None else None,
        ]
        for change in comparison.changes
    ]
    return _download(header, rows, file_format, f"priority-matrix-compare-{before.pk}-{after.pk}-{measure}")
