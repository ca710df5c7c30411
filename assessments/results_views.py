"""Survey results: the coordinators' pages in the Wagtail admin (summary, filters, exports) and a session's results for its trainers."""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import anonymity, exports, jobs
from assessments.models import LANGUAGE_CODES, ExportJob, Instrument, Purpose, Round, in_language
from assessments.results import FilterError, ResultFilters, summarise
from assessments.services import EVALUATION_OPEN_DAYS, session_survey_instrument, session_window
from curriculum.models import TrainingSession
from people.context_processors import role_codes_for
from people.models import Country, StakeholderCategory, User

RESULTS_ROLES = frozenset({"coordinator", "administrator"})


def may_read_results(user: object) -> bool:
    """Coordinators and administrators read every instrument's results and exports."""
    return bool(role_codes_for(user) & RESULTS_ROLES)


def _require_results_reader(request: HttpRequest) -> None:
    if not may_read_results(request.user):
        raise PermissionDenied


# --- the filter form -----------------------------------------------------------------------


class ResultFilterForm(forms.Form):
    """The filters of a results page, with the choices that exist for the instrument, each labelled."""

    round = forms.TypedChoiceField(label=gettext_lazy("Needs-assessment round"), required=False, coerce=int, empty_value=None)
    session = forms.TypedChoiceField(label=gettext_lazy("Training session"), required=False, coerce=int, empty_value=None)
    country = forms.TypedChoiceField(label=gettext_lazy("Country"), required=False, coerce=int, empty_value=None)
    category = forms.TypedChoiceField(label=gettext_lazy("Stakeholder category"), required=False, coerce=int, empty_value=None)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), required=False)

    def __init__(self, *args: object, instrument: Instrument, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        every = [("", _("All"))]
        rounds = Round.objects.filter(responses__instrument=instrument).distinct().order_by("-year", "-pk")
        sessions = (
            TrainingSession.objects.filter(survey_responses__instrument=instrument)
            .distinct()
            .select_related("module", "language")
            .order_by("-start_date", "pk")
        )
        self.fields["round"].choices = every + [(r.pk, f"{r.year}: {r.title}") for r in rounds]
        self.fields["session"].choices = every + [(s.pk, str(s)) for s in sessions]
        self.fields["country"].choices = every + sorted(((c.pk, c.name) for c in Country.objects.all()), key=lambda choice: choice[1])
        self.fields["category"].choices = every + sorted(
            ((c.pk, c.name) for c in StakeholderCategory.objects.all()), key=lambda choice: choice[1]
        )
        self.fields["gender"].choices = every + list(User.Gender.choices)
        if not self.fields["round"].choices[1:]:
            del self.fields["round"]
        if not self.fields["session"].choices[1:]:
            del self.fields["session"]
        # an anonymous survey offers only the filters the anonymity rule releases
        released = anonymity.release(instrument).released
        self.withheld: list[str] = []
        for name, attribute in (("country", "country_id"), ("category", "category_id"), ("gender", "gender")):
            if attribute not in released:
                self.withheld.append(str(self.fields[name].label))
                del self.fields[name]


# --- admin pages ---------------------------------------------------------------------------


def results_index(request: HttpRequest) -> HttpResponse:
    """Every instrument with its number of responses, linking to its results."""
    _require_results_reader(request)
    # an anonymous instrument counts only its closed scopes of at least its minimum: a figure that does not move per answer
    instruments = Instrument.objects.annotate(response_count=Coalesce(anonymity.counted_count(), 0)).order_by("purpose", "code", "-version")
    return TemplateResponse(request, "assessments/admin/results_index.html", {"instruments": instruments})


def instrument_results(request: HttpRequest, instrument_id: int) -> HttpResponse:
    """An instrument's results over a filtered group: a table and bars per question, and the export buttons."""
    _require_results_reader(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    form = ResultFilterForm(request.GET or None, instrument=instrument)
    status = 200
    error = ""
    results = None
    filters = ResultFilters()
    try:
        filters = ResultFilters.from_query(request.GET)
    except FilterError as bad:
        error = bad.message
    if not error and form.is_bound and not form.is_valid():
        error = _("A filter has a value that is not one of its choices: choose again.")
    if error:
        status = 400
    else:
        results = summarise(instrument, filters, get_language() or "az")
    return TemplateResponse(
        request,
        "assessments/admin/results.html",
        {
            "instrument": instrument,
            "form": form,
            "filters": filters,
            "error": error,
            "results": results,
            "export_languages": settings.LANGUAGES,
            "current_language": (get_language() or "az")[:2],
        },
        status=status,
    )


@require_POST
def results_export_create(request: HttpRequest, instrument_id: int) -> HttpResponse:
    """Queue a CSV or XLSX export of the filtered results, then show its progress."""
    _require_results_reader(request)
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    try:
        filters = ResultFilters.from_query(request.POST)
    except FilterError as bad:
        return HttpResponseBadRequest(bad.message)
    file_format = request.POST.get("format", "")
    language = request.POST.get("language", "")
    if file_format not in exports.FORMATS or language not in LANGUAGE_CODES:
        return HttpResponseBadRequest(_("Choose CSV or XLSX, and Azerbaijani, Russian or English."))
    try:
        job = exports.results_export_request(
            instrument=instrument, filters=filters, file_format=file_format, language=language, requested_by=request.user
        )
    except exports.ExportRefused as refused:
        messages.error(request, refused.message)
        query = urlencode(filters.as_query())
        return redirect(reverse("assessments_results", args=[instrument.pk]) + (f"?{query}" if query else ""))
    return redirect("assessments_export_job", job_id=job.pk)


def _visible_job(request: HttpRequest, job_id: int) -> ExportJob:
    """A results export the user asked for, or any for a coordinator or administrator; 404 for anyone else."""
    return jobs.visible_job(request, job_id, kinds=[exports.EXPORT_KIND], may_see_all=may_read_results)


def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """An export's progress (the page refreshes itself while it runs) and its download link once it is ready."""
    job = _visible_job(request, job_id)
    instrument = Instrument.objects.filter(pk=job.parameters.get("instrument_id")).first()
    return TemplateResponse(
        request,
        "assessments/admin/export_job.html",
        {
            "job": job,
            "instrument": instrument,
            **jobs.job_state(job),
            "filters_described": _describe_filters(ResultFilters.from_parameters(job.parameters.get("filters", {}))),
            "back_query": urlencode(ResultFilters.from_parameters(job.parameters.get("filters", {})).as_query()),
        },
    )


def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    """The file of a finished export, read from the private storage."""
    job = _visible_job(request, job_id)
    return jobs.job_download(job, exports.export_filename(job))


def _describe_filters(filters: ResultFilters) -> list[tuple[str, str]]:
    """The filters of a job as (label, value) pairs for its page."""
    described: list[tuple[str, str]] = []
    if filters.round_id:
        survey_round = Round.objects.filter(pk=filters.round_id).first()
        described.append((_("Needs-assessment round"), str(survey_round or filters.round_id)))
    if filters.session_id:
        session = TrainingSession.objects.filter(pk=filters.session_id).select_related("module", "language").first()
        described.append((_("Training session"), str(session or filters.session_id)))
    if filters.country_id:
        country = Country.objects.filter(pk=filters.country_id).first()
        described.append((_("Country"), country.name if country else str(filters.country_id)))
    if filters.category_id:
        category = StakeholderCategory.objects.filter(pk=filters.category_id).first()
        described.append((_("Stakeholder category"), category.name if category else str(filters.category_id)))
    if filters.gender:
        described.append((_("Gender"), str(User.Gender(filters.gender).label)))
    return described


# --- the site: a session's results for its trainers ----------------------------------------


def evaluation_closed(session: TrainingSession, today: datetime.date | None = None) -> bool:
    """Whether the session's evaluation can no longer be answered: its last day past and its window closed."""
    today = today or timezone.localdate()
    return today > session.end_date and not session_window(session, Purpose.SESSION_EVALUATION, today).is_open


@login_required
def session_results(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session's evaluation results, aggregated, for its trainers (and coordinators) once the evaluation has closed."""
    session = (
        TrainingSession.objects.select_related("module", "language").prefetch_related("surveys__instrument").filter(pk=session_id).first()
    )
    if session is None or not (may_read_results(request.user) or session.trainers.filter(pk=request.user.pk).exists()):
        raise Http404
    instrument = session_survey_instrument(session, Purpose.SESSION_EVALUATION)
    language = (get_language() or "az")[:2]
    results = None
    message = ""
    if instrument is None:
        message = _("This session has no evaluation form, so there are no results to show.")
    elif not evaluation_closed(session):
        closes = session.end_date + datetime.timedelta(days=EVALUATION_OPEN_DAYS)
        message = _(
            "The evaluation results are shown once the evaluation has closed: participants can answer until %(date)s. Come back after that day."
        ) % {"date": closes.strftime("%d.%m.%Y")}
    else:
        results = summarise(instrument, ResultFilters(session_id=session.pk), language)
    return TemplateResponse(
        request,
        "assessments/session_results.html",
        {
            "session": session,
            "module": session.module.localized,
            "instrument": instrument,
            "instrument_title": in_language(instrument, "title", language) if instrument else "",
            "results": results,
            "message": message,
        },
    )
