"""Reads of the expert roster."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from curriculum.models import ModulePage, TrainingSession
from experts.models import (
    AvailabilityWindow,
    ExpertChapter,
    ExpertLanguage,
    ExpertProfile,
    ExpertStatus,
    Invitation,
    InvitationStatus,
    LanguageLevel,
    fold_for_search,
)
from people.models import Language, User


def roster() -> QuerySet[ExpertProfile]:
    """Every expert with the account and country the admin listing shows."""
    return ExpertProfile.objects.select_related("user", "country_of_residence", "organisation_type")


def public_expert(expert_id: int) -> ExpertProfile | None:
    """A vetted expert who consented to be listed, with what the public page may show, or None."""
    return (
        ExpertProfile.objects.filter(pk=expert_id, status=ExpertStatus.VETTED, consent_to_be_listed=True)
        .select_related("user", "country_of_residence")
        .prefetch_related("chapter_links__chapter", "language_links__language")
        .first()
    )


def roster_listing() -> QuerySet[ExpertProfile]:
    """The roster listing: each expert with account, country, chapters and languages in a fixed number of queries."""
    return roster().prefetch_related(
        Prefetch("chapter_links", queryset=ExpertChapter.objects.select_related("chapter")),
        Prefetch("language_links", queryset=ExpertLanguage.objects.select_related("language")),
    )


def roster_text_search(queryset: QuerySet[ExpertProfile], text: str) -> QuerySet[ExpertProfile]:
    """Experts whose names, e-mail, organisation or bio contain every word of `text`, with or without diacritics."""
    for word in fold_for_search(text).split()[:10]:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def with_language(queryset: QuerySet[ExpertProfile], language: Language, min_level: str = "") -> QuerySet[ExpertProfile]:
    """Experts who work in `language`, at `min_level` or better when given."""
    links = ExpertLanguage.objects.filter(expert=OuterRef("pk"), language=language)
    if min_level:
        links = links.filter(level__in=LanguageLevel.at_least(min_level))
    return queryset.filter(Exists(links))


def available_between(queryset: QuerySet[ExpertProfile], start: date | None, end: date | None) -> QuerySet[ExpertProfile]:
    """Experts with one availability window that covers the whole period (an open end means that one day)."""
    start, end = start or end, end or start
    if start is None or end is None:
        return queryset
    return queryset.filter(Exists(AvailabilityWindow.objects.filter(expert=OuterRef("pk"), start__lte=start, end__gte=end)))


def own_profile(user: User) -> ExpertProfile | None:
    """The signed-in user's expert profile with everything their own page shows, or None."""
    if not user.is_authenticated:
        return None
    return (
        roster_listing()
        .filter(user=user, anonymised_at__isnull=True)
        .prefetch_related("availability", "field_countries", "status_changes")
        .first()
    )


def invitations_for_expert(expert: ExpertProfile) -> QuerySet[Invitation]:
    """An expert's invitations, newest first, with their modules."""
    return expert.invitations.select_related("module", "invited_by")


def invitation_for_user(user: User, invitation_id: int) -> Invitation | None:
    """The invitation if it was sent to this user's expert profile, else None (so others get a 404)."""
    if not user.is_authenticated:
        return None
    return (
        Invitation.objects.select_related("module", "session__language", "expert__user", "invited_by")
        .filter(pk=invitation_id, expert__user=user, expert__anonymised_at__isnull=True)
        .first()
    )


def module_trainers(module: ModulePage) -> QuerySet[ExpertProfile]:
    """Experts who accepted to teach a module (in any of its languages)."""
    accepted = Invitation.objects.filter(
        expert=OuterRef("pk"), module__translation_key=module.translation_key, status=InvitationStatus.ACCEPTED
    )
    return roster().filter(Exists(accepted), anonymised_at__isnull=True)


def module_invitations(module: ModulePage, session: TrainingSession | None = None) -> QuerySet[Invitation]:
    """Invitations to one session, or to any language version of a module in general, with their experts."""
    invitations = Invitation.objects.select_related("expert__user", "invited_by", "session")
    if session is not None:
        return invitations.filter(session=session)
    return invitations.filter(module__translation_key=module.translation_key, session__isnull=True)
