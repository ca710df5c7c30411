"""The "Roster" menu of the Wagtail admin: the expert listing, profiles, and status decisions."""

from __future__ import annotations

from typing import Any

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton

from curriculum.models import ThematicChapter
from experts import admin_views, selectors
from experts.models import ExpertProfile, ExpertStatus
from people.models import Country


class ExpertFilterSet(WagtailFilterSet):
    """Filters of the roster listing: status, country of residence, thematic chapter."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ExpertStatus.choices)
    country_of_residence = django_filters.ModelChoiceFilter(label=_("Country of residence"), queryset=Country.objects.all())
    chapter = django_filters.ModelChoiceFilter(
        label=_("Thematic chapter"), queryset=ThematicChapter.objects.all(), field_name="chapter_links__chapter", distinct=True
    )

    class Meta:
        model = ExpertProfile
        fields = ["status", "country_of_residence", "chapter"]


class ExpertIndexView(IndexView):
    """The roster listing, with a "Change status" button on each row for those who may decide."""

    def get_list_more_buttons(self, instance: ExpertProfile) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("experts.change_expertprofile"):
            buttons.append(
                ListingButton(_("Change status"), url=reverse("expert_roster:status", args=[instance.pk]), icon_name="edit", priority=5)
            )
        return buttons


class ExpertViewSet(ModelViewSet):
    """Coordinators list and inspect experts, and vet, pause or withdraw them with a reason."""

    model = ExpertProfile
    index_view_class = ExpertIndexView
    icon = "user"
    menu_label = _("Experts")
    list_display = ["user", "country_of_residence", "organisation_name", "status", "applied_at"]
    filterset_class = ExpertFilterSet
    search_fields = ["user__first_name", "user__last_name", "user__email", "organisation_name"]
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

    def get_queryset(self, request: Any) -> Any:
        return selectors.roster()

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # Profiles are written by the application form and changed through status decisions only.
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(f"inspect/<{self.pk_path_converter}:pk>/", self.inspect_view, name="inspect"),
            path("status/<int:pk>/", admin_views.expert_status, name="status"),
        ]


class RosterViewSetGroup(ModelViewSetGroup):
    """The "Roster" menu of the admin."""

    menu_label = _("Roster")
    menu_icon = "user"
    menu_order = 260
    items = (ExpertViewSet("expert_roster", url_prefix="roster"),)
