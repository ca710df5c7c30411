"""Certificates that could not be issued: the failure kept per participant, and where a completed session's certificates stand.

Issuing catches each participant's failure (curriculum.certificates.certificates_issue_run), so one participant never
stops the others; the failure is kept here with its reason until the certificate is issued, and the session's
applications page shows it. A refusal the data explains (no name on the account) is logged as a warning; anything else
is logged as an error with its traceback, so the error tracker sees it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from curriculum.models import (
    Certificate,
    CertificateFailureReason,
    CertificateIssueFailure,
    SessionApplication,
    TrainingSession,
)

logger = logging.getLogger("curriculum.certificates")


class CertificateRenderError(Exception):
    """WeasyPrint or the certificate's template failed to make the PDF (a file error stays an OSError)."""


# The codes of the refusals `curriculum.certificates` raises as ValidationError, by reason.
_REFUSALS = {
    "no_name": CertificateFailureReason.NO_NAME,
    "erased": CertificateFailureReason.ERASED,
    "not_a_participant": CertificateFailureReason.NOT_A_PARTICIPANT,
    "session_not_completed": CertificateFailureReason.SESSION_NOT_COMPLETED,
}


def failure_reason(error: BaseException) -> str:
    """The reason to keep for an exception raised while issuing one certificate."""
    if isinstance(error, ValidationError):
        return _REFUSALS.get(getattr(error, "code", None) or "", CertificateFailureReason.UNEXPECTED)
    if isinstance(error, CertificateRenderError):
        return CertificateFailureReason.RENDERING
    if isinstance(error, OSError):
        return CertificateFailureReason.FILE
    if isinstance(error, DatabaseError):
        return CertificateFailureReason.DATABASE
    return CertificateFailureReason.UNEXPECTED


def _detail(error: BaseException) -> str:
    # the class (and a refusal's code) only: messages of other exceptions may quote anything, the error log has them
    if isinstance(error, ValidationError):
        return f"ValidationError: {getattr(error, 'code', None) or ''}"[:100]
    cause = error.__cause__
    name = type(error).__name__ + (f" from {type(cause).__name__}" if cause is not None else "")
    return name[:100]


def failure_record(*, application: SessionApplication, kind: str, error: BaseException) -> CertificateIssueFailure:
    """Keep (or update) the failure of a participant's certificate and log it: a refusal as a warning, the rest as an error."""
    reason = failure_reason(error)
    if not isinstance(error, ValidationError) or reason == CertificateFailureReason.UNEXPECTED:
        logger.error("certificate of application %s not issued (%s)", application.pk, reason, exc_info=error)
    else:
        logger.warning("certificate of application %s not issued: %s", application.pk, reason)
    values = {"kind": kind, "reason": reason, "detail": _detail(error), "last_tried_at": timezone.now()}
    if not CertificateIssueFailure.objects.filter(application_id=application.pk).update(attempts=F("attempts") + 1, **values):
        try:
            with transaction.atomic():
                return CertificateIssueFailure.objects.create(application_id=application.pk, **values)
        except IntegrityError:  # another run recorded it first: count this attempt on its row
            CertificateIssueFailure.objects.filter(application_id=application.pk).update(attempts=F("attempts") + 1, **values)
    return CertificateIssueFailure.objects.get(application_id=application.pk)


def failure_clear(application: SessionApplication) -> None:
    """Forget the participant's failure: the certificate is issued now."""
    CertificateIssueFailure.objects.filter(application_id=application.pk).delete()


@dataclass(frozen=True)
class ParticipantCertificate:
    """One participant due a certificate (or holding one): what they hold, or why it is missing."""

    application: SessionApplication
    kind_due: str | None
    certificate: Certificate | None
    failure: CertificateIssueFailure | None

    @property
    def is_missing(self) -> bool:
        """Due and not issued (a revoked certificate counts as issued: a rerun does not issue it again)."""
        return self.certificate is None and self.kind_due is not None

    @property
    def has_failed(self) -> bool:
        """Missing, and the last attempt failed (with the failure's reason); else it is still being issued."""
        return self.is_missing and self.failure is not None


@dataclass(frozen=True)
class SessionCertificates:
    """Where a completed session's certificates stand, participant by participant."""

    rows: list[ParticipantCertificate] = field(default_factory=list)

    @property
    def failed(self) -> list[ParticipantCertificate]:
        """Missing after an attempt that failed, with its reason."""
        return [row for row in self.rows if row.has_failed]

    @property
    def pending(self) -> list[ParticipantCertificate]:
        """Missing without a failure: the issuing task has not reached them yet (or never ran)."""
        return [row for row in self.rows if row.is_missing and not row.has_failed]

    @property
    def missing(self) -> list[ParticipantCertificate]:
        """Every certificate due and not issued."""
        return [row for row in self.rows if row.is_missing]


def session_certificates(session: TrainingSession, due: dict[int, tuple[SessionApplication, str | None]]) -> SessionCertificates:
    """What each participant of the session holds or misses; `due` maps the participants' application ids to
    (application, kind due or None). Participants holding a certificate are listed even when none is due now."""
    held: dict[int, Certificate] = {}
    # the valid one, else the latest revoked one: what a rerun finds (curriculum.certificates._certificate_of)
    for certificate in Certificate.objects.filter(application__session=session).order_by("-issued_at", "-pk"):
        current = held.get(certificate.application_id)
        if current is None or (certificate.is_valid and not current.is_valid):
            held[certificate.application_id] = certificate
    failures = {failure.application_id: failure for failure in CertificateIssueFailure.objects.filter(application__session=session)}
    rows = [
        ParticipantCertificate(application, kind, held.get(application_id), failures.get(application_id))
        for application_id, (application, kind) in due.items()
        if kind is not None or application_id in held
    ]
    return SessionCertificates(rows)
