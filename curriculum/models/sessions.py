"""Training sessions (deliveries of a module), their quotas, and trainees' applications to them."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from curriculum.models.pages import ModulePage
from people.models import Country, Language, StakeholderCategory

__all__ = [
    "ApplicationNotice",
    "ApplicationStatus",
    "Attendance",
    "AttendanceCorrection",
    "CertificateOutcome",
    "NoticeKind",
    "SessionApplication",
    "SessionQuota",
    "SessionStatus",
    "TrainingSession",
]


class SessionStatus(models.TextChoices):
    """Where a session stands, from planning to its end."""

    DRAFT = "draft", pgettext_lazy("session", "Draft")
    OPEN = "open", pgettext_lazy("session", "Open for applications")
    CLOSED = "closed", pgettext_lazy("session", "Applications closed")
    IN_PROGRESS = "in_progress", pgettext_lazy("session", "In progress")
    COMPLETED = "completed", pgettext_lazy("session", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("session", "Cancelled")


class TrainingSession(ClusterableModel):
    """One delivery of a module: language, dates, place, seats, quotas and trainers."""

    module = models.ForeignKey(
        ModulePage,
        verbose_name=_("module"),
        on_delete=models.PROTECT,
        related_name="sessions",
        help_text=_("The module taught; the session shows on every language version of it."),
    )
    language = models.ForeignKey(Language, verbose_name=_("language of delivery"), on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    daily_schedule = models.CharField(
        _("daily schedule"), max_length=255, blank=True, help_text=_("For example: 09:30–17:00, lunch 13:00–14:00.")
    )
    venue_city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("Leave empty for an online session."))
    venue_country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    online_url = models.URLField(_("online link"), blank=True, help_text=_("The meeting link of an online or hybrid session."))
    capacity = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)])
    application_deadline = models.DateField(_("application deadline"))
    completion_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance needed for completion (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Participants who attend at least this share of the days complete the session."),
    )
    women_target_percent = models.PositiveSmallIntegerField(
        _("target share of women (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Shown to coordinators as they decide; empty for no target."),
    )
    status = models.CharField(_("status"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.DRAFT, db_index=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="sessions_taught",
        help_text=_("Users with the trainer role, or experts who accepted to teach."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="session_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(application_deadline__lte=models.F("start_date")), name="session_deadline_before_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_has_seats"),
            models.CheckConstraint(condition=models.Q(status__in=SessionStatus.values), name="session_status_known"),
            models.CheckConstraint(condition=~models.Q(venue_city="") | ~models.Q(online_url=""), name="session_has_a_place"),
        ]

    def __str__(self) -> str:
        return f"{self.module.code or self.module.title} · {self.start_date:%d.%m.%Y} · {self.language.code}"

    @property
    def is_online(self) -> bool:
        """Whether the session has no physical venue."""
        return not self.venue_city

    @property
    def has_started(self) -> bool:
        """Whether its first day has come (no promotion from the waitlist after that)."""
        return timezone.localdate() >= self.start_date

    @property
    def accepts_applications(self) -> bool:
        """Open, and the deadline not passed."""
        return self.status == SessionStatus.OPEN and timezone.localdate() <= self.application_deadline

    def days(self) -> list[datetime.date]:
        """Every day of the session, first to last."""
        return [self.start_date + datetime.timedelta(days=n) for n in range((self.end_date - self.start_date).days + 1)]

    def confirmed_count(self) -> int:
        """Seats taken: approved applications."""
        return self.applications.filter(status=ApplicationStatus.APPROVED).count()

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if self.start_date and self.application_deadline and self.application_deadline > self.start_date:
            errors["application_deadline"] = _("The application deadline must be on or before the first day.")
        if not self.venue_city and not self.online_url:
            errors["venue_city"] = _("Give the city of the venue, or an online link.")
        if self.venue_city and not self.venue_country_id:
            errors["venue_country"] = _("Give the country of the venue.")
        if self.pk and self.capacity:
            confirmed = self.confirmed_count()
            if self.capacity < confirmed:
                errors["capacity"] = _("%(confirmed)d seats are already confirmed: the session cannot have fewer seats.") % {
                    "confirmed": confirmed
                }
        if errors:
            raise ValidationError(errors)


class SessionQuota(models.Model):
    """At most so many seats for participants from one country or one stakeholder category."""

    session = ParentalKey(TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="quotas")
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.ForeignKey(
        StakeholderCategory, verbose_name=_("stakeholder category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    max_seats = models.PositiveSmallIntegerField(_("at most"), validators=[MinValueValidator(1)])

    panels = [FieldRowPanel([FieldPanel("country"), FieldPanel("category"), FieldPanel("max_seats")])]

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(country__isnull=False) & models.Q(category__isnull=True))
                | (models.Q(country__isnull=True) & models.Q(category__isnull=False)),
                name="quota_is_for_a_country_or_a_category",
            ),
            models.UniqueConstraint(fields=["session", "country"], name="quota_one_per_country"),
            models.UniqueConstraint(fields=["session", "category"], name="quota_one_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.country or self.category}: {self.max_seats}"

    def clean(self) -> None:
        super().clean()
        if bool(self.country_id) == bool(self.category_id):
            raise ValidationError(_("A quota is for one country or for one stakeholder category."))


class ApplicationStatus(models.TextChoices):
    """Where a trainee's application stands."""

    SUBMITTED = "submitted", _("Received")
    APPROVED = "approved", _("Approved")
    WAITLISTED = "waitlisted", _("On the waitlist")
    REJECTED = "rejected", pgettext_lazy("application", "Not selected")
    WITHDRAWN = "withdrawn", pgettext_lazy("application", "Withdrawn")


class SessionApplication(models.Model):
    """A trainee's application to a session, with what the selection looks at, as it was when they applied."""

    session = models.ForeignKey(TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="applications")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED)
    motivation = models.TextField(_("motivation"), max_length=2000)
    organisation_confirmed = models.BooleanField(_("organisation confirmed"), default=False)
    position_confirmed = models.BooleanField(_("position confirmed"), default=False)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, related_name="+")
    category = models.ForeignKey(
        StakeholderCategory, verbose_name=_("stakeholder category"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    gender = models.CharField(_("gender"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="application_one_per_trainee_and_session"),
            models.CheckConstraint(condition=models.Q(status__in=ApplicationStatus.values), name="application_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} → {self.session}"

    @property
    def can_withdraw(self) -> bool:
        """A trainee may withdraw an application that is still in play, before the session ends."""
        return self.status in {ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED, ApplicationStatus.APPROVED} and (
            self.session.end_date >= timezone.localdate()
        )


class NoticeKind(models.TextChoices):
    """The e-mails an application's trainee gets, each at most once."""

    RECEIVED = "received", _("Application received")
    APPROVED = "approved", _("Application approved")
    WAITLISTED = "waitlisted", _("Waitlist notice")
    PROMOTED = "promoted", _("Promoted from the waitlist")
    REJECTED = "rejected", _("Not selected")
    REMINDER = "reminder", _("Reminder before the start")
    CANCELLED = "cancelled", _("Session cancelled")
    CERTIFICATE = "certificate", _("Certificate issued")


class ApplicationNotice(models.Model):
    """That one e-mail of a kind was queued for an application: retries and reruns send nothing twice."""

    application = models.ForeignKey(SessionApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=NoticeKind.choices)
    email = models.ForeignKey("people.OutboundEmail", verbose_name=_("e-mail"), on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("application e-mail")
        verbose_name_plural = _("application e-mails")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="notice_once_per_application_and_kind")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.kind}"


class Attendance(models.Model):
    """Whether a participant was there on one day of a session; corrections are logged."""

    application = models.ForeignKey(SessionApplication, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["day", "application_id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["application", "day"], name="attendance_once_per_participant_and_day")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.day}: {'present' if self.present else 'absent'}"


class CertificateOutcome(models.TextChoices):
    """What a correction did to the participant's certificate."""

    UNCHANGED = "", _("Certificate unchanged")
    ISSUED = "issued", _("Certificate issued")
    REVOKED = "revoked", _("Certificate revoked")
    REPLACED = "replaced", _("Certificate replaced by one of the other kind")


class AttendanceCorrection(models.Model):
    """A change of an attendance mark with its reason: a coordinator's change of a trainer's mark, or, once the session is
    completed, a trainer's or coordinator's correction, with what it did to the participant's certificate."""

    attendance = models.ForeignKey(Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="corrections")
    was_present = models.BooleanField(_("was present"))
    now_present = models.BooleanField(_("now present"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=500)
    certificate_outcome = models.CharField(
        _("certificate"), max_length=8, choices=CertificateOutcome.choices, default=CertificateOutcome.UNCHANGED, blank=True
    )

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        verbose_name = _("attendance correction")
        verbose_name_plural = _("attendance corrections")

    def __str__(self) -> str:
        return f"{self.attendance}: {self.was_present} → {self.now_present}"
