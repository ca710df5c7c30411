"""A session's applications in the Wagtail admin: coordinators decide singly or in bulk, seeing seats, quotas and balance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from curriculum import enrolment
from curriculum.forms import DecisionForm
from curriculum.models import ApplicationStatus, TrainingSession


def session_applications(request: HttpRequest, pk: int) -> HttpResponse:
    """List a session's applications with the balance so far; approve, waitlist or reject the ticked ones; cancel the session."""
    if not request.user.has_perm("curriculum.change_sessionapplication"):
        raise PermissionDenied
    session = get_object_or_404(TrainingSession.objects.select_related("module", "language", "venue_country"), pk=pk)
    form = DecisionForm(request.POST or None, session=session)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "cancel":
        return _cancel(request, session)
    if request.method == "POST":
        if form.is_valid():
            _decide(request, form)
            return redirect("sessions:applications", pk=session.pk)
        status = 400
    applications = session.applications.select_related("trainee__organisation", "country", "category").order_by("created_at", "pk")
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
