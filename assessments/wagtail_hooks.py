"""Admin registrations of the surveys: the "Surveys" menu, round pages, results pages."""

from __future__ import annotations

from typing import Any

from django.urls import path
from wagtail import hooks

from assessments import admin_views
from assessments.results_urls import admin_urlpatterns


def _matrix_urlpatterns() -> list[Any]:
    try:
        from assessments.matrix_urls import admin_urlpatterns as matrix_patterns
    except ImportError:  # TEMPORARY while the matrix pages are being written
        return []
    return list(matrix_patterns)
from assessments.viewsets import SurveysViewSetGroup


@hooks.register("register_admin_viewset")
def register_survey_viewsets() -> SurveysViewSetGroup:
    """Put the "Surveys" menu (instruments, rounds) in the admin."""
    return SurveysViewSetGroup()


@hooks.register("register_admin_urls")
def register_survey_admin_urls() -> list[Any]:
    urls: list[Any] = [
        path("surveys/rounds/<int:pk>/respondents/", admin_views.round_respondents, name="assessments_round_respondents"),
        path("surveys/rounds/<int:pk>/<str:action>/", admin_views.round_status, name="assessments_round_status"),
    ]
    return urls + list(admin_urlpatterns) + _matrix_urlpatterns()
