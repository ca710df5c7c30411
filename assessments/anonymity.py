"""The anonymity rule of anonymous instruments, in one place: which responses count and which filters may be used.

Every view of an anonymous instrument's answers (the results pages and their filters, the exports, a
session's results for its trainers, the donor pack, the matrix drill-down) asks this module first.

The rule (docs/surveys.md, "Anonymity"), with k the instrument's `min_group_size`:

1. **Scopes.** A response belongs to one scope: its (round, session) pair. The responses of a scope
   holding fewer than k are counted nowhere (not even in the instrument's totals), so no view minus
   other views can leave them alone. They count once their scope reaches k.
2. **Filters.** The country, stakeholder-category and gender filters are released in that order, each
   only if, together with the scope and the filters released before it, it splits the counted
   responses into groups that all hold at least k. A filter not released is refused: the page says it
   would identify people and shows nothing. Every view is then a union of whole groups of at least k,
   so no comparison of views, by two or by more (A - B, A - B - C + D...), can isolate fewer than k.
3. **Rows.** A row export of an anonymous instrument carries the answers, its round and its session
   only: no number, day, country, category or gender. Its rows, and the free texts on the results
   pages, follow a random key or the texts' own order, never the order of submission.
4. **Storage.** The respondent row keeps only the day of submission (midnight), like the response.
5. **Time.** A scope counts only once its answering window has closed: the day after a round's deadline, or after
   the last day a session's survey can be answered (`services.session_survey_closes`). Until then its responses
   count nowhere and a view of it says when the survey closes, so a view taken before and after one person answers
   is the same; after closing no answer is taken (the windows refuse it), so what was shown never changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.models import Instrument, Purpose, Response, Round, SessionSurvey
from curriculum.models import TrainingSession

if TYPE_CHECKING:
    from assessments.results import ResultFilters

SCOPE_FIELDS = ("round_id", "session_id")
# The filters that describe people, in the order they are released.
GROUP_FIELDS = ("country_id", "category_id", "gender")


@dataclass(frozen=True)
class Release:
    """What may be shown of an instrument: the group filters released (all of them unless anonymous)."""

    instrument: Instrument
    released: tuple[str, ...]

    def allows(self, filters: ResultFilters) -> bool:
        return all(name in self.released for name in filters.as_parameters() if name in GROUP_FIELDS)


def small_scopes(instrument: Instrument | None = None) -> list[tuple[int, int | None, int | None]]:
    """The (instrument, round, session) scopes of anonymous instruments (or the one given) holding fewer than their minimum (one query)."""
    responses = Response.objects.filter(instrument__is_anonymous=True)
    if instrument is not None:
        if not instrument.is_anonymous:
            return []
        responses = responses.filter(instrument=instrument)
    return list(
        responses.values("instrument_id", *SCOPE_FIELDS)
        .annotate(n=Count("pk"), k=F("instrument__min_group_size"))
        .filter(n__lt=F("k"))
        .values_list("instrument_id", *SCOPE_FIELDS)
        .order_by()
    )


Scope = tuple[int, int | None, int | None]


def closing_day(
    purpose: str,
    *,
    deadline: datetime.date | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    months: int = 3,
) -> datetime.date | None:
    """The last day a scope can be answered: its round's deadline, or its session's window for the purpose; None for
    a scope with neither (no link can answer it)."""
    if deadline is not None:
        return deadline
    if start_date is None or end_date is None:
        return None
    from assessments.services import session_survey_closes

    return session_survey_closes(purpose, start_date=start_date, end_date=end_date, months=months)


def is_open(closes: datetime.date | None, today: datetime.date | None = None) -> bool:
    """Whether a scope closing on `closes` may still be answered (rule 5)."""
    return closes is not None and (today or timezone.localdate()) <= closes


def withheld_scopes(instrument: Instrument | None = None, today: datetime.date | None = None) -> list[Scope]:
    """The (instrument, round, session) scopes of anonymous instruments (or the one given) that count nowhere: those
    holding fewer than their minimum (rule 1) and those still open (rule 5). Two queries at most."""
    responses = Response.objects.filter(instrument__is_anonymous=True)
    if instrument is not None:
        if not instrument.is_anonymous:
            return []
        responses = responses.filter(instrument=instrument)
    rows = list(
        responses.values("instrument_id", *SCOPE_FIELDS)
        .annotate(
            n=Count("pk"),
            k=F("instrument__min_group_size"),
            purpose=F("instrument__purpose"),
            deadline=F("round__deadline"),
            start=F("session__start_date"),
            end=F("session__end_date"),
        )
        .order_by()
    )
    follow_ups = {row["session_id"] for row in rows if row["purpose"] == Purpose.FOLLOW_UP and row["session_id"] is not None}
    months = (
        dict(
            SessionSurvey.objects.filter(session_id__in=follow_ups, purpose=Purpose.FOLLOW_UP).values_list("session_id", "follow_up_months")
        )
        if follow_ups
        else {}
    )
    today = today or timezone.localdate()
    return [
        (row["instrument_id"], row["round_id"], row["session_id"])
        for row in rows
        if row["n"] < row["k"]
        or is_open(
            closing_day(
                row["purpose"],
                deadline=row["deadline"],
                start_date=row["start"],
                end_date=row["end"],
                months=months.get(row["session_id"], 3),
            ),
            today,
        )
    ]


def withheld_q(prefix: str = "", instrument: Instrument | None = None) -> Q:
    """Matches the responses (through `prefix`) in a scope that counts nowhere (rules 1 and 5)."""
    return scopes_q(withheld_scopes(instrument), prefix)


def scope_closes(instrument: Instrument, filters: ResultFilters) -> datetime.date | None:
    """The last day the round or session a view is filtered on can be answered (None without one, or unknown)."""
    if filters.round_id is not None:
        deadline = Round.objects.filter(pk=filters.round_id).values_list("deadline", flat=True).first()
        return deadline
    if filters.session_id is not None:
        session = TrainingSession.objects.filter(pk=filters.session_id).prefetch_related("surveys").first()
        if session is None:
            return None
        from assessments.services import follow_up_months

        return closing_day(instrument.purpose, start_date=session.start_date, end_date=session.end_date, months=follow_up_months(session))
    return None


def closing_message(closes: datetime.date) -> str:
    """The sentence that says why an open anonymous survey shows nothing yet."""
    return _(
        "This survey is anonymous: its results appear once it has closed, so that nobody can learn one person's answers by "
        "looking before and after they answer. It can be answered until %(date)s; the results appear the day after."
    ) % {"date": closes.strftime("%d.%m.%Y")}


def counted_count() -> Subquery:
    """For an annotation of instruments: how many of its responses count (all for a named instrument; for an anonymous
    one, only those of closed scopes of at least the minimum, a figure that does not move as answers arrive)."""
    counted = (
        Response.objects.filter(instrument_id=OuterRef("pk"))
        .exclude(withheld_q())
        .order_by()
        .values("instrument_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(counted)


def scopes_q(scopes: list[tuple[int, int | None, int | None]], prefix: str = "") -> Q:
    """Matches the responses (through `prefix`, e.g. "response__") of those scopes; the small scopes are few."""
    conditions = [
        Q(**{f"{prefix}instrument_id": instrument_id, f"{prefix}round_id": round_id, f"{prefix}session_id": session_id})
        for instrument_id, round_id, session_id in scopes
    ]
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def small_scopes_q(prefix: str = "", instrument: Instrument | None = None) -> Q:
    """Matches the responses (through `prefix`) in a scope of an anonymous instrument holding fewer than its minimum (one query)."""
    return scopes_q(small_scopes(instrument), prefix)


def counted_responses(instrument: Instrument) -> QuerySet[Response]:
    """The responses of an instrument that count in what anyone is shown (rule 1)."""
    responses = Response.objects.filter(instrument=instrument)
    if not instrument.is_anonymous:
        return responses
    return responses.exclude(withheld_q(instrument=instrument))


def release(instrument: Instrument) -> Release:
    """The group filters that may be used on the instrument (rule 2): at most one grouped query per filter."""
    if not instrument.is_anonymous:
        return Release(instrument, GROUP_FIELDS)
    responses = counted_responses(instrument).order_by()
    released: list[str] = []
    for name in GROUP_FIELDS:
        fields = [*SCOPE_FIELDS, *released, name]
        smallest = responses.values(*fields).annotate(n=Count("pk")).order_by("n").values_list("n", flat=True).first()
        if smallest is None or smallest >= instrument.min_group_size:
            released.append(name)
    return Release(instrument, tuple(released))


def is_below_minimum(instrument: Instrument, response_count: int) -> bool:
    """Whether a group of this size must stay hidden (anonymous instruments only)."""
    return instrument.is_anonymous and response_count < instrument.min_group_size


def group_message(instrument: Instrument) -> str:
    """The sentence that says why a group's results are hidden."""
    return ngettext(
        "Fewer than %(count)d answer: results are hidden to protect anonymity.",
        "Fewer than %(count)d answers: results are hidden to protect anonymity.",
        instrument.min_group_size,
    ) % {"count": instrument.min_group_size}


def filter_message(instrument: Instrument) -> str:
    """The sentence that says why a filter is refused."""
    return ngettext(
        "This survey is anonymous and this filter would identify people: compared with other views, it would single out "
        "a group of fewer than %(count)d person. Remove the country, category or gender filter to see the results.",
        "This survey is anonymous and this filter would identify people: compared with other views, it would single out "
        "a group of fewer than %(count)d people. Remove the country, category or gender filter to see the results.",
        instrument.min_group_size,
    ) % {"count": instrument.min_group_size}


@dataclass(frozen=True)
class ViewCheck:
    """Whether a filtered view of an instrument may be shown: how many responses it counts, or why it is hidden."""

    responses: int
    refusal: str = ""

    @property
    def allowed(self) -> bool:
        return not self.refusal


def view_check(instrument: Instrument, filters: ResultFilters) -> ViewCheck:
    """Check a view against the rule: a released filter, and a group of at least the minimum."""
    if instrument.is_anonymous:
        closes = scope_closes(instrument, filters)
        if is_open(closes):
            return ViewCheck(0, closing_message(closes))  # type: ignore[arg-type]
    if instrument.is_anonymous and not release(instrument).allows(filters):
        return ViewCheck(0, filter_message(instrument))
    total = counted_responses(instrument).filter(**filters.response_lookups()).count()
    if is_below_minimum(instrument, total):
        return ViewCheck(total, group_message(instrument))
    return ViewCheck(total)


def submission_time(instrument: Instrument, now: datetime.datetime, day: datetime.date) -> datetime.datetime:
    """When a respondent submitted, as stored: the moment for named answers, midnight of the day for anonymous ones (rule 4)."""
    if not instrument.is_anonymous:
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def by_country(purpose: str, prefix: str = "response__") -> tuple[Q, int]:
    """For means of a purpose's answers by country (the priority matrix's evaluation feedback): which answers may count, and the
    smallest group of anonymous answers such a mean may stand on.

    An anonymous form counts only where its country filter is released (rule 2) and outside its small and open scopes
    (rules 1 and 5): a
    country's mean is then a union of whole groups of at least k, and no results page minus it leaves fewer than k.
    """
    anonymous = list(Instrument.objects.filter(purpose=purpose, is_anonymous=True, responses__isnull=False).distinct())
    withheld = [instrument.pk for instrument in anonymous if "country_id" not in release(instrument).released]
    condition = ~withheld_q(prefix)
    if withheld:
        condition &= ~Q(**{f"{prefix}instrument_id__in": withheld})
    minimum = max((instrument.min_group_size for instrument in anonymous), default=1)
    return condition, minimum


def mean_shown(anonymous_answers: int, answers: int, minimum: int) -> bool:
    """Whether a mean by country may be shown or used: no anonymous answer in it, or at least the minimum answers."""
    return anonymous_answers == 0 or answers >= minimum


def row_order_fields(instrument: Instrument) -> tuple[str, ...]:
    """The order of an export's rows: submission order for named answers, the random key for anonymous ones (rule 3)."""
    return ("sort_key", "pk") if instrument.is_anonymous else ("pk",)
