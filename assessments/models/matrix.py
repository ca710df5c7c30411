"""The needs-assessment priority matrix: chapters x countries, kept as versioned snapshots, cell by cell.

A cell is a score (1-4, possibly with decimals from a mean or a median of an even count), "not
available" (NA: the answers said the chapter does not apply) or empty (nobody answered): three states
that stay distinct through recompute, views and exports. Each snapshot stores the rule and the formula
it was made with and what went into it; a coordinator's override of a cell is a row of its own, with
the written justification, so the history is never rewritten.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from curriculum.models import ThematicChapter
from people.models import Country, StakeholderCategory

__all__ = [
    "CellOverride",
    "CellState",
    "MatrixCell",
    "MatrixRule",
    "MatrixSnapshot",
    "SnapshotKind",
    "SnapshotStatus",
]


class CellState(models.TextChoices):
    """What a cell holds."""

    SCORE = "score", _("Score")
    NOT_AVAILABLE = "na", pgettext_lazy("matrix cell", "Not available")
    EMPTY = "empty", pgettext_lazy("matrix cell", "No answer")


class MatrixRule(models.TextChoices):
    """How the answers of a country and chapter become one value."""

    MEDIAN = "median", _("Median of the answers")
    MEAN = "mean", _("Mean of the answers")
    MAXIMUM = "max", _("Highest answer")
    WEIGHTED = "weighted", _("Mean weighted by stakeholder category")


class SnapshotKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline (2021 report, Table 7)")
    RECOMPUTE = "recompute", _("Recomputed from surveys")


class SnapshotStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being computed")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class MatrixSnapshot(models.Model):
    """One version of the matrix: when, by whom, by which rule and formula, from how many answers."""

    kind = models.CharField(_("kind"), max_length=10, choices=SnapshotKind.choices)
    label = models.CharField(_("label"), max_length=200)
    rule = models.CharField(_("rule"), max_length=10, choices=MatrixRule.choices, default=MatrixRule.MEDIAN)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True, help_text=_("Rounds used, category weights."))
    formula = models.TextField(_("formula"), blank=True)
    input_counts = models.JSONField(_("what went in"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=SnapshotStatus.choices, default=SnapshotStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("made at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("priority-matrix snapshot")
        verbose_name_plural = _("priority-matrix snapshots")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=SnapshotKind.values), name="snapshot_kind_known"),
            models.CheckConstraint(condition=models.Q(rule__in=MatrixRule.values), name="snapshot_rule_known"),
            models.CheckConstraint(condition=models.Q(status__in=SnapshotStatus.values), name="snapshot_status_known"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The snapshot's name in the reader's language (the stored label is the English record)."""
        from django.utils.timezone import localtime

        if self.kind == SnapshotKind.BASELINE:
            return str(_("2021 needs assessment, Table 7"))
        if self.created_at is None:
            return self.label
        return str(_("Recomputed on %(date)s")) % {"date": localtime(self.created_at).strftime("%d.%m.%Y %H:%M")}


class MatrixCell(models.Model):
    """A country's value for a chapter in one snapshot (all categories together, or one category), with what
    was delivered and the evaluation feedback behind its remaining need."""

    snapshot = models.ForeignKey(MatrixSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="cells")
    chapter = models.ForeignKey(ThematicChapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        StakeholderCategory,
        verbose_name=_("stakeholder category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: all categories together."),
    )
    state = models.CharField(_("state"), max_length=5, choices=CellState.choices, default=CellState.EMPTY)
    value = models.DecimalField(_("stated priority"), max_digits=4, decimal_places=2, null=True, blank=True)
    answers = models.PositiveIntegerField(_("answers"), default=0)
    na_answers = models.PositiveIntegerField(_("“not applicable” answers"), default=0)
    top_answers = models.PositiveIntegerField(_("answers of 4"), default=0)
    further_training = models.DecimalField(_("further training wanted (mean 1-4)"), max_digits=4, decimal_places=2, null=True, blank=True)
    further_training_answers = models.PositiveIntegerField(_("further-training answers"), default=0)
    relevance = models.DecimalField(_("relevance of delivered training (mean 1-5)"), max_digits=4, decimal_places=2, null=True, blank=True)
    knowledge_gain = models.DecimalField(_("mean knowledge gain (points of %)"), max_digits=6, decimal_places=2, null=True, blank=True)
    sessions = models.PositiveIntegerField(_("sessions delivered"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    participant_days = models.PositiveIntegerField(_("participant-days"), default=0)
    remaining_need = models.DecimalField(_("remaining need"), max_digits=4, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["chapter__number", "country__sort_order"]
        verbose_name = _("priority-matrix cell")
        verbose_name_plural = _("priority-matrix cells")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "chapter", "country"],
                condition=models.Q(category__isnull=True),
                name="matrix_cell_one_per_chapter_country",
            ),
            models.UniqueConstraint(
                fields=["snapshot", "chapter", "country", "category"],
                condition=models.Q(category__isnull=False),
                name="matrix_cell_one_per_chapter_country_category",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(state="score", value__gte=Decimal(1), value__lte=Decimal(4))
                    | (~models.Q(state="score") & models.Q(value__isnull=True))
                ),
                name="matrix_cell_value_matches_state",
            ),
        ]
        indexes = [models.Index(fields=["snapshot", "category"], name="matrix_cell_snapshot_cat_idx")]

    def __str__(self) -> str:
        return f"{self.chapter.number} × {self.country.iso_code}: {self.display}"

    @property
    def display(self) -> str:
        """The cell as the report prints it: the score, "NA" or empty."""
        if self.state == CellState.SCORE and self.value is not None:
            return f"{self.value.normalize():f}"
        return "NA" if self.state == CellState.NOT_AVAILABLE else ""


class CellOverride(models.Model):
    """A coordinator's correction of a cell, with the written reason; the latest one counts, all are kept."""

    cell = models.ForeignKey(MatrixCell, verbose_name=_("cell"), on_delete=models.CASCADE, related_name="overrides")
    state = models.CharField(_("state"), max_length=5, choices=CellState.choices)
    value = models.DecimalField(_("value"), max_digits=4, decimal_places=2, null=True, blank=True)
    justification = models.TextField(_("justification"), max_length=2000)
    previous_state = models.CharField(_("state before"), max_length=5, choices=CellState.choices)
    previous_value = models.DecimalField(_("value before"), max_digits=4, decimal_places=2, null=True, blank=True)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("override of a cell")
        verbose_name_plural = _("overrides of cells")
        constraints = [
            models.CheckConstraint(condition=~models.Q(justification=""), name="override_has_justification"),
            models.CheckConstraint(
                condition=(
                    models.Q(state="score", value__gte=Decimal(1), value__lte=Decimal(4))
                    | (~models.Q(state="score") & models.Q(value__isnull=True))
                ),
                name="override_value_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cell}: {self.state} {self.value or ''}"
