"""Reports in the Wagtail admin, for coordinators and administrators: the priority-matrix PDF and the donor indicator
pack, asked for on one page, built in the background, followed on the job's page and downloaded from private storage.

A form that does not validate (a date missing, a period backwards or longer than ten years, a snapshot that is not
ready) gets the page back with the errors and status 400, and nothing is queued. A job's page and its download are
for whoever asked for it and for coordinators and administrators; anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments import jobs, reports
from assessments import matrix_selectors as selectors
from assessments.models import ExportJob, MatrixSnapshot
from curriculum.models import ThematicPart
from people.models import StakeholderCategory

# Coordinators hold it (people/roles.py), administrators hold every permission; as the matrix pages.
REPORT_PERMISSION = "assessments.view_response"


def may_make_reports(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(REPORT_PERMISSION))  # type: ignore[attr-defined]


def _require_report_maker(request: HttpRequest) -> None:
    if not may_make_reports(request.user):
        raise PermissionDenied


def _language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def _current_language() -> str:
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MatrixSnapshot) -> str:
        return _("%(label)s (no. %(number)d)") % {"label": obj.label, "number": obj.pk}


class MatrixReportForm(forms.Form):
    """What the PDF report shows: a finished snapshot, its language, optionally one part and one stakeholder category."""

    snapshot = SnapshotChoiceField(
        label=gettext_lazy("Snapshot"),
        queryset=MatrixSnapshot.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a snapshot that is ready, from the list.")},
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the report"))
    part = forms.TypedChoiceField(label=gettext_lazy("Part of the curriculum"), required=False, coerce=int, empty_value=None)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Stakeholder category"),
        queryset=StakeholderCategory.objects.none(),
        required=False,
        empty_label=gettext_lazy("All categories together"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = selectors.done_snapshots()  # type: ignore[attr-defined]
        self.fields["language"].choices = _language_choices()  # type: ignore[attr-defined]
        self.fields["part"].choices = [("", _("Both parts"))] + [  # type: ignore[attr-defined]
            (part.number, f"{part.number}. {part.name}") for part in ThematicPart.objects.order_by("number")
        ]
        self.fields["category"].queryset = StakeholderCategory.objects.order_by("sort_order", "code")  # type: ignore[attr-defined]


class DonorPackForm(forms.Form):
    """The period of a donor pack (sessions whose last day falls in it), its format and language."""

    date_from = forms.DateField(
        label=gettext_lazy("First day of the period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Give the first day of the period."), "invalid": gettext_lazy("Give a date.")},
    )
    date_to = forms.DateField(
        label=gettext_lazy("Last day of the period"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": gettext_lazy("Give the last day of the period."), "invalid": gettext_lazy("Give a date.")},
    )
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("xlsx", gettext_lazy("Excel (XLSX), a sheet per table")), ("csv", "CSV"), ("pdf", "PDF")],
    )
    language = forms.ChoiceField(label=gettext_lazy("Language of the pack"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # its own ids: the reports page shows it beside the PDF report's form, which has a "language" field too
        kwargs.setdefault("auto_id", "pack_%s")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from is not None and date_to is not None:
            try:
                reports.date_range_check(date_from, date_to)
            except ValidationError as bad:
                self.add_error("date_to", bad)
        return cleaned


def _index(
    request: HttpRequest, *, matrix_form: MatrixReportForm | None = None, pack_form: DonorPackForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    language = _current_language()
    default_snapshot = selectors.default_snapshot()
    jobs = reports.recent_jobs(request.user)  # type: ignore[arg-type]
    context = {
        "matrix_form": matrix_form
        or MatrixReportForm(initial={"language": language, "snapshot": default_snapshot.pk if default_snapshot else None}),
        "pack_form": pack_form
        or DonorPackForm(
            initial={"language": language, "file_format": "xlsx", "date_from": today.replace(month=1, day=1), "date_to": today}
        ),
        "has_snapshot": default_snapshot is not None,
        "jobs": [{"job": job, "kind": reports.kind_label(job.kind)} for job in jobs],
    }
    return TemplateResponse(request, "assessments/admin/reports/index.html", context, status=status)


@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """The two report forms (priority-matrix PDF, donor pack) and the user's recent report jobs."""
    _require_report_maker(request)
    return _index(request)


def _queue(request: HttpRequest, form: forms.Form, form_name: str, request_job: Callable[..., ExportJob], queued: str) -> HttpResponse:
    """Queue a job from a valid form (its cleaned data as the request's arguments) and show its progress; otherwise the
    reports page again with the form's errors, status 400 and nothing queued."""
    _require_report_maker(request)
    if form.is_valid():
        try:
            job = request_job(**form.cleaned_data, requested_by=request.user)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, queued)
            return redirect("matrix_report_job", job_id=job.pk)
    return _index(request, **{form_name: form}, status=400)


@require_POST
def matrix_report_create(request: HttpRequest) -> HttpResponse:
    """Queue the PDF report of a snapshot (its part and stakeholder category, in a language), then show its progress."""
    return _queue(
        request,
        MatrixReportForm(request.POST),
        "matrix_form",
        reports.matrix_report_request,
        _("The report is queued; this page shows its progress."),
    )


@require_POST
def donor_pack_create(request: HttpRequest) -> HttpResponse:
    """Queue the donor indicator pack of a period (in a format and a language), then show its progress."""
    return _queue(
        request,
        DonorPackForm(request.POST),
        "pack_form",
        reports.donor_pack_request,
        _("The pack is queued; this page shows its progress."),
    )


def _visible_job(request: HttpRequest, job_id: int) -> ExportJob:
    """A report job the user asked for, or any for a coordinator or administrator; 404 for anyone else."""
    return jobs.visible_job(request, job_id, kinds=reports.REPORT_KINDS, may_see_all=may_make_reports)


@require_GET
def report_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A report's progress (the page refreshes itself every 2 s while it is queued or built), then its download link."""
    job = _visible_job(request, job_id)
    return TemplateResponse(
        request,
        "assessments/admin/reports/job.html",
        {
            "job": job,
            "kind": reports.kind_label(job.kind),
            "described": reports.describe_job(job),
            **jobs.job_state(job),
            "may_make_reports": may_make_reports(request.user),
        },
    )


@require_GET
def report_download(request: HttpRequest, job_id: int) -> FileResponse:
    """The file of a finished report, read from the private storage."""
    job = _visible_job(request, job_id)
    return jobs.job_download(job, reports.report_filename(job))
