"""Certificates of participation and completion: at most one valid per enrolment, verifiable by an unguessable code, revocable.

An enrolment may hold several certificates over time (a correction of the attendance that changes the kind due revokes
the old certificate and issues one of the new kind), but the database allows only one that is not revoked. A certificate
due that could not be issued leaves a failure row with its reason until it is issued.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from curriculum.models.sessions import SessionApplication

__all__ = ["Certificate", "CertificateFailureReason", "CertificateIssueFailure", "CertificateKind"]

# Capitals and digits without the look-alikes 0/O, 1/I/L: 32 symbols, so 20 of them hold 100 random bits
# and can be typed from paper; the verification page ignores case, spaces and hyphens.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20


def private_storage() -> Storage:
    """The storage of files no URL serves (STORAGES["private"]), as experts.models.private_storage for CVs."""
    # not imported from experts.models: it imports curriculum.models, and this module is part of it
    return storages["private"]


def certificate_code() -> str:
    """A new unguessable certificate code (about 100 random bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def certificate_upload_path(instance: Certificate, filename: str) -> str:
    """Where a certificate's PDF is kept in the private storage: named by its code."""
    return f"certificates/{instance.issued_at:%Y}/{instance.code}.pdf"


class CertificateKind(models.TextChoices):
    """What a certificate attests."""

    PARTICIPATION = "participation", _("Certificate of participation")
    COMPLETION = "completion", _("Certificate of completion")


class Certificate(models.Model):
    """A trainee's certificate for one session, as issued: what it says is copied here, so it never changes afterwards."""

    application = models.ForeignKey(SessionApplication, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=13, choices=CertificateKind.choices)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    code = models.CharField(_("code"), max_length=32, unique=True, default=certificate_code, editable=False)
    holder_name = models.CharField(_("holder's name"), max_length=300)
    module_title = models.CharField(_("module"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=255)
    module_revision = models.ForeignKey(
        Revision,
        verbose_name=_("module revision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The published version of the module page when the certificate was issued."),
    )
    file = models.FileField(_("PDF"), storage=private_storage, upload_to=certificate_upload_path, blank=True, max_length=255)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # revoked certificates stay (their codes must still verify as revoked); only one may stand at a time
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(revoked_at__isnull=True), name="certificate_one_valid_per_enrolment"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=CertificateKind.values), name="certificate_kind_known"),
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]), name="certificate_language_known"
            ),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="certificate_ends_after_start"),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_reason="")
                | (models.Q(revoked_at__isnull=False) & ~models.Q(revoked_reason="")),
                name="certificate_revoked_with_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.holder_name}, {self.module_title}"

    @property
    def is_valid(self) -> bool:
        """Whether the certificate stands (it has not been revoked)."""
        return self.revoked_at is None


class CertificateFailureReason(models.TextChoices):
    """Why a certificate due could not be issued; the label is what coordinators read."""

    NO_NAME = "no_name", _("the participant's account has no name to print on it: add the name, then issue the missing certificates")
    ERASED = "erased", _("the participant's account was erased")
    NOT_A_PARTICIPANT = "not_a_participant", _("the application is no longer approved")
    SESSION_NOT_COMPLETED = "session_not_completed", _("the session is not completed")
    RENDERING = "rendering", _("its PDF could not be made")
    FILE = "file", _("its PDF could not be written or a file could not be read")
    DATABASE = "database", _("the database refused the certificate or did not answer")
    UNEXPECTED = "unexpected", _("an unexpected error occurred (reported to the technical team)")


# Retrying does not help these until someone changes the data (a name added); the others are retried.
PERMANENT_FAILURE_REASONS = frozenset(
    {
        CertificateFailureReason.NO_NAME,
        CertificateFailureReason.ERASED,
        CertificateFailureReason.NOT_A_PARTICIPANT,
        CertificateFailureReason.SESSION_NOT_COMPLETED,
    }
)


class CertificateIssueFailure(models.Model):
    """That a participant's certificate due could not be issued: the last reason, how often it was tried, when.

    One row per application, deleted once the certificate is issued; it holds nothing about the person (the technical
    detail is the exception's class; the traceback goes to the error log).
    """

    application = models.OneToOneField(
        SessionApplication, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="certificate_failure"
    )
    kind = models.CharField(_("kind"), max_length=13, choices=CertificateKind.choices)
    reason = models.CharField(_("reason"), max_length=24, choices=CertificateFailureReason.choices)
    detail = models.CharField(_("technical detail"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    first_failed_at = models.DateTimeField(_("first failed at"), auto_now_add=True)
    last_tried_at = models.DateTimeField(_("last tried at"))

    class Meta:
        ordering = ["application_id"]
        verbose_name = _("certificate not issued")
        verbose_name_plural = _("certificates not issued")
        constraints = [
            models.CheckConstraint(condition=models.Q(reason__in=CertificateFailureReason.values), name="certificate_failure_reason_known"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.reason} ({self.attempts})"

    @property
    def is_permanent(self) -> bool:
        """Whether retrying alone cannot help (someone must change the data first)."""
        return self.reason in PERMANENT_FAILURE_REASONS
