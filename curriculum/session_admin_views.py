"""A session's applications in the Wagtail admin: coordinators decide singly or in bulk, seeing seats, quotas and balance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessments.selectors import knowledge_gains
from curriculum import bulk_enrolment, certificates, corrections, enrolment
from curriculum.forms import DecisionForm, EnrolmentUploadForm
from curriculum.models import ApplicationStatus, SessionStatus, TrainingSession
from people import uploads

# The statuses the applications page offers "Complete the session" in (as its template shows the button).
COMPLETABLE = (SessionStatus.OPEN, SessionStatus.CLOSED, SessionStatus.IN_PROGRESS)


def session_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """List a session's applications with the balance so far; approve, waitlist or reject the ticked ones; cancel the session."""
    if not request.user.has_perm("curriculum.change_sessionapplication"):
        raise PermissionDenied
    session = get_object_or_404(TrainingSession.objects.select_related("module", "language", "venue_country"), pk=pk)
    form = DecisionForm(request.POST or None, session=session)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "cancel":
        return _cancel(request, session)
    if request.method == "POST" and request.POST.get("action") == "complete":
        return _complete(request, session)
    if request.method == "POST" and request.POST.get("action") == "start":
        try:
            enrolment.session_start(session=session)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The session is now in progress."))
        return redirect("sessions:applications", pk=session.pk)
    if request.method == "POST":
        if form.is_valid():
            _decide(request, form)
            return redirect("sessions:applications", pk=session.pk)
        status = 400
    applications = (
        session.applications.select_related("trainee__organisation", "country", "category")
        .prefetch_related("certificates")  # newest first: the valid one, then those it replaced
        .order_by("created_at", "pk")
    )
    return TemplateResponse(
        request,
        "curriculum/admin/session_applications.html",
        {
            "session": session,
            "form": form,
            "applications": applications,
            "balance": enrolment.session_balance(session),
            "in_play": set(enrolment.IN_PLAY),
            "statuses": ApplicationStatus,
            "messages_sent": enrolment.session_messages(session),
            "knowledge": knowledge_gains(session),
            "corrections": corrections.session_corrections(session),
            # what "Complete the session" would issue now, shown beside its button
            "forecast": certificates.certificates_forecast(session) if session.status in COMPLETABLE else None,
            # once completed: each certificate issued, failed (with its reason) or still being issued
            "standing": certificates.certificates_standing(session) if session.status == SessionStatus.COMPLETED else None,
        },
        status=status,
    )


def _decide(request: HttpRequest, form: DecisionForm) -> None:
    decided, notes = 0, []
    for application in form.cleaned_data["applications"].order_by("created_at", "pk"):
        try:
            outcome = enrolment.application_decide(application=application, decision=form.cleaned_data["decision"], decided_by=request.user)
        except ValidationError as error:
            notes.append(f"{application.trainee}: {' '.join(error.messages)}")
            continue
        decided += 1
        if outcome.note and outcome.status != form.cleaned_data["decision"]:
            notes.append(_("%(trainee)s was put on the waitlist: %(reason)s.") % {"trainee": application.trainee, "reason": outcome.note})
    if decided:
        messages.success(
            request,
            ngettext(
                "%(n)d application decided; the trainee is told by e-mail.",
                "%(n)d applications decided; the trainees are told by e-mail.",
                decided,
            )
            % {"n": decided},
        )
    for note in notes:
        messages.warning(request, note)


def _cancel(request: HttpRequest, session: TrainingSession) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the cancellation."))
        return redirect("sessions:applications", pk=session.pk)
    try:
        told = enrolment.session_cancel(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, ngettext("Session cancelled; %(n)d applicant told.", "Session cancelled; %(n)d applicants told.", told) % {"n": told}
        )
    return redirect("sessions:applications", pk=session.pk)


ENROL_SESSION_KEY = "session_enrolment_import"


def session_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk enrolment from a CSV or XLSX file: a dry run reports every invalid row; nothing is written until confirmed."""
    if not request.user.has_perm("curriculum.change_sessionapplication"):
        raise PermissionDenied
    session = get_object_or_404(TrainingSession.objects.select_related("module", "language"), pk=pk)
    if request.method == "POST" and "confirm" in request.POST:
        return _enrol_confirm(request, session)
    if request.method == "POST" and "cancel" in request.POST:
        _enrol_forget(request)
        messages.info(request, _("The checked file has been deleted; nobody was enrolled."))
        return redirect("sessions:enrol", pk=session.pk)
    form = EnrolmentUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = bulk_enrolment.enrolment_import_parse(session=session, file=content, filename=upload.name)
        _enrol_forget(request)  # a new file replaces the one checked before
        if report.can_import:
            name = uploads.upload_stash(kind="enrolment", content=content)
            request.session[ENROL_SESSION_KEY] = {"path": name, "filename": upload.name, "session": session.pk}
    # a file that cannot be read at all (damaged, not UTF-8, a zip bomb...) is refused: its message is on the page
    return _enrol_page(request, session, form, report, status=400 if report is not None and report.file_error else 200)


def _enrol_forget(request: HttpRequest) -> None:
    """Delete the file waiting for confirmation, if any."""
    pending = request.session.pop(ENROL_SESSION_KEY, None)
    if pending:
        uploads.upload_discard(pending.get("path"))


def _enrol_page(
    request: HttpRequest, session: TrainingSession, form: EnrolmentUploadForm, report: object, status: int = 200
) -> HttpResponse:
    counts = {}
    if report is not None and not report.file_error:
        counts = {
            "new": report.count(bulk_enrolment.RowOutcome.NEW_USER),
            "existing": report.count(bulk_enrolment.RowOutcome.EXISTING_USER),
            "enrolled": report.count(bulk_enrolment.RowOutcome.ALREADY_ENROLLED),
            "approved": report.planned(ApplicationStatus.APPROVED),
            "waitlisted": report.planned(ApplicationStatus.WAITLISTED),
        }
    context = {"session": session, "form": form, "report": report, "counts": counts, "columns": bulk_enrolment.COLUMNS}
    return TemplateResponse(request, "curriculum/admin/session_enrol.html", context, status=status)


def _enrol_confirm(request: HttpRequest, session: TrainingSession) -> HttpResponse:
    pending = request.session.get(ENROL_SESSION_KEY)
    content = uploads.upload_read(pending["path"]) if pending and pending.get("session") == session.pk else None
    if content is None:
        messages.error(request, _("The checked file is no longer here: upload it again."))
        return redirect("sessions:enrol", pk=session.pk)
    report = bulk_enrolment.enrolment_import_parse(session=session, file=content, filename=pending["filename"])
    only_valid = request.POST.get("only_valid_rows") == "yes"
    if not report.can_import or (report.invalid_rows and not only_valid):
        messages.error(request, _("The file still has invalid rows: correct them, or confirm enrolling only the valid rows."))
        return _enrol_page(request, session, EnrolmentUploadForm(), report, status=400)
    try:
        result = bulk_enrolment.enrolment_import_apply(report=report, session=session, enrolled_by=request.user, only_valid_rows=only_valid)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _enrol_page(request, session, EnrolmentUploadForm(), report, status=409)
    _enrol_forget(request)
    if not result.written:
        messages.error(request, result.error)
        return redirect("sessions:enrol", pk=session.pk)
    messages.success(
        request,
        _(
            "Enrolled: %(approved)d with a seat, %(waitlisted)d on the waitlist; %(created)d new accounts, %(matched)d existing; "
            "%(enrolled)d were enrolled already. No e-mail was sent."
        )
        % {
            "approved": result.approved,
            "waitlisted": result.waitlisted,
            "created": result.users_created,
            "matched": result.users_matched,
            "enrolled": result.already_enrolled,
        },
    )
    return redirect("sessions:applications", pk=session.pk)


def _complete(request: HttpRequest, session: TrainingSession) -> HttpResponse:
    try:
        certificates.session_complete(session=session, completed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Session completed; the certificates are being issued and appear in each participant's My learning."))
    return redirect("sessions:applications", pk=session.pk)
