"""Admin registrations of the surveys: the "Surveys" menu, round pages, results, the priority matrix and its reports."""

from __future__ import annotations

from typing import Any

from django.urls import path
from wagtail import hooks

from assessments import admin_views
from assessments.matrix_urls import admin_urlpatterns as matrix_urlpatterns
from assessments.report_urls import admin_urlpatterns as report_urlpatterns
from assessments.results_urls import admin_urlpatterns as results_urlpatterns
from assessments.viewsets import SurveysViewSetGroup


@hooks.register("register_admin_viewset")
def register_survey_viewsets() -> SurveysViewSetGroup:
    """Put the "Surveys" menu (instruments, rounds, results, the priority matrix) in the admin."""
    return SurveysViewSetGroup()


@hooks.register("register_admin_urls")
def register_survey_admin_urls() -> list[Any]:
    return [
        path("surveys/rounds/<int:pk>/respondents/", admin_views.round_respondents, name="assessments_round_respondents"),
        path("surveys/rounds/<int:pk>/<str:action>/", admin_views.round_status, name="assessments_round_status"),
        *results_urlpatterns,
        *matrix_urlpatterns,
        *report_urlpatterns,
    ]
