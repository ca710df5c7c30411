from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """Users, profiles, organisations, countries and roles."""

    name = "people"
    verbose_name = _("People and organisations")
