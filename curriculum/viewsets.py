"""The "Sessions" menu of the Wagtail admin: coordinators plan sessions and decide on applications."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton

from curriculum import session_admin_views
from curriculum.forms import TrainingSessionForm
from curriculum.models import ApplicationStatus, SessionStatus, TrainingSession


class SessionFilterSet(WagtailFilterSet):
    """Filters of the session listing."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=SessionStatus.choices)

    class Meta:
        model = TrainingSession
        fields = ["status", "language"]


class SessionIndexView(IndexView):
    """Sessions with their seats taken, and an "Applications" button on each row."""

    def get_base_queryset(self) -> QuerySet[TrainingSession]:
        return TrainingSession.objects.select_related("module", "language", "venue_country").annotate(
            approved=Count("applications", filter=Q(applications__status=ApplicationStatus.APPROVED)),
            waiting=Count("applications", filter=Q(applications__status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED])),
        )

    def get_list_more_buttons(self, instance: TrainingSession) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        buttons.append(ListingButton(_("Applications"), url=reverse("sessions:applications", args=[instance.pk]), icon_name="group"))
        return buttons

    @cached_property
    def columns(self) -> list[Any]:
        return [
            *super().columns,
            Column("seats", label=_("Confirmed / seats"), accessor=lambda s: f"{s.approved} / {s.capacity}"),
            Column("waiting", label=_("Waiting"), accessor="waiting"),
        ]


class TrainingSessionViewSet(ModelViewSet):
    """Coordinators create sessions of modules, with dates, place, seats, quotas and trainers."""

    model = TrainingSession
    icon = "date"
    menu_label = _("Sessions")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = SessionIndexView
    list_display = ["__str__", "venue_city", "status"]
    filterset_class = SessionFilterSet
    ordering = ["-start_date"]
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("module"),
            FieldPanel("language"),
            FieldPanel("status"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date"), FieldPanel("application_deadline")], heading=_("Dates")),
            FieldPanel("daily_schedule"),
            MultiFieldPanel([FieldPanel("venue_city"), FieldPanel("venue_country"), FieldPanel("online_url")], heading=_("Place")),
            MultiFieldPanel([FieldPanel("capacity"), FieldPanel("women_target_percent")], heading=_("Seats")),
            InlinePanel("quotas", heading=_("Quotas"), label=_("Quota")),
            InlinePanel(
                "surveys",
                heading=_("Evaluation, knowledge tests and follow-up"),
                label=_("Survey"),
                help_text=_("Without an evaluation or follow-up of its own, a session uses the default ones."),
            ),
            FieldPanel("trainers", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=TrainingSessionForm,
    )

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/applications/", session_admin_views.session_applications, name="applications"),
            path("<int:pk>/enrol/", session_admin_views.session_enrol, name="enrol"),
        ]


training_session_viewset = TrainingSessionViewSet("sessions", url_prefix="sessions")
