"""Writes of enrolment: applying to a session, coordinators' decisions, withdrawals, the waitlist and its e-mails.

Seats and quotas are checked with the session's row locked (SELECT ... FOR UPDATE on PostgreSQL;
on SQLite every transaction takes the write lock when it begins, `transaction_mode` IMMEDIATE), so
decisions on one session are taken one after another and no session is ever overbooked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from curriculum.models import (
    ApplicationNotice,
    ApplicationStatus,
    NoticeKind,
    SessionApplication,
    SessionStatus,
    TrainingSession,
)
from people.models import OutboundEmail, User
from people.services import outbound_email_queue

MOTIVATION_MAX_LENGTH = 2000
IN_PLAY = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED, ApplicationStatus.APPROVED)


def _subject(kind: str) -> str:
    # the English texts are marked here for makemessages; translated when the e-mail is written
    texts = {
        NoticeKind.RECEIVED: _("We have received your application for “%(module)s”"),
        NoticeKind.APPROVED: _("Your place in “%(module)s” is confirmed"),
        NoticeKind.WAITLISTED: _("You are on the waitlist for “%(module)s”"),
        NoticeKind.PROMOTED: _("A place has become free: you are now a participant of “%(module)s”"),
        NoticeKind.REJECTED: _("Your application for “%(module)s”"),
        NoticeKind.REMINDER: _("“%(module)s” starts soon"),
        NoticeKind.CANCELLED: _("“%(module)s” has been cancelled"),
        NoticeKind.CERTIFICATE: _("Your certificate for “%(module)s” is ready"),
    }
    return texts[NoticeKind(kind)]


def notify(application: SessionApplication, kind: str) -> bool:
    """Queue the e-mail of `kind` for an application once (in the trainee's language); False when it was queued before."""
    if ApplicationNotice.objects.filter(application=application, kind=kind).exists():
        return False
    trainee = application.trainee
    language = trainee.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        module = application.session.module.localized
        subject = _subject(kind) % {"module": module.title}
        body = render_to_string(
            "curriculum/email/application_notice.txt",
            {
                "application": application,
                "session": application.session,
                "module": module,
                "kind": kind,
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("my_learning"),
            },
        )
    try:
        with transaction.atomic():
            notice = ApplicationNotice.objects.create(application=application, kind=kind)
    except IntegrityError:
        return False  # another process queued it in the meantime
    email_kind = OutboundEmail.Kind.CERTIFICATE if kind == NoticeKind.CERTIFICATE else OutboundEmail.Kind.APPLICATION_NOTICE
    notice.email = outbound_email_queue(to=trainee.email, subject=subject, body_text=body, language=language, kind=email_kind)
    notice.save(update_fields=["email"])
    return True


def _locked_session(session: TrainingSession) -> TrainingSession:
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def session_apply(
    *, session: TrainingSession, trainee: User, motivation: str, organisation_confirmed: bool, position_confirmed: bool
) -> SessionApplication:
    """A trainee applies to an open session; one application per trainee and session."""
    motivation = strip_tags(motivation or "").strip()
    if not motivation:
        raise ValidationError(_("Tell us why you want to take part."), code="motivation_required")
    if len(motivation) > MOTIVATION_MAX_LENGTH:
        raise ValidationError(_("The motivation can be at most 2,000 characters long."), code="motivation_too_long")
    if not (organisation_confirmed and position_confirmed):
        raise ValidationError(_("Confirm your organisation and your position."), code="confirmation_required")
    locked = _locked_session(session)
    if not locked.accepts_applications:
        raise ValidationError(_("This session does not take applications."), code="closed")
    organisation = trainee.organisation
    try:
        with transaction.atomic():
            application = SessionApplication.objects.create(
                session=locked,
                trainee=trainee,
                motivation=motivation,
                organisation_confirmed=organisation_confirmed,
                position_confirmed=position_confirmed,
                country=trainee.country or (organisation.country if organisation else None),
                category=organisation.category if organisation else None,
                gender=trainee.gender,
            )
    except IntegrityError:
        raise ValidationError(_("You have already applied to this session."), code="duplicate") from None
    notify(application, NoticeKind.RECEIVED)
    return application


@dataclass(frozen=True)
class SeatCheck:
    """Whether an application fits the session's free seats and quotas, and if not, why."""

    fits: bool
    reason: str = ""


def seat_check(session: TrainingSession, application: SessionApplication) -> SeatCheck:
    """Free seats, then the country and category quotas, counted over approved applications."""
    approved = session.applications.filter(status=ApplicationStatus.APPROVED).exclude(pk=application.pk)
    if approved.count() >= session.capacity:
        return SeatCheck(False, _("the session is full"))
    for quota in session.quotas.select_related("country", "category"):
        same_country = quota.country_id is not None and quota.country_id == application.country_id
        if same_country and approved.filter(country_id=quota.country_id).count() >= quota.max_seats:
            return SeatCheck(False, _("the quota for %(country)s is reached") % {"country": quota.country})
        same_category = quota.category_id is not None and quota.category_id == application.category_id
        if same_category and approved.filter(category_id=quota.category_id).count() >= quota.max_seats:
            return SeatCheck(False, _("the quota for %(category)s is reached") % {"category": quota.category})
    return SeatCheck(True)


@dataclass(frozen=True)
class Decision:
    """What a coordinator's decision did to an application."""

    application: SessionApplication
    status: str
    note: str = ""


def _set_status(application: SessionApplication, status: str, decided_by: User | None) -> None:
    now = timezone.now()
    application.status = status
    application.decided_at = now
    application.decided_by = decided_by
    if status == ApplicationStatus.WAITLISTED and application.waitlisted_at is None:
        application.waitlisted_at = now
    application.save(update_fields=["status", "decided_at", "decided_by", "waitlisted_at"])


@transaction.atomic
def application_decide(*, application: SessionApplication, decision: str, decided_by: User) -> Decision:
    """Approve, waitlist or reject; an approval that does not fit the seats or quotas puts the application on the waitlist."""
    if decision not in {ApplicationStatus.APPROVED, ApplicationStatus.WAITLISTED, ApplicationStatus.REJECTED}:
        raise ValidationError(_("This decision is not known."), code="unknown_decision")
    session = _locked_session(application.session)
    current = SessionApplication.objects.select_related("trainee", "session__module").get(pk=application.pk)
    if current.status not in IN_PLAY:
        raise ValidationError(_("This application has been withdrawn or closed."), code="not_in_play")
    if session.status in {SessionStatus.COMPLETED, SessionStatus.CANCELLED}:
        raise ValidationError(_("The session is over or cancelled."), code="session_over")
    if current.status == decision:
        return Decision(current, decision, _("nothing changed"))
    note = ""
    if decision == ApplicationStatus.APPROVED:
        check = seat_check(session, current)
        if not check.fits:
            decision, note = ApplicationStatus.WAITLISTED, check.reason
    was_approved = current.status == ApplicationStatus.APPROVED
    _set_status(current, decision, decided_by)
    notify(current, {"approved": NoticeKind.APPROVED, "waitlisted": NoticeKind.WAITLISTED, "rejected": NoticeKind.REJECTED}[decision])
    if was_approved and decision != ApplicationStatus.APPROVED:
        waitlist_promote(session=session)
    return Decision(current, decision, note)


@transaction.atomic
def application_withdraw(*, application: SessionApplication, trainee: User) -> SessionApplication:
    """The trainee withdraws; a seat they held goes to the first waitlisted applicant who fits."""
    session = _locked_session(application.session)
    current = SessionApplication.objects.get(pk=application.pk)
    if current.trainee_id != trainee.pk:
        raise ValidationError(_("This application is not yours."), code="not_yours")
    if current.status not in IN_PLAY:
        raise ValidationError(_("This application is no longer in play."), code="not_in_play")
    held_a_seat = current.status == ApplicationStatus.APPROVED
    _set_status(current, ApplicationStatus.WITHDRAWN, trainee)
    if held_a_seat:
        waitlist_promote(session=session)
    return current


def waitlist_promote(*, session: TrainingSession) -> list[SessionApplication]:
    """Fill free seats from the waitlist in its order, skipping who does not fit a quota; never once the session has started.

    Called inside the transaction that freed the seat, with the session locked.
    """
    if session.has_started or session.status not in {SessionStatus.OPEN, SessionStatus.CLOSED}:
        return []
    promoted = []
    waiting = session.applications.filter(status=ApplicationStatus.WAITLISTED).select_related("trainee", "session__module")
    for candidate in waiting.order_by("waitlisted_at", "created_at", "pk"):
        if not seat_check(session, candidate).fits:
            if session.applications.filter(status=ApplicationStatus.APPROVED).count() >= session.capacity:
                break
            continue
        _set_status(candidate, ApplicationStatus.APPROVED, None)
        notify(candidate, NoticeKind.PROMOTED)
        promoted.append(candidate)
    return promoted


@transaction.atomic
def session_cancel(*, session: TrainingSession) -> int:
    """Cancel a session and tell everyone whose application was in play; returns how many were told."""
    locked = _locked_session(session)
    if locked.status == SessionStatus.COMPLETED:
        raise ValidationError(_("A completed session cannot be cancelled."), code="completed")
    locked.status = SessionStatus.CANCELLED
    locked.save(update_fields=["status"])
    told = 0
    for application in locked.applications.filter(status__in=IN_PLAY).select_related("trainee", "session__module"):
        told += notify(application, NoticeKind.CANCELLED)
    return told


def reminders_send(*, days_before: int = 3) -> int:
    """Remind approved participants of sessions starting within `days_before` days; each is reminded once."""
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=days_before)
    sent = 0
    due = SessionApplication.objects.filter(
        status=ApplicationStatus.APPROVED,
        session__status__in=[SessionStatus.OPEN, SessionStatus.CLOSED],
        session__start_date__gte=today,
        session__start_date__lte=horizon,
    ).exclude(notices__kind=NoticeKind.REMINDER)
    for application in due.select_related("trainee", "session__module"):
        with transaction.atomic():
            sent += notify(application, NoticeKind.REMINDER)
    return sent


def session_balance(session: TrainingSession) -> dict[str, object]:
    """What a coordinator sees while deciding: seats, quotas used, and the gender balance of the approved."""
    approved = session.applications.filter(status=ApplicationStatus.APPROVED)
    genders = dict(approved.values_list("gender").annotate(n=Count("pk")).values_list("gender", "n"))
    total = sum(genders.values())
    quotas = []
    for quota in session.quotas.select_related("country", "category"):
        used = approved.filter(Q(country_id=quota.country_id) if quota.country_id else Q(category_id=quota.category_id)).count()
        quotas.append({"quota": quota, "used": used})
    women = genders.get(User.Gender.FEMALE, 0)
    return {
        "confirmed": total,
        "capacity": session.capacity,
        "free": max(session.capacity - total, 0),
        "women": women,
        "men": genders.get(User.Gender.MALE, 0),
        "women_percent": round(100 * women / total) if total else None,
        "target": session.women_target_percent,
        "quotas": quotas,
    }


def session_start(*, session: TrainingSession) -> TrainingSession:
    """Mark an open or closed session "in progress" once its first day has come (applications then stop)."""
    if session.status not in (SessionStatus.OPEN, SessionStatus.CLOSED):
        raise ValidationError(_("Only an open or closed session can start."), code="not_startable")
    if timezone.localdate() < session.start_date:
        raise ValidationError(_("The session starts on %(date)s.") % {"date": session.start_date.strftime("%d.%m.%Y")}, code="too_early")
    TrainingSession.objects.filter(pk=session.pk, status__in=[SessionStatus.OPEN, SessionStatus.CLOSED]).update(
        status=SessionStatus.IN_PROGRESS
    )
    session.refresh_from_db()
    return session


def session_messages(session: TrainingSession) -> list[dict[str, object]]:
    """Every e-mail queued about a session (applications and surveys), newest first, with whether it was sent."""
    from assessments.models import SurveyNotice
    from curriculum.models import ApplicationNotice

    rows: list[dict[str, object]] = []
    for notice in ApplicationNotice.objects.filter(application__session=session).select_related("email", "application__trainee"):
        rows.append({"at": notice.created_at, "to": notice.application.trainee, "what": notice.get_kind_display(), "email": notice.email})
    for notice in SurveyNotice.objects.filter(key__regex=rf"^session:[a-z-]+:{session.pk}:").select_related("email"):
        rows.append(
            {
                "at": notice.created_at,
                "to": notice.email.to if notice.email else "",
                "what": notice.key.split(":")[1],
                "email": notice.email,
            }
        )
    return sorted(rows, key=lambda row: row["at"], reverse=True)
