"""Forms of the curriculum app: the catalogue's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from curriculum.models import ModuleFormat, ThematicChapter, ThematicPart
from people.models import Language, ParticipantLevel, StakeholderCategory


class CatalogueFilterForm(forms.Form):
    """The catalogue's query string: every value is checked, an unknown one is an error, not a crash."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    chapter = forms.ModelChoiceField(
        label=_("Thematic chapter"),
        queryset=ThematicChapter.objects.all(),
        to_field_name="number",
        required=False,
        empty_label=_("All chapters"),
    )
    part = forms.ModelChoiceField(
        label=_("Part"), queryset=ThematicPart.objects.all(), to_field_name="number", required=False, empty_label=_("Both parts")
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"),
        queryset=StakeholderCategory.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All audiences"),
    )
    level = forms.ModelChoiceField(
        label=_("Level"), queryset=ParticipantLevel.objects.all(), to_field_name="code", required=False, empty_label=_("All levels")
    )
    format = forms.ChoiceField(label=_("Format"), choices=[("", _("All formats")), *ModuleFormat.choices], required=False)
    language = forms.ModelChoiceField(
        label=_("Language of delivery"),
        queryset=Language.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All languages"),
    )

    error_messages = {"invalid_choice": _("This filter value is not known; choose one from the list.")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chapter", "part", "audience", "level", "language"):
            self.fields[name].error_messages["invalid_choice"] = self.error_messages["invalid_choice"]
        self.fields["format"].error_messages["invalid_choice"] = self.error_messages["invalid_choice"]
        self.fields["q"].error_messages["max_length"] = _("Search for at most %(limit_value)d characters.")
