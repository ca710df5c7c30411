"""Wagtail admin: coordinator reports and keeping authoring permissions in step with the page tree."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from curriculum import admin_views, selectors, services
from curriculum.models import CurriculumIndexPage, CurriculumPartPage


class CoordinatorMenuItem(MenuItem):
    """A menu entry only coordinators and administrators see."""

    def is_shown(self, request: HttpRequest) -> bool:
        return bool(selectors.user_role_codes(request.user) & admin_views.REPORT_ROLES)


@hooks.register("register_admin_urls")
def register_curriculum_report_urls() -> list:
    return [
        path("reports/curriculum-coverage/", admin_views.coverage_report, name="curriculum_coverage_report"),
        path("reports/curriculum-translations/", admin_views.translation_status_report, name="curriculum_translation_report"),
    ]


@hooks.register("register_reports_menu_item")
def register_coverage_menu_item() -> MenuItem:
    return CoordinatorMenuItem(
        _("Curriculum coverage"), reverse("curriculum_coverage_report"), name="curriculum-coverage", icon_name="list-ul", order=100
    )


@hooks.register("register_reports_menu_item")
def register_translation_menu_item() -> MenuItem:
    return CoordinatorMenuItem(
        _("Module translations"), reverse("curriculum_translation_report"), name="curriculum-translations", icon_name="globe", order=110
    )


@hooks.register("after_create_page")
def sync_authoring_after_structure_change(request: HttpRequest, page: Page) -> None:
    """A new catalogue or part page (in any language) gets its authoring permissions and workflow."""
    if isinstance(page.specific, CurriculumIndexPage | CurriculumPartPage):
        services.authoring_permissions_sync()


@hooks.register("register_admin_viewset")
def register_session_viewset() -> object:
    """Put the "Sessions" menu (training sessions and their applications) in the admin."""
    from curriculum.viewsets import training_session_viewset

    return training_session_viewset
