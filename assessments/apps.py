from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Surveys, evaluations, knowledge tests and the priority matrix."""

    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # The sessions' completion rule asks the knowledge tests whether a participant passed the post-test.
        from assessments.services import post_test_passes
        from curriculum.completion import register_post_test_check

        register_post_test_check(post_test_passes)
