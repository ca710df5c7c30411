"""Attendance corrections after a session is completed: each with a reason, re-evaluating the participant's certificate.

Once a session is completed its certificates follow from the attendance, so the attendance sheet is read-only and a
mark changes only through a correction: the session's trainer or a coordinator gives the participant, the day, the
new mark and a reason. The completion rule is evaluated again for that participant; a certificate that is no longer due
is revoked (with the reason), one of the wrong kind (completion where participation is now due, or the other way) is
revoked and replaced by one of the due kind, and a certificate now due and missing is issued. Exactly once: the database
allows one valid certificate per enrolment, and corrections of one session run one after another. The coordinators
are told by e-mail, and the participant too when their certificate changed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from curriculum import attendance, certificates, enrolment
from curriculum.models import (
    ApplicationStatus,
    Attendance,
    AttendanceCorrection,
    Certificate,
    CertificateKind,
    CertificateOutcome,
    NoticeKind,
    SessionApplication,
    SessionStatus,
    TrainingSession,
)
from people.models import User
from people.roles import COORDINATOR
from people.services import outbound_email_queue

REASON_MAX_LENGTH = 500


def attendance_locked(session: TrainingSession) -> bool:
    """Whether the sheet is read-only: the session is completed and its certificates follow from the attendance."""
    return session.status == SessionStatus.COMPLETED


def may_correct(user: User, session: TrainingSession) -> bool:
    """The session's trainers and coordinators (and administrators) file corrections: those who may record attendance."""
    return attendance.may_record(user, session)


def _completion_of(session: TrainingSession, application: SessionApplication) -> attendance.Completion:
    return next(completion for completion in attendance.completions(session) if completion.application.pk == application.pk)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _coordinators() -> list[User]:
    return list(User.objects.filter(groups__name=COORDINATOR.group_name, is_active=True).exclude(email="").distinct().order_by("pk"))


def _tell_coordinators(
    correction: AttendanceCorrection, application: SessionApplication, replacement: Certificate | None, not_issued: str | None
) -> int:
    """E-mail every coordinator about the correction, each in their language, with the kind of the certificate that replaced
    the old one, or the kind now due that was not issued (the enrolment's certificate had been revoked); returns how many."""
    session = application.session
    told = 0
    for coordinator in _coordinators():
        language = coordinator.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            module = session.module.localized
            subject = _("Attendance corrected after completion: %(module)s") % {"module": module.title}
            body = render_to_string(
                "curriculum/email/attendance_corrected.txt",
                {
                    "correction": correction,
                    "application": application,
                    "session": session,
                    "module": module,
                    "replacement_label": str(replacement.get_kind_display()) if replacement is not None else "",
                    "due_label": str(CertificateKind(not_issued).label) if not_issued else "",
                    "url": _absolute(reverse("sessions:applications", args=[session.pk])),
                },
            )
        outbound_email_queue(to=coordinator.email, subject=subject, body_text=body, language=language)
        told += 1
    return told


def _tell_participant_of_revocation(application: SessionApplication, replacement: Certificate | None = None) -> None:
    """E-mail the participant, in their language, that their certificate was revoked, or replaced by `replacement`."""
    trainee = application.trainee
    language = trainee.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        module = application.session.module.localized
        if replacement is None:
            subject = _("Your certificate for “%(module)s” has been revoked") % {"module": module.title}
        else:
            subject = _("Your certificate for “%(module)s” has been replaced") % {"module": module.title}
        body = render_to_string(
            "curriculum/email/certificate_revoked.txt",
            {
                "application": application,
                "session": application.session,
                "module": module,
                "replacement_label": str(replacement.get_kind_display()) if replacement is not None else "",
                "url": _absolute(reverse("my_learning")),
            },
        )
    outbound_email_queue(to=trainee.email, subject=subject, body_text=body, language=language)


@transaction.atomic
def attendance_correct(
    *, session: TrainingSession, application_id: int, day: datetime.date, present: bool, reason: str, corrected_by: User
) -> AttendanceCorrection:
    """Correct one mark of a completed session with a reason; revoke or issue the participant's certificate as the
    completion rule now says; tell the coordinators (and the participant when the certificate changed)."""
    # the session's row is the lock: corrections of one session run one after another, so two cannot both issue
    # of the session row only: PostgreSQL refuses to lock the nullable side of the venue country's outer join
    locked = TrainingSession.objects.select_for_update(of=("self",)).select_related("module", "venue_country").get(pk=session.pk)
    if not attendance_locked(locked):
        raise ValidationError(_("The session is not completed yet: change the attendance on the sheet."), code="not_completed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the correction."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("The reason can be at most 500 characters long."), code="reason_too_long")
    if day not in locked.days():
        raise ValidationError(_("This day is not one of the session's days."), code="not_a_day")
    application = (
        SessionApplication.objects.select_related("trainee", "session__module", "session__venue_country", "session__language")
        .filter(pk=application_id, session=locked, status=ApplicationStatus.APPROVED)
        .first()
    )
    if application is None:
        raise ValidationError(_("This person is not a participant of the session."), code="not_a_participant")
    mark = Attendance.objects.select_for_update().filter(application=application, day=day).first()
    was_present = bool(mark and mark.present)
    if was_present == present:
        raise ValidationError(_("The mark is already so: there is nothing to correct."), code="unchanged")
    if mark is None:
        mark = Attendance.objects.create(application=application, day=day, present=present, recorded_by=corrected_by)
    else:
        mark.present, mark.recorded_by = present, corrected_by
        mark.save(update_fields=["present", "recorded_by", "recorded_at"])

    due = certificates.certificate_kind(_completion_of(locked, application))
    valid = certificates.valid_certificate(application)
    held_any = valid is not None or Certificate.objects.filter(application=application).exists()
    revoke_reason = (_("Attendance corrected: %(reason)s") % {"reason": reason})[:REASON_MAX_LENGTH]
    outcome, replacement = CertificateOutcome.UNCHANGED, None
    if valid is not None and due is None:
        certificates.certificate_revoke(certificate=valid, revoked_by=corrected_by, reason=revoke_reason)
        outcome = CertificateOutcome.REVOKED
    elif valid is not None and valid.kind != due:
        replacement, _created = certificates.certificate_replace(certificate=valid, kind=due, revoked_by=corrected_by, reason=revoke_reason)
        outcome = CertificateOutcome.REPLACED
    elif not held_any and due is not None:
        # an enrolment whose certificate was revoked (by a coordinator, or by an earlier correction) gets no new one here
        _certificate, created = certificates.certificate_record(application=application, kind=due)
        if created:
            outcome = CertificateOutcome.ISSUED
    correction = AttendanceCorrection.objects.create(
        attendance=mark, was_present=was_present, now_present=present, corrected_by=corrected_by, reason=reason, certificate_outcome=outcome
    )
    if outcome == CertificateOutcome.ISSUED:
        enrolment.notify(application, NoticeKind.CERTIFICATE)
    elif outcome in {CertificateOutcome.REVOKED, CertificateOutcome.REPLACED}:
        _tell_participant_of_revocation(application, replacement)
    not_issued = due if valid is None and held_any and due is not None else None
    _tell_coordinators(correction, application, replacement, not_issued)
    return correction


def session_corrections(session: TrainingSession) -> list[AttendanceCorrection]:
    """A session's attendance corrections, newest first, with who and for whom (for the applications page)."""
    return list(
        AttendanceCorrection.objects.filter(attendance__application__session=session)
        .select_related("attendance__application__trainee", "corrected_by")
        .order_by("-corrected_at", "-pk")
    )
