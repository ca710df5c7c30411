"""Attendance per day, coordinators' logged corrections, and the completion rule of a session."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.completion import post_test_check
from curriculum.models import ApplicationStatus, Attendance, AttendanceCorrection, SessionApplication, SessionStatus, TrainingSession
from people.models import User


def locked_message() -> str:
    """Why the sheet of a completed session refuses changes (in the active language)."""
    return _(
        "The session is completed and its certificates follow from this attendance: the sheet can no longer be changed. "
        "File a correction with its reason instead."
    )


def participants(session: TrainingSession) -> list[SessionApplication]:
    """The approved participants of a session, by name."""
    return list(
        session.applications.filter(status=ApplicationStatus.APPROVED)
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name", "pk")
    )


def may_record(user: User, session: TrainingSession) -> bool:
    """Trainers of the session record attendance; coordinators and administrators may too (and correct it)."""
    if not user.is_authenticated:
        return False
    return session.trainers.filter(pk=user.pk).exists() or user.has_perm("curriculum.change_sessionapplication")


@transaction.atomic
def attendance_record(*, session: TrainingSession, day: datetime.date, present_ids: set[int], recorded_by: User, reason: str = "") -> int:
    """Record who was present on one day; a change to a mark already recorded by someone else needs a coordinator and a reason.

    Returns how many marks changed.
    """
    if day not in session.days():
        raise ValidationError(_("This day is not one of the session's days."), code="not_a_day")
    if session.status in {SessionStatus.CANCELLED, SessionStatus.DRAFT}:
        raise ValidationError(_("Attendance is not taken for a draft or cancelled session."), code="not_running")
    if session.status == SessionStatus.COMPLETED:
        raise ValidationError(locked_message(), code="session_completed")
    if day > timezone.localdate():
        raise ValidationError(_("This day is still to come: attendance is taken on the day or afterwards."), code="future_day")
    is_coordinator = recorded_by.has_perm("curriculum.change_sessionapplication")
    people = {application.pk: application for application in participants(session)}
    unknown = present_ids - set(people)
    if unknown:
        raise ValidationError(_("Only the session's participants can be marked present."), code="not_a_participant")
    existing = {
        mark.application_id: mark for mark in Attendance.objects.select_for_update().filter(application__in=people.values(), day=day)
    }
    changed = 0
    for application_id in people:
        present = application_id in present_ids
        mark = existing.get(application_id)
        if mark is None:
            Attendance.objects.create(application_id=application_id, day=day, present=present, recorded_by=recorded_by)
            changed += 1
            continue
        if mark.present == present:
            continue
        corrected_by_someone_else = mark.recorded_by_id not in {None, recorded_by.pk}
        if corrected_by_someone_else or is_coordinator:
            if not is_coordinator:
                raise ValidationError(_("A mark another person recorded is corrected by a coordinator."), code="needs_coordinator")
            if not reason.strip():
                raise ValidationError(_("Give a reason for correcting the attendance."), code="reason_required")
            AttendanceCorrection.objects.create(
                attendance=mark, was_present=mark.present, now_present=present, corrected_by=recorded_by, reason=reason.strip()
            )
        mark.present, mark.recorded_by = present, recorded_by
        mark.save(update_fields=["present", "recorded_by", "recorded_at"])
        changed += 1
    return changed


@dataclass(frozen=True)
class Completion:
    """A participant's attendance and whether they completed the session."""

    application: SessionApplication
    days_present: int
    days_total: int
    attended_enough: bool
    post_test_passed: bool

    @property
    def completed(self) -> bool:
        """Enough days present and, when the session has a post-test with a pass mark, the post-test passed."""
        return self.attended_enough and self.post_test_passed

    @property
    def percent(self) -> int:
        """Days present as a share of the session's days."""
        return round(100 * self.days_present / self.days_total) if self.days_total else 0


def completions(session: TrainingSession) -> list[Completion]:
    """Each participant's attendance and completion: at least the session's share of days (80 % by default), and the
    post-test when the session has one (`curriculum.completion.post_test_check`, failing closed), in the same few queries whatever the number of participants."""
    days_total = len(session.days())
    present: dict[int, int] = {}
    for application_id in Attendance.objects.filter(application__session=session, present=True).values_list("application_id", flat=True):
        present[application_id] = present.get(application_id, 0) + 1
    passes = post_test_check(session)
    result = []
    for application in participants(session):
        days_present = present.get(application.pk, 0)
        enough = days_total > 0 and 100 * days_present >= session.completion_attendance_percent * days_total
        result.append(Completion(application, days_present, days_total, enough, passes(application)))
    return result
