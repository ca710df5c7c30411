"""Coordinator reports in the Wagtail admin: curriculum coverage and translation status."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.models import Locale

from curriculum import selectors

REPORT_ROLES = {"coordinator", "administrator"}


def _require_coordinator(request: HttpRequest) -> None:
    if not selectors.user_role_codes(request.user) & REPORT_ROLES:
        raise PermissionDenied


def coverage_report(request: HttpRequest) -> HttpResponse:
    """Which of the 22 chapters have modules, and which are gaps."""
    _require_coordinator(request)
    locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    coverage = selectors.chapter_coverage(locale)
    return TemplateResponse(
        request,
        "curriculum/admin/coverage_report.html",
        {"coverage": coverage, "gaps": [row for row in coverage if row.is_gap]},
    )


def translation_status_report(request: HttpRequest) -> HttpResponse:
    """Modules whose translation is missing, still a draft, or older than the source."""
    _require_coordinator(request)
    locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    report = selectors.translation_report(locale)
    needing_work = [(source, states) for source, states in report if any(s.state != "current" for s in states)]
    only_problems = request.GET.get("show") != "all"
    return TemplateResponse(
        request,
        "curriculum/admin/translation_report.html",
        {"rows": needing_work if only_problems else report, "only_problems": only_problems, "total": len(report)},
    )
