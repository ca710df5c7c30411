from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    """The roster of migration experts and their matching to sessions."""

    name = "experts"
    verbose_name = _("Experts")
