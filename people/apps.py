from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users import apps as wagtail_users_apps


class PeopleConfig(AppConfig):
    """Users, profiles, organisations, countries and roles."""

    default = True
    name = "people"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from people import signals  # noqa: F401 - connects the receivers


class WagtailUsersConfig(wagtail_users_apps.WagtailUsersAppConfig):
    """Wagtail's user management, using the forms that carry the platform's profile fields."""

    default = False
    user_viewset = "people.viewsets.UserViewSet"
