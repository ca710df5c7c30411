"""Forms of the priority-matrix pages: the filters, a recompute, an override of a cell, the two snapshots compared."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.matrix import DEFAULT_WEIGHTS
from assessments.matrix_selectors import REMAINING, STATED
from assessments.models import CellState, MatrixRule, MatrixSnapshot, Round, SnapshotKind
from curriculum.models import ThematicPart
from people.models import StakeholderCategory

WEIGHT_PREFIX = "weight_"
MAX_WEIGHT = Decimal(10)


def measure_choices() -> list[tuple[str, str]]:
    return [(STATED, _("Stated priority")), (REMAINING, _("Remaining need"))]


def snapshot_label(snapshot: MatrixSnapshot) -> str:
    """How a snapshot is named in a list: its number, label and, for a recompute, its rule."""
    if snapshot.kind == SnapshotKind.BASELINE:
        return _("No. %(number)d: %(label)s") % {"number": snapshot.pk, "label": snapshot.title}
    return _("No. %(number)d: %(label)s (%(rule)s)") % {"number": snapshot.pk, "label": snapshot.title, "rule": snapshot.get_rule_display()}


def _category_choices(categories: Iterable[StakeholderCategory]) -> list[tuple[str, str]]:
    return [("", _("All categories together"))] + [(str(category.pk), category.name) for category in categories]


class MatrixFilterForm(forms.Form):
    """What the heatmap and its summary show: a snapshot, a part, a stakeholder category, a measure (display only:
    the view reads and checks the query itself, to answer 404 for an unknown snapshot and 400 for a bad value)."""

    snapshot = forms.ChoiceField(label=gettext_lazy("Snapshot"), required=False)
    part = forms.ChoiceField(label=gettext_lazy("Part of the curriculum"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Stakeholder category"), required=False)
    measure = forms.ChoiceField(label=gettext_lazy("Show"), required=False, widget=forms.RadioSelect)

    def __init__(
        self,
        *args: object,
        snapshots: Iterable[MatrixSnapshot],
        parts: Iterable[ThematicPart],
        categories: Iterable[StakeholderCategory],
        with_measure: bool = True,
        with_part: bool = True,
        with_category: bool = True,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["snapshot"].choices = [(str(snapshot.pk), snapshot_label(snapshot)) for snapshot in snapshots]
        self.fields["part"].choices = [("", _("Both parts"))] + [
            (str(part.number), _("Part %(number)d: %(name)s") % {"number": part.number, "name": part.name}) for part in parts
        ]
        self.fields["category"].choices = _category_choices(categories)
        self.fields["measure"].choices = measure_choices()
        if not with_measure:
            del self.fields["measure"]
        if not with_part:
            del self.fields["part"]
        if not with_category:
            del self.fields["category"]


class CompareForm(forms.Form):
    """The two snapshots to compare, for one stakeholder category and measure (display only, as the filters)."""

    a = forms.ChoiceField(label=gettext_lazy("Earlier snapshot (A)"))
    b = forms.ChoiceField(label=gettext_lazy("Later snapshot (B)"))
    category = forms.ChoiceField(label=gettext_lazy("Stakeholder category"), required=False)
    measure = forms.ChoiceField(label=gettext_lazy("Compare"), required=False, widget=forms.RadioSelect)

    def __init__(
        self, *args: object, snapshots: Iterable[MatrixSnapshot], categories: Iterable[StakeholderCategory], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(str(snapshot.pk), snapshot_label(snapshot)) for snapshot in snapshots]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
        self.fields["category"].choices = _category_choices(categories)
        self.fields["measure"].choices = measure_choices()


class RecomputeForm(forms.Form):
    """A new snapshot from the surveys: the rule, the rounds, and the category weights of the weighted rule."""

    rule = forms.ChoiceField(
        label=gettext_lazy("Rule"),
        choices=MatrixRule.choices,
        initial=MatrixRule.MEDIAN,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("How the answers of a country for a chapter become one value."),
    )
    rounds = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Needs-assessment rounds"),
        queryset=Round.objects.order_by("-year", "-pk"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to use the answers of every round."),
    )

    def __init__(self, *args: object, categories: Iterable[StakeholderCategory], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.categories = list(categories)
        for category in self.categories:
            self.fields[WEIGHT_PREFIX + category.code] = forms.DecimalField(
                label=_("Weight of “%(category)s”") % {"category": category.name},
                required=False,
                min_value=Decimal(0),
                max_value=MAX_WEIGHT,
                max_digits=4,
                decimal_places=2,
                localize=True,
                initial=DEFAULT_WEIGHTS.get(category.code, 1),
            )

    @property
    def weight_fields(self) -> list[forms.BoundField]:
        return [self[WEIGHT_PREFIX + category.code] for category in self.categories]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith(WEIGHT_PREFIX)]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("rule") == MatrixRule.WEIGHTED:
            weights = [cleaned.get(WEIGHT_PREFIX + category.code) for category in self.categories]
            for category, weight in zip(self.categories, weights, strict=True):
                if weight is None and WEIGHT_PREFIX + category.code not in self.errors:
                    self.add_error(WEIGHT_PREFIX + category.code, _("Give every category a weight (0 leaves it out)."))
            if all(weight is not None for weight in weights) and not any(weights):
                raise forms.ValidationError(_("At least one category needs a weight above 0."))
        return cleaned

    @property
    def weights(self) -> dict[str, float] | None:
        """The weights by category code, for the weighted rule (None for the other rules)."""
        if self.cleaned_data.get("rule") != MatrixRule.WEIGHTED:
            return None
        weights = {}
        for category in self.categories:
            weight = self.cleaned_data[WEIGHT_PREFIX + category.code]
            weights[category.code] = int(weight) if weight == weight.to_integral_value() else float(weight)
        return weights


class OverrideForm(forms.Form):
    """A coordinator's correction of a cell, with the reason written down."""

    state = forms.ChoiceField(label=gettext_lazy("The cell holds"), choices=CellState.choices, widget=forms.RadioSelect)
    value = forms.DecimalField(
        label=gettext_lazy("Score"),
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(4),
        max_digits=4,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy("Between 1 and 4; only for a score."),
    )
    justification = forms.CharField(
        label=gettext_lazy("Justification"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Why the cell changes, in at least 10 characters: it is kept with the change, for everyone to read."),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("state") == CellState.SCORE and cleaned.get("value") is None and "value" not in self.errors:
            self.add_error("value", _("Give the score, between 1 and 4."))
        if cleaned.get("state") in (CellState.NOT_AVAILABLE, CellState.EMPTY):
            cleaned["value"] = None
        return cleaned
