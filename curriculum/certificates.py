"""Certificates: issued once per enrolment when a session completes, rendered to PDF in the trainee's language, verified and revoked.

What a certificate says (name, module title, dates, hours, place) is copied onto its row when it is
issued, in the trainee's language, so a PDF rendered again later says the same; the row also keeps
the module page's published revision that was taught. Issuing is idempotent: an enrolment that holds a
certificate (valid, or revoked: a revoked one is not issued again by a rerun) gets nothing new, and the database
allows one valid certificate per enrolment, so a second attempt (a retried task, a second worker) gets the first.
Only a correction of the attendance replaces a certificate: it revokes the old kind and issues the new one.
A participant whose certificate fails is recorded (curriculum.certificate_failures) and does not stop the others;
the task retries what failed for a passing reason, and a coordinator can issue what is still missing.
"""

from __future__ import annotations

import atexit
import datetime
import gc
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from celery.signals import worker_process_shutdown
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from curriculum import attendance, certificate_failures, enrolment
from curriculum.certificate_failures import CertificateRenderError, SessionCertificates
from curriculum.models import (
    ApplicationStatus,
    Certificate,
    CertificateIssueFailure,
    CertificateKind,
    NoticeKind,
    SessionApplication,
    SessionStatus,
    TrainingSession,
)
from curriculum.pdf import FONT_STACK, _font_faces, pdf_base_url, pdf_fetcher, write_pdf
from curriculum.tasks import certificates_issue
from home.outbox import job_heartbeat, task_enqueue_on_commit
from people.models import User

logger = logging.getLogger(__name__)

# Printed on every certificate and encoded in its QR code: a contract with paper, so it is spelt out
# here rather than reversed from the URL configuration (config/urls.py must route it to certificate_verify).
VERIFY_PATH = "/{language}/certificates/verify/{code}/"
REASON_MAX_LENGTH = 500
QR_SCALE = 8  # pixels per module of the QR code's PNG: sharp when printed at about 3 cm


def verification_url(certificate: Certificate) -> str:
    """The absolute address of the certificate's public verification page, in its language."""
    path = VERIFY_PATH.format(language=certificate.language, code=certificate.code)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def printed_code(code: str) -> str:
    """The code as printed, in groups of four: ABCD-EFGH-JKMN-PQRS-TUVW."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def normalised_code(raw: str) -> str:
    """A code as someone typed it from paper: capitals, without spaces or hyphens."""
    return "".join(raw.split()).replace("-", "").upper()[:64]


def qr_code_data_uri(url: str) -> str:
    """A PNG of the QR code of `url` as a data URI, for the PDF (medium error correction, quiet zone of 4)."""
    import segno

    return segno.make(url, error="m", micro=False).png_data_uri(scale=QR_SCALE, border=4)


def certificate_language(trainee: User) -> str:
    """The trainee's chosen language if the site speaks it, else the default one."""
    language = trainee.preferred_language
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


# WeasyPrint decompresses every WOFF2 file of a document's @font-face rules each time it renders: for
# the six Noto Sans subsets that is about 0.35 s, nine tenths of a certificate. Parsed once into a
# stylesheet with its own FontConfiguration, the same faces (curriculum.pdf's, one family per subset)
# serve every later certificate. Not shared across threads (Pango's font map is not thread-safe) nor
# across forks (a forked child must not delete its parent's font files).
class _Fonts(threading.local):
    """The bundled fonts' @font-face rules, parsed once per process and thread."""

    config: Any = None
    stylesheet: Any = None


_fonts = _Fonts()


def _forget_fonts_after_fork() -> None:
    if _fonts.config is not None:
        _fonts.config._folder = None  # the font files are the parent's: this process must not delete them when it lets go
    _fonts.config = _fonts.stylesheet = None


def fonts_release() -> None:
    """Let go of this thread's parsed fonts and delete their files; a worker process calls it before it ends."""
    _fonts.config = _fonts.stylesheet = None
    gc.collect()  # the FontConfiguration sits in reference cycles: its clean-up runs when they are collected


def _fonts_release_on_shutdown(**kwargs: object) -> None:
    fonts_release()


os.register_at_fork(after_in_child=_forget_fonts_after_fork)
# at a normal exit, while the interpreter can still run WeasyPrint's clean-up; a Celery pool process ends
# without running atexit, so it lets go on worker_process_shutdown (this module is loaded by the first task)
atexit.register(fonts_release)
worker_process_shutdown.connect(_fonts_release_on_shutdown)


def font_stylesheet() -> tuple[Any, Any]:
    """This thread's FontConfiguration and the stylesheet of the bundled fonts' @font-face rules."""
    if _fonts.config is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        config = FontConfiguration()
        stylesheet = CSS(string=_font_faces(), base_url=pdf_base_url(), font_config=config, url_fetcher=pdf_fetcher())
        _fonts.stylesheet, _fonts.config = stylesheet, config
    return _fonts.config, _fonts.stylesheet


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """Render a certificate to PDF bytes in its language, from what its row says, with the QR code of its verification page."""
    url = verification_url(certificate)
    qr_code = qr_code_data_uri(url)
    with translation.override(certificate.language):
        html = render_to_string(
            "pdf/certificate.html",
            {
                "certificate": certificate,
                "kind_label": certificate.get_kind_display(),
                "is_completion": certificate.kind == CertificateKind.COMPLETION,
                "printed_code": printed_code(certificate.code),
                "verification_url": url,
                "qr_code": qr_code,
                "issued_on": timezone.localdate(certificate.issued_at),
                "font_stack": FONT_STACK,
                "language": certificate.language,
            },
        )
    font_config, fonts = font_stylesheet()
    try:
        # the QR code is the one data: URI the fetcher serves: it is ours, made above; any other is refused
        return write_pdf(html, stylesheets=[fonts], font_config=font_config, own_data_uris=[qr_code])
    except OSError:
        raise  # a font or storage file: a passing fault, kept apart from a failure of the rendering itself
    except Exception as error:
        raise CertificateRenderError(f"the PDF of certificate {certificate.pk} could not be made") from error


def certificate_file_ensure(certificate: Certificate) -> Certificate:
    """Render and store the certificate's PDF unless it is stored already (never written, or lost from the storage)."""
    if certificate.file and certificate.file.storage.exists(certificate.file.name):
        return certificate
    recorded = certificate.file.name or ""
    certificate.file.save("certificate.pdf", ContentFile(render_certificate_pdf(certificate)), save=False)
    # compare and swap: if another process stored its copy meanwhile, keep that one and drop ours
    if not Certificate.objects.filter(pk=certificate.pk, file=recorded).update(file=certificate.file.name):
        certificate.file.storage.delete(certificate.file.name)
        certificate.refresh_from_db(fields=["file"])
    return certificate


def valid_certificate(application: SessionApplication) -> Certificate | None:
    """The enrolment's certificate that stands (not revoked), or None: the database allows at most one."""
    return Certificate.objects.filter(application_id=application.pk, revoked_at__isnull=True).first()


def _certificate_of(application: SessionApplication) -> Certificate | None:
    """What the enrolment holds: its valid certificate, else its latest revoked one, else None."""
    return valid_certificate(application) or Certificate.objects.filter(application_id=application.pk).first()


def _place(session: TrainingSession) -> str:
    """Where the session took place, in the active language."""
    if not session.venue_city:
        return capfirst(_("online"))
    return f"{session.venue_city}, {session.venue_country.name}" if session.venue_country_id else session.venue_city


def holder_refusal(trainee: User) -> ValidationError | None:
    """Why no certificate can be made out to this person (an erased account, or no name to print), or None."""
    if trainee.erased_at is not None:
        return ValidationError(_("The participant's account was erased."), code="erased")
    if not trainee.get_full_name().strip():
        return ValidationError(_("The participant's account has no name to print on a certificate."), code="no_name")
    return None


CODE_DRAWS = 3  # a code drawn twice is about impossible (100 random bits); a fresh draw settles it


def _certificate_create(application: SessionApplication, kind: str) -> tuple[Certificate, bool]:
    """Create the application's certificate, or get the one another process created first."""
    application = SessionApplication.objects.select_related("trainee", "session__module", "session__venue_country").get(pk=application.pk)
    session = application.session
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError(_("Only confirmed participants receive a certificate."), code="not_a_participant")
    if session.status != SessionStatus.COMPLETED:
        raise ValidationError(_("Certificates are issued once the session is completed."), code="session_not_completed")
    refusal = holder_refusal(application.trainee)
    if refusal is not None:
        raise refusal
    holder_name = application.trainee.get_full_name().strip()
    language = certificate_language(application.trainee)
    with translation.override(language):
        module_title = session.module.localized.title
        place = _place(session)
    fields = {
        "kind": kind,
        "language": language,
        "holder_name": holder_name[:300],
        "module_title": module_title[:255],
        "hours": session.module.duration_hours,
        "start_date": session.start_date,
        "end_date": session.end_date,
        "place": place[:255],
        "module_revision_id": session.module.live_revision_id,
    }
    draws = 0
    while True:
        certificate = Certificate(application=application, **fields)  # draws its code
        draws += 1
        try:
            with transaction.atomic():  # a savepoint: the caller's transaction survives a lost race
                certificate.save(force_insert=True)
            certificate_failures.failure_clear(application)  # issued by a rerun or by a correction: no longer missing
            return certificate, True
        except IntegrityError:
            existing = valid_certificate(application)
            if existing is not None:
                return existing, False  # another process issued it first
            if draws >= CODE_DRAWS or not Certificate.objects.filter(code=certificate.code).exists():
                raise  # not a code drawn twice: recorded as the participant's failure, and the task retries


def _certificate_issue(application: SessionApplication, kind: str) -> tuple[Certificate, bool]:
    if kind not in CertificateKind.values:
        raise ValidationError(_("This kind of certificate is not known."), code="unknown_kind")
    certificate = _certificate_of(application)
    created = False
    if certificate is None:
        certificate, created = _certificate_create(application, kind)
    return certificate_file_ensure(certificate), created


def certificate_issue(*, application: SessionApplication, kind: str) -> Certificate:
    """Issue the participant's certificate of `kind` with its PDF; an enrolment that has one gets it back unchanged."""
    certificate, _created = _certificate_issue(application, kind)
    return certificate


def certificate_record(*, application: SessionApplication, kind: str) -> tuple[Certificate, bool]:
    """Issue the participant's certificate of `kind` without rendering its PDF yet (the first download renders it):
    the row, once per enrolment; `created` is False when the enrolment holds one already (valid or revoked)."""
    if kind not in CertificateKind.values:
        raise ValidationError(_("This kind of certificate is not known."), code="unknown_kind")
    existing = _certificate_of(application)
    if existing is not None:
        return existing, False
    return _certificate_create(application, kind)


def certificate_kind(completion: attendance.Completion) -> str | None:
    """The certificate a participant gets when the session completes: completion, participation (present at least one
    day), or none."""
    if completion.completed:
        return CertificateKind.COMPLETION
    return CertificateKind.PARTICIPATION if completion.days_present > 0 else None


@dataclass(frozen=True)
class CertificateForecast:
    """What completing a session would issue as it stands, for the coordinator who is about to do it."""

    completion: int
    participation: int
    without: int
    # present enough, but the post-test with its pass mark not passed (yet): a participation certificate for now
    post_test_pending: list[User]
    # due a certificate that cannot be made out to them (no name, an erased account): not counted above, with the reason
    refused: list[tuple[User, str]] = field(default_factory=list)


def certificates_forecast(session: TrainingSession) -> CertificateForecast:
    """Count the certificates completing the session now would issue (the queries of `attendance.completions`): the
    participants issuing would refuse are listed apart, so the counts are what issuing issues."""
    rows = attendance.completions(session)
    kinds: list[str | None] = []
    refused: list[tuple[User, str]] = []
    for completion in rows:
        kind = certificate_kind(completion)
        refusal = holder_refusal(completion.application.trainee) if kind is not None else None
        if refusal is not None:
            refused.append((completion.application.trainee, " ".join(refusal.messages)))
            continue
        kinds.append(kind)
    return CertificateForecast(
        completion=kinds.count(CertificateKind.COMPLETION),
        participation=kinds.count(CertificateKind.PARTICIPATION),
        without=kinds.count(None),
        post_test_pending=[c.application.trainee for c in rows if c.attended_enough and not c.post_test_passed],
        refused=refused,
    )


@dataclass(frozen=True)
class IssueRun:
    """What one run of issuing did for a session: how many certificates it issued, and the failures left."""

    issued: int
    failures: list[CertificateIssueFailure]

    @property
    def retryable(self) -> list[CertificateIssueFailure]:
        """The failures a later attempt may get past (not a refusal the data explains)."""
        return [failure for failure in self.failures if not failure.is_permanent]


def certificates_issue_run(session: TrainingSession) -> IssueRun:
    """Issue what a completed session's participants are due and do not hold: completion to those who completed,
    participation to those who came at all. Each participant is issued (certificate, PDF, e-mail) in a transaction of
    their own: a failure, whatever its exception, is recorded with its reason and the others are issued all the same."""
    session = TrainingSession.objects.select_related("module", "venue_country").get(pk=session.pk)
    issued = 0
    failures: list[CertificateIssueFailure] = []
    for completion in attendance.completions(session):
        job_heartbeat()  # alive: the outbox sweep re-queues only a job whose worker stopped beating
        kind = certificate_kind(completion)
        if kind is None:
            continue
        application = completion.application
        try:
            with transaction.atomic():
                _certificate, created = _certificate_issue(application, kind)
                # the holder is told once, whatever reruns of the task happen (one notice per application and kind)
                enrolment.notify(application, NoticeKind.CERTIFICATE)
                certificate_failures.failure_clear(application)
        except Exception as error:  # noqa: BLE001 - one participant's failure must not stop the others: kept and logged
            failures.append(certificate_failures.failure_record(application=application, kind=kind, error=error))
            continue
        issued += created
    return IssueRun(issued=issued, failures=failures)


def certificates_issue_for_session(session: TrainingSession) -> int:
    """Issue a completed session's missing certificates; how many were issued now (0 when they all exist)."""
    return certificates_issue_run(session).issued


def certificates_standing(session: TrainingSession) -> SessionCertificates:
    """Where a session's certificates stand: issued, failed (with the reason) or still being issued, per participant."""
    due = {c.application.pk: (c.application, certificate_kind(c)) for c in attendance.completions(session)}
    return certificate_failures.session_certificates(session, due)


def certificates_issue_missing(*, session: TrainingSession, requested_by: User) -> int:
    """Have the missing certificates of a completed session issued again (after the commit); how many are missing.

    Nothing is queued when none is missing. Issuing is idempotent, so a second request meanwhile issues nothing twice.
    """
    if session.status != SessionStatus.COMPLETED:
        raise ValidationError(_("Certificates are issued once the session is completed."), code="session_not_completed")
    missing = len(certificates_standing(session).missing)
    if missing:
        logger.info("user %s asked for the %d missing certificates of session %s", requested_by.pk, missing, session.pk)
        task_enqueue_on_commit(certificates_issue, session.pk)
    return missing


@transaction.atomic
def session_complete(*, session: TrainingSession, completed_by: User) -> TrainingSession:
    """Mark a session completed once its last day has come, and have its certificates issued after the commit."""
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.status == SessionStatus.COMPLETED:
        raise ValidationError(_("This session is already completed."), code="already_completed")
    if locked.status in {SessionStatus.DRAFT, SessionStatus.CANCELLED}:
        raise ValidationError(_("A draft or cancelled session cannot be completed."), code="not_running")
    if timezone.localdate() < locked.end_date:
        raise ValidationError(
            _("The session can be completed from its last day, %(day)s.") % {"day": date_format(locked.end_date)}, code="not_ended"
        )
    locked.status = SessionStatus.COMPLETED
    locked.save(update_fields=["status"])
    logger.info("session %s completed by user %s", locked.pk, completed_by.pk)
    task_enqueue_on_commit(certificates_issue, locked.pk)
    return locked


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, revoked_by: User, reason: str) -> Certificate:
    """Revoke a certificate with a reason (kept for coordinators; the public page shows only the date); once only."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certificate."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(_("The reason can be at most 500 characters long."), code="reason_too_long")
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This certificate has already been revoked."), code="already_revoked")
    locked.revoked_at, locked.revoked_by, locked.revoked_reason = timezone.now(), revoked_by, reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return locked


@transaction.atomic
def certificate_replace(*, certificate: Certificate, kind: str, revoked_by: User, reason: str) -> tuple[Certificate, bool]:
    """Revoke a valid certificate with a reason and issue the enrolment's certificate of `kind` in its place (its PDF is
    rendered at the first download); `created` is False when another process issued the valid one first."""
    if kind not in CertificateKind.values:
        raise ValidationError(_("This kind of certificate is not known."), code="unknown_kind")
    if certificate.kind == kind:
        raise ValidationError(_("The certificate is already of this kind."), code="same_kind")
    revoked = certificate_revoke(certificate=certificate, revoked_by=revoked_by, reason=reason)
    return _certificate_create(revoked.application, kind)


def certificate_by_code(raw_code: str) -> Certificate | None:
    """The certificate with this code, as typed or scanned (case, spaces and hyphens ignored), or None."""
    return Certificate.objects.select_related("application__trainee").filter(code=normalised_code(raw_code)).first()


def certificates_of(user: User) -> QuerySet[Certificate]:
    """A trainee's certificates, valid and revoked, newest first (for My learning)."""
    return Certificate.objects.filter(application__trainee=user).select_related("application__session")


def may_download(user: User, certificate: Certificate) -> bool:
    """Coordinators and administrators get any certificate; its holder gets it while it is valid."""
    if not user.is_authenticated:
        return False
    if user.has_perm("curriculum.change_sessionapplication"):
        return True
    return certificate.is_valid and certificate.application.trainee_id == user.pk


@dataclass(frozen=True)
class PublicCertificate:
    """All the verification page may show of a certificate: nothing about the holder beyond the name."""

    holder_name: str
    module_title: str
    start_date: datetime.date
    end_date: datetime.date
    kind_label: str
    is_valid: bool
    revoked_at: datetime.datetime | None


def public_facts(certificate: Certificate) -> PublicCertificate:
    """What the public verification page shows of a certificate, kind in the active language."""
    return PublicCertificate(
        holder_name=certificate.holder_name,
        module_title=certificate.module_title,
        start_date=certificate.start_date,
        end_date=certificate.end_date,
        kind_label=str(certificate.get_kind_display()),
        is_valid=certificate.is_valid,
        revoked_at=certificate.revoked_at,
    )
