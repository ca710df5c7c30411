"""Reading the priority-matrix pages' query string: each filter checked, a bad one a `MatrixInputError` that says why."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from assessments import matrix_selectors as selectors
from assessments.models import MatrixSnapshot, SnapshotStatus
from people.models import StakeholderCategory

FORMATS = ("csv", "xlsx")


class MatrixInputError(Exception):
    """A request the pages cannot answer: `message` says why, in words, with the HTTP status."""

    def __init__(self, message: str, status: int = 400, link: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.link = link


# --- reading the query ---------------------------------------------------------------------


def _integer(query: QueryDict, name: str, label: str) -> int | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise MatrixInputError(_("“%(label)s” must be a whole number; “%(value)s” is not.") % {"label": label, "value": raw[:40]})
    return int(raw)


def _snapshot(query: QueryDict, name: str = "snapshot", *, default: bool = True) -> MatrixSnapshot | None:
    """The finished snapshot asked for, or the default one; 400 for an unknown number or one not ready.

    A filter's value that is not one of its choices is a bad request (400), as on the results pages; a 404 from an
    admin URL would also be turned by LocaleMiddleware into a redirect to a language-prefixed path that loses the message.
    """
    number = _integer(query, name, _("Snapshot"))
    if number is None:
        return selectors.default_snapshot() if default else None
    snapshot = selectors.snapshots().filter(pk=number).first()
    if snapshot is None:
        raise MatrixInputError(_("There is no snapshot number %(number)d: choose one from the list.") % {"number": number})
    if snapshot.status != SnapshotStatus.DONE:
        raise MatrixInputError(
            _("Snapshot number %(number)d is not ready (%(status)s): its progress is on its own page.")
            % {"number": number, "status": snapshot.get_status_display()},
            link=(reverse("matrix_snapshot", args=[snapshot.pk]), _("Follow its progress")),
        )
    return snapshot


def _category(query: QueryDict, categories: list[StakeholderCategory]) -> StakeholderCategory | None:
    number = _integer(query, "category", _("Stakeholder category"))
    if number is None:
        return None
    found = next((category for category in categories if category.pk == number), None)
    if found is None:
        raise MatrixInputError(_("There is no stakeholder category number %(number)d: choose one from the list.") % {"number": number})
    return found


def _part(query: QueryDict) -> int | None:
    number = _integer(query, "part", _("Part of the curriculum"))
    if number is not None and number not in (1, 2):
        raise MatrixInputError(_("The curriculum has parts 1 and 2 only."))
    return number


def _measure(query: QueryDict) -> str:
    measure = query.get("measure") or selectors.STATED
    if measure not in selectors.MEASURES:
        raise MatrixInputError(_("Show the stated priority or the remaining need (“stated” or “remaining”)."))
    return measure


def _format(query: QueryDict) -> str:
    file_format = query.get("format") or ""
    if file_format not in ("", "html", *FORMATS):
        raise MatrixInputError(_("Downloads are CSV or XLSX (format=csv or format=xlsx)."))
    return "" if file_format == "html" else file_format


@dataclass(frozen=True)
class Filters:
    """The filters of the heatmap, its summary and the delivery page."""

    snapshot: MatrixSnapshot | None
    part: int | None
    category: StakeholderCategory | None
    measure: str
    file_format: str

    def query(self, **extra: object) -> str:
        """The filters as a query string (for links and the download buttons)."""
        values: dict[str, object] = {}
        if self.snapshot is not None:
            values["snapshot"] = self.snapshot.pk
        if self.part is not None:
            values["part"] = self.part
        if self.category is not None:
            values["category"] = self.category.pk
        if self.measure != selectors.STATED:
            values["measure"] = self.measure
        values.update({key: value for key, value in extra.items() if value is not None})
        return urlencode(values)

    @property
    def initial(self) -> dict[str, str]:
        return {
            "snapshot": str(self.snapshot.pk) if self.snapshot else "",
            "part": str(self.part or ""),
            "category": str(self.category.pk) if self.category else "",
            "measure": self.measure,
        }


def _filters(request: HttpRequest, categories: list[StakeholderCategory]) -> Filters:
    query = request.GET
    return Filters(
        snapshot=_snapshot(query),
        part=_part(query),
        category=_category(query, categories),
        measure=_measure(query),
        file_format=_format(query),
    )
