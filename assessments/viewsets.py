"""The "Surveys" menu of the Wagtail admin: instruments (questionnaires, evaluations, tests) and needs-assessment rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton, ListingButton

from assessments import admin_views, anonymity
from assessments.models import Instrument, Round

# What may still change once an instrument has answers: its wording around the questions and whether it is open.
LOCKED_PANELS = ObjectList(
    [
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("title_az"),
                FieldPanel("title_ru"),
                FieldPanel("title_en"),
                FieldPanel("intro_az"),
                FieldPanel("intro_ru"),
                FieldPanel("intro_en"),
                FieldRowPanel([FieldPanel("in_az"), FieldPanel("in_ru"), FieldPanel("in_en")]),
                FieldPanel("is_default"),
            ],
            heading=_("This instrument has answers: its questions are fixed. Make a new version to change them."),
        )
    ]
).bind_to_model(Instrument)


class InstrumentIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Instrument]:
        return super().get_base_queryset().annotate(response_count=Coalesce(anonymity.counted_count(), 0))

    def get_list_more_buttons(self, instance: Instrument) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        if self.request.user.has_perm("assessments.view_response"):
            buttons.append(
                ListingButton(_("Results"), url=reverse("assessments_results", args=[instance.pk]), icon_name="table", priority=5)
            )
        return buttons


class InstrumentEditView(EditView):
    """An answered instrument is edited without its questions (they keep their answers); a button copies it as a new version."""

    def get_panel(self) -> Any:
        instrument = Instrument.objects.filter(pk=self.kwargs.get("pk")).first()
        if instrument is not None and instrument.has_responses():
            self.locked = True
            return LOCKED_PANELS
        self.locked = False
        return super().get_panel()

    def get_form_class(self) -> Any:
        # the viewset hands every edit view the full form; an answered instrument gets the form of its locked panels
        if getattr(self, "locked", False):
            return self.panel.get_form_class()
        return super().get_form_class()

    @cached_property
    def header_buttons(self) -> list[Any]:
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("assessments.add_instrument"):
            buttons.append(
                HeaderButton(
                    _("New version (copy)"), url=reverse("survey_instruments:new_version", args=[self.object.pk]), icon_name="copy"
                )
            )
        return buttons


class KeepAnsweredDeleteView(DeleteView):
    """Deleting what answers point to is refused with the reason (retire an instrument, close a round instead)."""

    refusal = _("It has answers, so it cannot be deleted; retire or close it instead.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = self.model.objects.filter(pk=kwargs.get("pk")).first()
        if target is not None and self.is_answered(target):
            messages.error(request, self.refusal)
            return redirect(self.edit_url_name, target.pk)
        return super().dispatch(request, *args, **kwargs)

    def is_answered(self, target: Any) -> bool:
        return target.responses.exists()


class InstrumentDeleteView(KeepAnsweredDeleteView):
    def is_answered(self, target: Any) -> bool:
        return target.responses.exists() or target.session_uses.exists() or target.rounds.exists()


class InstrumentViewSet(ModelViewSet):
    """Coordinators author instruments: sections, questions and options in three languages."""

    model = Instrument
    index_view_class = InstrumentIndexView
    edit_view_class = InstrumentEditView
    delete_view_class = InstrumentDeleteView
    icon = "form"
    menu_label = _("Instruments")
    list_display = ["__str__", "purpose", "status", Column("response_count", label=_("Responses"), accessor="response_count")]
    list_filter = ["purpose", "status", "is_anonymous"]
    search_fields = ["title_az", "title_ru", "title_en", "code"]
    ordering = ["purpose", "code", "-version"]
    list_per_page = 25
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False

    def get_urlpatterns(self) -> list[Any]:
        return [*super().get_urlpatterns(), path("new-version/<int:pk>/", admin_views.instrument_new_version, name="new_version")]


class RoundIndexView(IndexView):
    def get_list_more_buttons(self, instance: Round) -> list[Any]:
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ListingButton(
                _("Respondents and response rates"),
                url=reverse("assessments_round_respondents", args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            )
        )
        return buttons


class RoundViewSet(ModelViewSet):
    """Coordinators open needs-assessment rounds, add respondents and follow response rates."""

    model = Round
    index_view_class = RoundIndexView
    delete_view_class = KeepAnsweredDeleteView
    icon = "list-ul"
    menu_label = _("Needs-assessment rounds")
    list_display = ["__str__", "status", "deadline"]
    list_filter = ["status", "year"]
    ordering = ["-year", "-pk"]
    copy_view_enabled = False
    add_to_reference_index = False


class SurveysViewSetGroup(ModelViewSetGroup):
    """The "Surveys" menu of the admin."""

    menu_label = _("Surveys")
    menu_icon = "form"
    menu_order = 270

    def get_submenu_items(self) -> list[Any]:
        from wagtail.admin.menu import MenuItem

        class ReadersMenuItem(MenuItem):
            """Results and the priority matrix: for those who may read responses (coordinators, administrators)."""

            def is_shown(self, request: Any) -> bool:
                return request.user.has_perm("assessments.view_response")

        return [
            *super().get_submenu_items(),
            ReadersMenuItem(_("Results"), reverse("assessments_results_index"), icon_name="table", order=300),
            ReadersMenuItem(_("Priority matrix"), reverse("matrix_heatmap"), icon_name="table", order=310),
        ]

    items = (
        InstrumentViewSet("survey_instruments", url_prefix="surveys/instruments"),
        RoundViewSet("survey_rounds", url_prefix="surveys/rounds"),
    )
