"""Reads of the surveys: response rates of a round."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from assessments.models import Respondent, Round


@dataclass(frozen=True)
class RateRow:
    """Invited and answered respondents of one country and category (or the total)."""

    country: str
    category: str
    invited: int
    answered: int
    saved: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0


def response_rates(survey_round: Round) -> tuple[list[RateRow], RateRow]:
    """Per country and stakeholder category: respondents invited, answered, with saved drafts; and the total (one query)."""
    grouped = (
        Respondent.objects.filter(round=survey_round)
        .values("country__name_az", "country__name_ru", "country__name_en", "country__sort_order", "category__code")
        .annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=Q(submitted_at__isnull=False)),
            saved=Count("pk", filter=Q(submitted_at__isnull=True, draft_saved_at__isnull=False)),
        )
        .order_by("country__sort_order", "category__code")
    )
    from django.utils.translation import get_language

    from people.models import StakeholderCategory

    language = (get_language() or "az")[:2]
    language = language if language in ("az", "ru", "en") else "en"
    categories = {category.code: category.name for category in StakeholderCategory.objects.all()}
    rows = [
        RateRow(
            row[f"country__name_{language}"] or "—",
            categories.get(row["category__code"], "—"),
            row["invited"],
            row["answered"],
            row["saved"],
        )
        for row in grouped
    ]
    total = RateRow("", "", sum(r.invited for r in rows), sum(r.answered for r in rows), sum(r.saved for r in rows))
    return rows, total


@dataclass(frozen=True)
class Gain:
    """A participant's pre- and post-test shares of points and the difference (percentage points)."""

    user_id: int
    name: str
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


def knowledge_gains(session: object) -> tuple[list[Gain], float | None]:
    """Each confirmed participant's knowledge gain in a session and the session's mean gain (two queries)."""
    from assessments.models import Purpose, Response
    from curriculum.models import ApplicationStatus, SessionApplication

    percents: dict[tuple[int, str], float] = {}
    for user_id, purpose, points, possible in (
        Response.objects.filter(
            session=session, instrument__purpose__in=[Purpose.PRE_TEST, Purpose.POST_TEST], respondent__user__isnull=False
        )
        .order_by("pk")
        .values_list("respondent__user_id", "instrument__purpose", "points", "max_points")
    ):
        if points is not None and possible:
            percents[(user_id, purpose)] = float(100 * points / possible)
    gains = [
        Gain(
            application.trainee_id,
            application.trainee.get_full_name() or application.trainee.email,
            percents.get((application.trainee_id, Purpose.PRE_TEST)),
            percents.get((application.trainee_id, Purpose.POST_TEST)),
        )
        for application in SessionApplication.objects.filter(session=session, status=ApplicationStatus.APPROVED)
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name", "pk")
    ]
    measured = [gain.gain for gain in gains if gain.gain is not None]
    return gains, (sum(measured) / len(measured) if measured else None)
