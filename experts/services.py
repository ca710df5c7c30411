"""Writes of the expert roster: applying, and coordinators' status decisions with their e-mails."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from curriculum.models import ModulePage, ThematicChapter, TrainingSession
from experts.models import (
    AvailabilityWindow,
    ExpertChapter,
    ExpertLanguage,
    ExpertProfile,
    ExpertStatus,
    Invitation,
    InvitationStatus,
    StatusChange,
)
from people.models import Country, Language, OutboundEmail, StakeholderCategory, User
from people.roles import EXPERT
from people.services import outbound_email_queue, user_add_role

if TYPE_CHECKING:
    from experts.matching import MatchRequest


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


def _email_expert(
    *, expert: ExpertProfile, template: str, subject: str, context: dict[str, object], kind: str = OutboundEmail.Kind.EXPERT_NOTICE
) -> None:
    """Queue an e-mail to the expert in their preferred language."""
    language = expert.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        full_context = {"expert": expert, "site_url": settings.WAGTAILADMIN_BASE_URL, **context}
        outbound_email_queue(
            to=expert.user.email,
            subject=str(subject),
            body_text=render_to_string(template, full_context),
            language=language,
            kind=kind,
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


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _invitation_url(invitation: Invitation, language: str) -> str:
    with translation.override(language):
        return _absolute(reverse("experts:invitation", args=[invitation.pk]))


@dataclass(frozen=True)
class InviteOutcome:
    """What inviting a group of experts did: who was invited and who was left out, and why."""

    invited: list[Invitation]
    skipped: list[tuple[ExpertProfile, str]]


def expert_invite(
    *,
    module: ModulePage,
    experts: list[ExpertProfile],
    invited_by: User,
    message: str = "",
    match_request: MatchRequest | None = None,
    session: TrainingSession | None = None,
) -> InviteOutcome:
    """Invite vetted experts to teach a module (or one session of it), each once; each is told by e-mail in their language.

    With the ranking's request, each invitation keeps the expert's score and its reasons, written in the expert's language.
    """
    from experts.matching import candidates, rank_experts

    invited: list[Invitation] = []
    skipped: list[tuple[ExpertProfile, str]] = []
    message = strip_tags(message or "").strip()
    with transaction.atomic():
        for expert in experts:
            if expert.status != ExpertStatus.VETTED or expert.anonymised_at is not None:
                skipped.append((expert, _("only vetted experts can be invited")))
                continue
            language = expert.user.preferred_language or settings.LANGUAGE_CODE
            match = None
            if match_request is not None:
                with translation.override(language):
                    match = next(iter(rank_experts(match_request, limit=1, queryset=candidates().filter(pk=expert.pk))), None)
            try:
                with transaction.atomic():
                    invitation = Invitation.objects.create(
                        expert=expert,
                        module=module,
                        session=session,
                        invited_by=invited_by,
                        message=message,
                        score=match.score if match else None,
                        reasons=[reason.text for reason in match.reasons] if match else [],
                    )
            except IntegrityError:
                skipped.append((expert, _("already invited to this session") if session else _("already invited to this module")))
                continue
            invited.append(invitation)
            with translation.override(language):
                localized = module.localized  # the module's version in the expert's language, where there is one
                subject = _("RTCM invites you to teach “%(module)s”") % {"module": localized.title}
            _email_expert(
                expert=expert,
                template="experts/email/invited.txt",
                subject=subject,
                context={"invitation": invitation, "module": localized, "url": _invitation_url(invitation, language)},
                kind=OutboundEmail.Kind.TEACHING_INVITATION,
            )
    return InviteOutcome(invited=invited, skipped=skipped)


@transaction.atomic
def invitation_respond(*, invitation: Invitation, user: User, accept: bool) -> Invitation:
    """The invited expert accepts or declines; the coordinator who invited is told by e-mail.

    The answer is written by a conditional update (only while the invitation is pending), so of two
    answers sent at once exactly one counts, on SQLite as on PostgreSQL.
    """
    locked = Invitation.objects.select_related("expert__user", "module", "session", "invited_by").get(pk=invitation.pk)
    if locked.expert.user_id != user.pk:
        raise ValidationError(_("This invitation is not yours."), code="not_yours")
    status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    now = timezone.now()
    if not Invitation.objects.filter(pk=locked.pk, status=InvitationStatus.PENDING).update(status=status, responded_at=now):
        raise ValidationError(_("This invitation has already been answered."), code="answered")
    locked.status, locked.responded_at = status, now
    if status == InvitationStatus.ACCEPTED and locked.session_id:
        locked.session.trainers.add(user)  # an accepted expert is one of the session's trainers
    coordinator = locked.invited_by
    if coordinator is not None and coordinator.email:
        language = coordinator.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = _("%(expert)s has answered your invitation: %(status)s") % {
                "expert": locked.expert,
                "status": locked.get_status_display(),
            }
            body = render_to_string(
                "experts/email/invitation_answered.txt",
                {"invitation": locked, "url": _absolute(reverse("expert_roster:match") + f"?module={locked.module_id}")},
            )
        outbound_email_queue(
            to=coordinator.email, subject=str(subject), body_text=body, language=language, kind=OutboundEmail.Kind.INVITATION_ANSWER
        )
    return locked


def expert_data_export(expert: ExpertProfile) -> dict[str, object]:
    """Everything the roster holds about an expert, as the expert downloads it (JSON-ready)."""
    user = expert.user
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "gender": user.gender,
            "preferred_language": user.preferred_language,
        },
        "profile": {
            "status": expert.status,
            "applied_at": expert.applied_at.isoformat(),
            "country_of_residence": expert.country_of_residence.iso_code if expert.country_of_residence else None,
            "nationality": expert.nationality,
            "organisation": expert.organisation_name,
            "organisation_type": expert.organisation_type.code if expert.organisation_type else None,
            "migrant_or_diaspora_background": expert.migrant_or_diaspora_background,
            "training_of_trainers_experience": expert.tot_experience,
            "short_bio": expert.short_bio,
            "cv_file": expert.cv.name.rsplit("/", 1)[-1] if expert.cv else None,
            "consent_to_be_listed": expert.consent_to_be_listed,
            "consent_given_at": expert.consent_given_at.isoformat() if expert.consent_given_at else None,
            "public_parts": {
                "bio": expert.public_bio,
                "chapters": expert.public_chapters,
                "languages": expert.public_languages,
                "country": expert.public_country,
            },
        },
        "chapters": [{"number": link.chapter.number, "depth": link.depth} for link in expert.chapter_links.all()],
        "languages": [{"code": link.language.code, "level": link.level} for link in expert.language_links.all()],
        "field_countries": [country.iso_code for country in expert.field_countries.all()],
        "availability": [{"from": w.start.isoformat(), "until": w.end.isoformat()} for w in expert.availability.all()],
        "status_changes": [
            {"at": c.changed_at.isoformat(), "from": c.from_status, "to": c.to_status, "reason": c.reason}
            for c in expert.status_changes.all()
        ],
        "invitations": [
            {
                "module": i.module.title,
                "status": i.status,
                "invited_at": i.created_at.isoformat(),
                "answered_at": i.responded_at.isoformat() if i.responded_at else None,
            }
            for i in expert.invitations.select_related("module")
        ],
    }


@transaction.atomic
def expert_delete_personal_data(*, expert: ExpertProfile) -> ExpertProfile:
    """The expert's own "delete my profile": an account that served only the roster is erased everywhere
    (people.erasure.person_erase); an account that is also a trainee's, trainer's or staff keeps its name and
    loses what the roster held. The anonymous history of what they taught stays."""
    from people.erasure import expert_profile_erase, person_erase

    locked = ExpertProfile.objects.select_for_update().select_related("user").get(pk=expert.pk)
    if locked.anonymised_at is not None:
        return locked
    user = locked.user
    user.groups.remove(*user.groups.filter(name=EXPERT.group_name))
    if not user.is_staff and not user.groups.exists():
        person_erase(user=user, erased_by=user)
    else:
        expert_profile_erase(user=user)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def expert_update_own(
    *,
    expert: ExpertProfile,
    short_bio: str,
    available_from: datetime.date | None,
    available_until: datetime.date | None,
    public_bio: bool,
    public_chapters: bool,
    public_languages: bool,
    public_country: bool,
) -> ExpertProfile:
    """The expert's own update of bio, availability and public parts."""
    expert.short_bio = bio_sanitise(short_bio)
    expert.public_bio, expert.public_chapters = public_bio, public_chapters
    expert.public_languages, expert.public_country = public_languages, public_country
    expert.save()
    expert.availability.all().delete()
    if available_from and available_until:
        AvailabilityWindow.objects.create(expert=expert, start=available_from, end=available_until)
    return expert
