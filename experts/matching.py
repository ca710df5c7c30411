"""Ranking vetted experts for a module (and, once sessions exist, a session) by a score a coordinator can read.

The score is computed twice from one set of weights: in the database, to rank thousands of experts
in one query (`rank_experts`), and in Python for the few shown, to say why (`score_expert`). A test
holds the two to the same numbers.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curriculum.models import ModulePage, ThematicChapter, TrainingSession
from experts.models import (
    AvailabilityWindow,
    ChapterDepth,
    ExpertChapter,
    ExpertLanguage,
    ExpertProfile,
    ExpertStatus,
    Invitation,
    InvitationStatus,
    LanguageLevel,
    fold_for_search,
)
from people.models import Country, Language, User

# Points each criterion can give; a conflict of interest takes points away.
WEIGHT_CHAPTERS = 40.0
WEIGHT_LANGUAGE = 25.0
WEIGHT_COUNTRIES = 15.0
WEIGHT_AVAILABILITY = 15.0
WEIGHT_GENDER_BALANCE = 5.0
CONFLICT_PENALTY = 30.0
DEPTH_SHARE = {ChapterDepth.LEAD: 1.0, ChapterDepth.PRACTITIONER: 0.6}
LEVEL_SHARE = {LanguageLevel.NATIVE: 1.0, LanguageLevel.FLUENT: 1.0, LanguageLevel.WORKING: 0.6, LanguageLevel.BASIC: 0.2}
PARTIAL_AVAILABILITY_SHARE = 0.5
BALANCED_GENDERS = (User.Gender.FEMALE, User.Gender.MALE)


@dataclass(frozen=True)
class MatchRequest:
    """What an expert is matched against: chapters, language of delivery, participants, dates and the team so far."""

    chapter_ids: tuple[int, ...]
    language_id: int | None = None
    country_ids: tuple[int, ...] = ()
    start: datetime.date | None = None
    end: datetime.date | None = None
    team_genders: tuple[str, ...] = ()
    participant_organisations: tuple[str, ...] = ()
    exclude_expert_ids: tuple[int, ...] = ()

    @property
    def organisation_keys(self) -> frozenset[str]:
        """The participants' organisations, folded as experts' organisations are."""
        return frozenset(key for key in (fold_for_search(name) for name in self.participant_organisations) if key)

    @property
    def underrepresented_gender(self) -> str | None:
        """The gender (women or men) the trainer team has fewer of, if the team is unbalanced."""
        counts = Counter(gender for gender in self.team_genders if gender in BALANCED_GENDERS)
        female, male = counts[User.Gender.FEMALE], counts[User.Gender.MALE]
        if female == male:
            return None
        return User.Gender.FEMALE if female < male else User.Gender.MALE

    @property
    def period(self) -> tuple[datetime.date, datetime.date] | None:
        """The dates to check availability over; one date alone means that day."""
        start, end = self.start or self.end, self.end or self.start
        return (start, end) if start and end else None


def request_for_module(
    module: ModulePage,
    *,
    language: Language | None = None,
    countries: list[Country] | tuple[Country, ...] = (),
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    participant_organisations: list[str] | tuple[str, ...] = (),
) -> MatchRequest:
    """A request for a module: its chapters, its team of accepted experts, and leaving out experts already invited."""
    invited = Invitation.objects.filter(
        module__translation_key=module.translation_key,
        session__isnull=True,
        status__in=[InvitationStatus.PENDING, InvitationStatus.ACCEPTED],
    )
    team = invited.filter(status=InvitationStatus.ACCEPTED).values_list("expert__user__gender", flat=True)
    return MatchRequest(
        chapter_ids=tuple(chapter.pk for chapter in module.chapters.all()),
        language_id=language.pk if language else None,
        country_ids=tuple(country.pk for country in countries),
        start=start,
        end=end,
        team_genders=tuple(team),
        participant_organisations=tuple(participant_organisations),
        exclude_expert_ids=tuple(invited.values_list("expert_id", flat=True)),
    )


def request_for_session(session: TrainingSession) -> MatchRequest:
    """A session's request: its module's chapters, its language and dates, its applicants' countries and organisations,
    its trainers so far; experts already invited to it, or teaching it, are left out."""
    from curriculum.models import ApplicationStatus

    applicants = session.applications.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED, ApplicationStatus.APPROVED]
    )
    countries = set(applicants.exclude(country__isnull=True).values_list("country_id", flat=True))
    if not countries and session.venue_country_id:
        countries = {session.venue_country_id}
    organisations = applicants.exclude(trainee__organisation__isnull=True).values_list("trainee__organisation__name", flat=True)
    invited = Invitation.objects.filter(session=session, status__in=[InvitationStatus.PENDING, InvitationStatus.ACCEPTED])
    trainer_ids = list(session.trainers.values_list("pk", flat=True))
    return MatchRequest(
        chapter_ids=tuple(chapter.pk for chapter in session.module.chapters.all()),
        language_id=session.language_id,
        country_ids=tuple(sorted(countries)),
        start=session.start_date,
        end=session.end_date,
        team_genders=tuple(User.objects.filter(pk__in=trainer_ids).values_list("gender", flat=True)),
        participant_organisations=tuple(sorted(set(organisations))),
        exclude_expert_ids=tuple(
            {
                *invited.values_list("expert_id", flat=True),
                *ExpertProfile.objects.filter(user_id__in=trainer_ids).values_list("pk", flat=True),
            }
        ),
    )


@dataclass(frozen=True)
class Reason:
    """One line of why an expert ranks where they do, with the points it gave (negative for a conflict)."""

    points: float
    text: str

    @property
    def is_conflict(self) -> bool:
        """Whether this line took points away."""
        return self.points < 0


@dataclass
class Match:
    """An expert's place in a ranking."""

    expert: ExpertProfile
    score: float
    reasons: list[Reason] = field(default_factory=list)

    @property
    def has_conflict(self) -> bool:
        """Whether a conflict of interest counted against the expert."""
        return any(reason.is_conflict for reason in self.reasons)


def candidates() -> QuerySet[ExpertProfile]:
    """Experts who may be invited: vetted ones whose personal data is still there."""
    return ExpertProfile.objects.filter(status=ExpertStatus.VETTED, anonymised_at__isnull=True)


def _share(mapping: dict[str, float], field_name: str) -> Case:
    return Case(
        *[When(**{field_name: key}, then=Value(share)) for key, share in mapping.items()], default=Value(0.0), output_field=FloatField()
    )


def annotate_scores(queryset: QuerySet[ExpertProfile], request: MatchRequest) -> QuerySet[ExpertProfile]:
    """Each expert with a `match_score` computed by the database, by the same rules as `score_expert`."""
    score: Value | F = Value(0.0, output_field=FloatField())
    if request.chapter_ids:
        chapter_points = (
            ExpertChapter.objects.filter(expert=OuterRef("pk"), chapter_id__in=request.chapter_ids)
            .values("expert")
            .annotate(points=Sum(_share(DEPTH_SHARE, "depth")))
            .values("points")
        )
        share = Coalesce(Subquery(chapter_points, output_field=FloatField()), Value(0.0))
        score = score + share * Value(WEIGHT_CHAPTERS / len(request.chapter_ids))
    if request.language_id:
        level = ExpertLanguage.objects.filter(expert=OuterRef("pk"), language_id=request.language_id).annotate(
            share=_share(LEVEL_SHARE, "level")
        )
        score = score + Coalesce(Subquery(level.values("share")[:1], output_field=FloatField()), Value(0.0)) * Value(WEIGHT_LANGUAGE)
    if request.country_ids:
        through = ExpertProfile.field_countries.through
        known = (
            through.objects.filter(expertprofile_id=OuterRef("pk"), country_id__in=request.country_ids)
            .values("expertprofile_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        share = Coalesce(Subquery(known), Value(0)) * Value(1.0)
        score = score + share * Value(WEIGHT_COUNTRIES / len(request.country_ids))
    if request.period:
        start, end = request.period
        windows = AvailabilityWindow.objects.filter(expert=OuterRef("pk"))
        score = score + Case(
            When(Exists(windows.filter(start__lte=start, end__gte=end)), then=Value(WEIGHT_AVAILABILITY)),
            When(Exists(windows.filter(start__lte=end, end__gte=start)), then=Value(WEIGHT_AVAILABILITY * PARTIAL_AVAILABILITY_SHARE)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    if gender := request.underrepresented_gender:
        score = score + Case(When(user__gender=gender, then=Value(WEIGHT_GENDER_BALANCE)), default=Value(0.0), output_field=FloatField())
    if keys := request.organisation_keys:
        score = score - Case(When(organisation_key__in=keys, then=Value(CONFLICT_PENALTY)), default=Value(0.0), output_field=FloatField())
    return queryset.annotate(match_score=score)


def for_explaining(queryset: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
    """The experts with what `score_expert` reads (user, chapters, languages, countries, windows) fetched in a few queries."""
    return queryset.select_related("user", "country_of_residence").prefetch_related(
        Prefetch("chapter_links", queryset=ExpertChapter.objects.select_related("chapter")),
        Prefetch("language_links", queryset=ExpertLanguage.objects.select_related("language")),
        "field_countries",
        "availability",
    )


def rank_experts(request: MatchRequest, *, limit: int = 20, queryset: QuerySet[ExpertProfile] | None = None) -> list[Match]:
    """The best `limit` candidates, ranked in the database, each with the reasons for their score."""
    queryset = candidates() if queryset is None else queryset
    ranked = annotate_scores(queryset.exclude(pk__in=request.exclude_expert_ids), request).order_by("-match_score", "pk")[:limit]
    context = ExplainContext.load(request)
    matches = []
    for expert in for_explaining(ranked):
        score, reasons = score_expert(expert, request, context)
        matches.append(Match(expert=expert, score=score, reasons=reasons))
    return matches


@dataclass(frozen=True)
class ExplainContext:
    """Names the reasons need (chapters, language, countries), read once per ranking."""

    chapters: dict[int, ThematicChapter]
    language: Language | None
    countries: dict[int, Country]

    @classmethod
    def load(cls, request: MatchRequest) -> ExplainContext:
        """Read the request's chapters, language and countries."""
        return cls(
            chapters={chapter.pk: chapter for chapter in ThematicChapter.objects.filter(pk__in=request.chapter_ids)},
            language=Language.objects.filter(pk=request.language_id).first() if request.language_id else None,
            countries={country.pk: country for country in Country.objects.filter(pk__in=request.country_ids)},
        )


def _chapter_reasons(expert: ExpertProfile, request: MatchRequest, context: ExplainContext) -> list[Reason]:
    wanted = set(request.chapter_ids)
    per_chapter = WEIGHT_CHAPTERS / len(wanted)
    reasons = []
    for link in expert.chapter_links.all():
        if link.chapter_id not in wanted:
            continue
        chapter = context.chapters.get(link.chapter_id, link.chapter)
        if link.depth == ChapterDepth.LEAD:
            text = _("Lead expert in chapter %(number)s, %(name)s") % {"number": chapter.number, "name": chapter.name}
        else:
            text = _("Practitioner in chapter %(number)s, %(name)s") % {"number": chapter.number, "name": chapter.name}
        reasons.append(Reason(per_chapter * DEPTH_SHARE[ChapterDepth(link.depth)], text))
    return reasons or [Reason(0.0, _("No expertise in the module's chapters"))]


def _language_reason(expert: ExpertProfile, context: ExplainContext) -> Reason:
    language = context.language
    assert language is not None  # noqa: S101 - only called with a language
    for link in expert.language_links.all():
        if link.language_id == language.pk:
            share = LEVEL_SHARE[LanguageLevel(link.level)]
            text = _("Works in %(language)s (%(level)s)") % {"language": language.name, "level": link.get_level_display()}
            return Reason(WEIGHT_LANGUAGE * share, text)
    return Reason(0.0, _("Does not work in %(language)s") % {"language": language.name})


def _country_reason(expert: ExpertProfile, request: MatchRequest, context: ExplainContext) -> Reason:
    known = [country for country in expert.field_countries.all() if country.pk in set(request.country_ids)]
    if not known:
        return Reason(0.0, _("No field experience in the participants' countries"))
    names = ", ".join(str(country) for country in known)
    text = ngettext(
        "Field experience in %(countries)s (%(n)d of %(total)d participants' countries)",
        "Field experience in %(countries)s (%(n)d of %(total)d participants' countries)",
        len(known),
    ) % {"countries": names, "n": len(known), "total": len(request.country_ids)}
    return Reason(WEIGHT_COUNTRIES * len(known) / len(request.country_ids), text)


def _availability_reason(expert: ExpertProfile, period: tuple[datetime.date, datetime.date]) -> Reason:
    start, end = period
    windows = list(expert.availability.all())
    if any(window.start <= start and window.end >= end for window in windows):
        return Reason(WEIGHT_AVAILABILITY, _("Available over the whole period"))
    if any(window.start <= end and window.end >= start for window in windows):
        return Reason(WEIGHT_AVAILABILITY * PARTIAL_AVAILABILITY_SHARE, _("Available for part of the period"))
    return Reason(0.0, _("Not available in the period"))


def score_expert(expert: ExpertProfile, request: MatchRequest, context: ExplainContext) -> tuple[float, list[Reason]]:
    """An expert's score and its reasons, from the expert's prefetched chapters, languages, countries and windows."""
    reasons: list[Reason] = []
    if request.chapter_ids:
        reasons += _chapter_reasons(expert, request, context)
    if request.language_id:
        reasons.append(_language_reason(expert, context))
    if request.country_ids:
        reasons.append(_country_reason(expert, request, context))
    if period := request.period:
        reasons.append(_availability_reason(expert, period))
    if (gender := request.underrepresented_gender) and expert.user.gender == gender:
        text = (
            _("Balances the trainer team, which has fewer women")
            if gender == User.Gender.FEMALE
            else _("Balances the trainer team, which has fewer men")
        )
        reasons.append(Reason(WEIGHT_GENDER_BALANCE, text))
    if expert.organisation_key and expert.organisation_key in request.organisation_keys:
        text = _("Conflict of interest: works at %(organisation)s, as participants do") % {"organisation": expert.organisation_name}
        reasons.append(Reason(-CONFLICT_PENALTY, text))
    return sum(reason.points for reason in reasons), reasons
