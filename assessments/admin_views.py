"""Coordinators' pages of the needs-assessment rounds in the Wagtail admin: respondents, links, response rates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from assessments import instruments, selectors, services
from assessments.forms import PastedRespondentsForm, RespondentForm
from assessments.models import Instrument, Round


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def round_respondents(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's respondents and response rates; add one organisation, or paste many."""
    _require(request, "assessments.view_round")
    survey_round = get_object_or_404(Round.objects.prefetch_related("instruments", "countries"), pk=pk)
    may_change = request.user.has_perm("assessments.change_round")
    one = RespondentForm(survey_round=survey_round, prefix="one")
    many = PastedRespondentsForm(survey_round=survey_round, prefix="many")
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "one-email" in request.POST:
            one = RespondentForm(request.POST, survey_round=survey_round, prefix="one")
            if one.is_valid():
                data = one.cleaned_data
                try:
                    services.respondent_add(
                        survey_round=survey_round,
                        instrument=data["instrument"],
                        organisation_name=data["organisation_name"],
                        contact_name=data["contact_name"],
                        email=data["email"],
                        country_id=data["country"].pk,
                        category_id=data["category"].pk,
                        language=data["language"],
                    )
                except services.SurveyError as refused:
                    one.add_error(None, refused.message)
                else:
                    messages.success(request, _("The respondent was added."))
                    return redirect("assessments_round_respondents", pk=survey_round.pk)
        else:
            many = PastedRespondentsForm(request.POST, survey_round=survey_round, prefix="many")
            if many.is_valid():
                try:
                    added = services.respondents_add_many(survey_round=survey_round, rows=many.cleaned_data["lines"])
                except services.SurveyError as refused:
                    many.add_error("lines", refused.message)
                else:
                    messages.success(
                        request, ngettext("%(count)d respondent was added.", "%(count)d respondents were added.", added) % {"count": added}
                    )
                    return redirect("assessments_round_respondents", pk=survey_round.pk)
        status = 400
    rates, total = selectors.response_rates(survey_round)
    respondents = survey_round.respondents.select_related("instrument", "country", "category").order_by(
        "country__sort_order", "organisation_name"
    )
    context = {
        "round": survey_round,
        "one": one,
        "many": many,
        "rates": rates,
        "total": total,
        "respondents": respondents,
        "may_change": may_change,
    }
    return TemplateResponse(request, "assessments/admin/round_respondents.html", context, status=status)


@require_POST
def round_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Open a round (its links are e-mailed) or close it."""
    _require(request, "assessments.change_round")
    survey_round = get_object_or_404(Round, pk=pk)
    try:
        if action == "open":
            services.round_open(survey_round=survey_round)
            messages.success(request, _("The round is open; the respondents are being sent their links."))
        elif action == "close":
            services.round_close(survey_round=survey_round)
            messages.success(request, _("The round is closed; its links no longer accept answers."))
        else:
            raise services.SurveyError(_("Unknown action."))
    except services.SurveyError as refused:
        messages.error(request, refused.message)
    return redirect("assessments_round_respondents", pk=survey_round.pk)


@require_http_methods(["GET", "POST"])
def instrument_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy an instrument as a draft of its next version, to change its questions there (GET asks to confirm)."""
    _require(request, "assessments.add_instrument")
    instrument = get_object_or_404(Instrument, pk=pk)
    if request.method == "GET":
        return TemplateResponse(request, "assessments/admin/new_version.html", {"instrument": instrument})
    copy = instruments.instrument_new_version(instrument=instrument)
    messages.success(request, _("Version %(version)d is a draft copy: change its questions, then publish it.") % {"version": copy.version})
    return redirect("survey_instruments:edit", copy.pk)
