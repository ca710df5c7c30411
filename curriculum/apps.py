from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurriculumConfig(AppConfig):
    """Thematic chapters, curriculum pages, sessions and certificates."""

    name = "curriculum"
    verbose_name = _("Curriculum")

    def ready(self) -> None:
        from curriculum import signals

        signals.connect()
