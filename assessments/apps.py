from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Surveys, evaluations, knowledge tests and the priority matrix."""

    name = "assessments"
    verbose_name = _("Assessments")
