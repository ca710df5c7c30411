from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The site's home page, shared templates tags, health check and demo data."""

    name = "home"
    verbose_name = _("Home")
