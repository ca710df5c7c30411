"""Filters of the roster, shared by the admin listing and the export."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from curriculum.models import ThematicChapter
from experts import selectors
from experts.models import ExpertProfile, ExpertStatus, LanguageLevel
from people.models import Country, Language, User


def _keep(queryset: QuerySet[ExpertProfile], name: str, value: object) -> QuerySet[ExpertProfile]:
    """A filter whose value another filter reads (minimum level, availability dates): applied in `filter_queryset`."""
    return queryset


class ExpertFilterSet(WagtailFilterSet):
    """Filters of the roster: status, chapter, language with a minimum level, field experience, gender, availability."""

    status = django_filters.ChoiceFilter(label=_("Status"), choices=ExpertStatus.choices)
    chapter = django_filters.ModelChoiceFilter(
        label=_("Thematic chapter"), queryset=ThematicChapter.objects.all(), field_name="chapter_links__chapter", distinct=True
    )
    language = django_filters.ModelChoiceFilter(label=_("Working language"), queryset=Language.objects.all(), method=_keep)
    min_level = django_filters.ChoiceFilter(label=_("At least at level"), choices=LanguageLevel.choices, method=_keep)
    field_country = django_filters.ModelChoiceFilter(
        label=_("Field experience in"), queryset=Country.objects.all(), field_name="field_countries", distinct=True
    )
    country_of_residence = django_filters.ModelChoiceFilter(label=_("Country of residence"), queryset=Country.objects.all())
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=User.Gender.choices, field_name="user__gender")
    available_from = django_filters.DateFilter(label=_("Available from"), method=_keep, widget=forms.DateInput(attrs={"type": "date"}))
    available_until = django_filters.DateFilter(label=_("Available until"), method=_keep, widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = ExpertProfile
        fields = ["status", "chapter", "language", "min_level", "field_country", "country_of_residence", "gender"]

    def filter_queryset(self, queryset: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if data.get("language"):
            queryset = selectors.with_language(queryset, data["language"], data.get("min_level") or "")
        return selectors.available_between(queryset, data.get("available_from"), data.get("available_until"))
