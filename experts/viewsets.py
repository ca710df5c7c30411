"""The "Roster" menu of the Wagtail admin: the expert listing, profiles, and status decisions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton, ListingButton

from experts import admin_views, selectors
from experts.filters import ExpertFilterSet
from experts.models import ChapterDepth, ExpertProfile
from people.viewsets import ListAndInspectOnlyMixin


class ExpertIndexView(IndexView):
    """The roster listing, with a "Change status" button on each row for those who may decide."""

    @cached_property
    def header_buttons(self) -> list[Any]:
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("experts.change_expertprofile"):
            buttons += [
                HeaderButton(_("Match experts to a module"), url=reverse("expert_roster:match"), icon_name="search"),
                HeaderButton(_("Import"), url=reverse("expert_roster:import"), icon_name="upload"),
            ]
        export_query = self.request.GET.urlencode()
        buttons.append(HeaderButton(_("Export"), url=f"{reverse('expert_roster:export')}?{export_query}", icon_name="download"))
        return buttons

    def get_base_queryset(self) -> QuerySet[ExpertProfile]:
        return selectors.roster_listing()

    def search_queryset(self, queryset: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
        # word by word over names, e-mail, organisation and bio, with or without diacritics
        if not self.is_searching:
            return queryset
        return selectors.roster_text_search(queryset, self.search_query)

    def get_list_more_buttons(self, instance: ExpertProfile) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("experts.change_expertprofile"):
            buttons.append(
                ListingButton(_("Change status"), url=reverse("expert_roster:status", args=[instance.pk]), icon_name="edit", priority=5)
            )
        return buttons


def _chapter_numbers(expert: ExpertProfile) -> str:
    """Chapter numbers, lead chapters starred, from the prefetched links."""
    return ", ".join(f"{link.chapter.number}{'*' if link.depth == ChapterDepth.LEAD else ''}" for link in expert.chapter_links.all())


def _language_levels(expert: ExpertProfile) -> str:
    """Language codes with levels, from the prefetched links."""
    return ", ".join(f"{link.language.code} ({link.get_level_display()})" for link in expert.language_links.all())


class ExpertInspectView(InspectView):
    """An expert's profile as a coordinator vets it: chapters, languages, countries, windows and a CV link."""

    def get_chapter_links_display_value(self) -> str:
        return "; ".join(str(link) for link in self.object.chapter_links.select_related("chapter")) or "—"

    def get_language_links_display_value(self) -> str:
        return "; ".join(str(link) for link in self.object.language_links.select_related("language")) or "—"

    def get_field_countries_display_value(self) -> str:
        return ", ".join(str(country) for country in self.object.field_countries.all()) or "—"

    def get_availability_display_value(self) -> str:
        windows = self.object.availability.all()
        return "; ".join(f"{date_format(w.start)} – {date_format(w.end)}" for w in windows) or "—"

    def get_cv_display_value(self) -> str:
        if not self.object.cv:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("expert_roster:cv", args=[self.object.pk]), _("Download the CV"))

    def get_applied_at_display_value(self) -> str:
        return date_format(localtime(self.object.applied_at), "DATETIME_FORMAT")

    def get_consent_given_at_display_value(self) -> str:
        value = self.object.consent_given_at
        return date_format(localtime(value), "DATETIME_FORMAT") if value else "—"

    def get_field_display_value(self, field_name: str, field: Any) -> Any:
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value


class ExpertViewSet(ListAndInspectOnlyMixin, ModelViewSet):
    """Coordinators list and inspect experts, and vet, pause or withdraw them with a reason."""

    model = ExpertProfile
    index_view_class = ExpertIndexView
    inspect_view_class = ExpertInspectView
    icon = "user"
    menu_label = _("Experts")
    list_display = [
        "user",
        "country_of_residence",
        Column("chapters", label=_("Chapters"), accessor=_chapter_numbers),
        Column("languages", label=_("Languages"), accessor=_language_levels),
        "status",
        "applied_at",
    ]
    filterset_class = ExpertFilterSet
    search_fields = ["search_text"]
    list_per_page = 25
    ordering = ["-applied_at"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "user",
        "status",
        "country_of_residence",
        "nationality",
        "organisation_name",
        "organisation_type",
        "migrant_or_diaspora_background",
        "tot_experience",
        "short_bio",
        "chapter_links",
        "language_links",
        "field_countries",
        "availability",
        "cv",
        "consent_to_be_listed",
        "consent_given_at",
        "public_bio",
        "public_chapters",
        "public_languages",
        "public_country",
        "applied_at",
    ]
    copy_view_enabled = False
    add_to_reference_index = False

    def get_urlpatterns(self) -> list[Any]:
        # profiles are written by the application form and the import, and changed through status decisions
        return [
            *super().get_urlpatterns(),
            path("status/<int:pk>/", admin_views.expert_status, name="status"),
            path("cv/<int:pk>/", admin_views.expert_cv, name="cv"),
            path("match/", admin_views.expert_match, name="match"),
            path("invite/", admin_views.expert_invite, name="invite"),
            path("import/", admin_views.roster_import, name="import"),
            path("export/", admin_views.roster_export, name="export"),
        ]


class RosterViewSetGroup(ModelViewSetGroup):
    """The "Roster" menu of the admin."""

    menu_label = _("Roster")
    menu_icon = "user"
    menu_order = 260
    items = (ExpertViewSet("expert_roster", url_prefix="roster"),)
