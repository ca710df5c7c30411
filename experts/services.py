"""Writes of the expert roster: applying, and coordinators' status decisions with their e-mails."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from curriculum.models import ThematicChapter
from experts.models import (
    AvailabilityWindow,
    ExpertChapter,
    ExpertLanguage,
    ExpertProfile,
    ExpertStatus,
    StatusChange,
)
from people.models import Country, Language, StakeholderCategory, User
from people.services import outbound_email_queue, user_add_role


@dataclass(frozen=True)
class PublicConsent:
    """Which parts of a profile the expert allows on the public page."""

    bio: bool = False
    chapters: bool = False
    languages: bool = False
    country: bool = False


def bio_sanitise(text: str) -> str:
    """Keep a bio as plain text: tags stripped, surrounding blanks removed."""
    return strip_tags(text or "").strip()


def _account_for(*, user: User | None, email: str, first_name: str, last_name: str, gender: str, language: str) -> User:
    """The applicant's account: the signed-in user, or a new one with an unverified address and no password."""
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address exists: sign in first, then apply."), code="duplicate_email")
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, gender=gender, preferred_language=language)
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    else:
        user.first_name, user.last_name, user.gender = first_name, last_name, gender
        user.save(update_fields=["first_name", "last_name", "gender"])
    if ExpertProfile.objects.filter(user=user).exists():
        raise ValidationError(_("You have already applied to the roster."), code="already_applied")
    return user_add_role(user=user, role_code="expert")


def _email_expert(*, expert: ExpertProfile, template: str, subject: str, context: dict[str, object]) -> None:
    """Queue an e-mail to the expert in their preferred language."""
    language = expert.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        full_context = {"expert": expert, "site_url": settings.WAGTAILADMIN_BASE_URL, **context}
        outbound_email_queue(
            to=expert.user.email,
            subject=str(subject),
            body_text=render_to_string(template, full_context),
            language=language,
        )


@transaction.atomic
def expert_apply(
    *,
    email: str,
    first_name: str,
    last_name: str,
    gender: str,
    nationality: str,
    chapters: dict[ThematicChapter, str],
    languages: dict[Language, str],
    user: User | None = None,
    language: str = "",
    country_of_residence: Country | None = None,
    organisation_name: str = "",
    organisation_type: StakeholderCategory | None = None,
    field_countries: list[Country] | tuple[Country, ...] = (),
    migrant_or_diaspora_background: bool | None = None,
    tot_experience: bool = False,
    short_bio: str = "",
    cv: UploadedFile | None = None,
    availability: list[tuple[datetime.date, datetime.date]] | tuple[tuple[datetime.date, datetime.date], ...] = (),
    consent_to_be_listed: bool = False,
    public: PublicConsent = PublicConsent(),
    notify: bool = True,
) -> ExpertProfile:
    """Create an expert's account (if needed) and profile in the "applied" state, and confirm by e-mail."""
    if not chapters:
        raise ValidationError(_("Choose at least one thematic chapter."), code="no_chapters")
    if not languages:
        raise ValidationError(_("Choose at least one working language."), code="no_languages")
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    account = _account_for(user=user, email=email, first_name=first_name, last_name=last_name, gender=gender, language=language)
    expert = ExpertProfile.objects.create(
        user=account,
        country_of_residence=country_of_residence,
        nationality=nationality,
        organisation_name=organisation_name,
        organisation_type=organisation_type,
        migrant_or_diaspora_background=migrant_or_diaspora_background,
        tot_experience=tot_experience,
        short_bio=bio_sanitise(short_bio),
        consent_to_be_listed=consent_to_be_listed,
        consent_given_at=timezone.now() if consent_to_be_listed else None,
        public_bio=public.bio,
        public_chapters=public.chapters,
        public_languages=public.languages,
        public_country=public.country,
    )
    if cv is not None:
        expert.cv.save(cv.name, cv, save=True)
    ExpertChapter.objects.bulk_create(ExpertChapter(expert=expert, chapter=c, depth=d) for c, d in chapters.items())
    ExpertLanguage.objects.bulk_create(ExpertLanguage(expert=expert, language=lang, level=lvl) for lang, lvl in languages.items())
    AvailabilityWindow.objects.bulk_create(AvailabilityWindow(expert=expert, start=s, end=e) for s, e in availability)
    expert.field_countries.set(field_countries)
    if notify:
        with translation.override(account.preferred_language):
            subject = _("Your application to the RTCM expert roster")
        _email_expert(expert=expert, template="experts/email/applied.txt", subject=subject, context={})
    return expert


@transaction.atomic
def expert_set_status(*, expert: ExpertProfile, status: str, reason: str, changed_by: User | None, notify: bool = True) -> StatusChange:
    """Move an expert to a new status with a reason, log the decision and tell the expert by e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for this decision."), code="reason_required")
    if status not in ExpertStatus.values:
        raise ValidationError(_("This status is not known."), code="unknown_status")
    locked = ExpertProfile.objects.select_for_update().select_related("user").get(pk=expert.pk)
    if locked.status == status:
        raise ValidationError(_("The expert already has this status."), code="same_status")
    change = StatusChange.objects.create(expert=locked, changed_by=changed_by, from_status=locked.status, to_status=status, reason=reason)
    locked.status = status
    locked.save(update_fields=["status"])
    expert.status = status
    if notify:
        with translation.override(locked.user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("RTCM expert roster: your status is now “%(status)s”") % {"status": locked.get_status_display()}
        _email_expert(
            expert=locked, template="experts/email/status_changed.txt", subject=subject, context={"change": change, "reason": reason}
        )
    return change
