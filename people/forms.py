"""Forms of the people app: the profile part of trainee sign-up, and the admin's user forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from people import services
from people.models import Country, Organisation, ParticipantLevel, StakeholderCategory, User


class ProfileSignupForm(forms.Form):
    """Profile fields asked at sign-up; allauth adds e-mail and password."""

    first_name = forms.CharField(label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=User.Gender.choices,
        initial=User.Gender.UNDISCLOSED,
        help_text=_("Used only for statistics disaggregated by sex."),
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.all(), empty_label=_("Choose a country"))
    organisation_name = forms.CharField(
        label=_("Organisation"), max_length=255, required=False, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    organisation_category = forms.ModelChoiceField(
        label=_("Type of organisation"),
        queryset=StakeholderCategory.objects.all(),
        required=False,
        empty_label=_("Choose a type"),
    )
    position_level = forms.ModelChoiceField(
        label=_("Position level"),
        queryset=ParticipantLevel.objects.filter(axis=ParticipantLevel.Axis.SENIORITY),
        required=False,
        empty_label=_("Choose a level"),
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=User.Language.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = (get_language() or "az")[:2]
        if language in User.Language.values:
            self.fields["preferred_language"].initial = language

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("organisation_name") and not cleaned.get("organisation_category"):
            self.add_error("organisation_category", _("Say what type of organisation this is."))
        return cleaned

    @transaction.atomic
    def signup(self, request: HttpRequest, user: User) -> None:
        """Store the profile on the new user and make them a trainee."""
        data = self.cleaned_data
        user.first_name = data["first_name"]
        user.last_name = data["last_name"]
        user.gender = data["gender"]
        user.country = data["country"]
        user.position_level = data.get("position_level")
        user.preferred_language = data["preferred_language"]
        if data.get("organisation_name"):
            user.organisation, _ = Organisation.objects.get_or_create(
                name=data["organisation_name"].strip(),
                country=data["country"],
                defaults={"category": data["organisation_category"]},
            )
        user.save()
        services.user_add_role(user=user, role_code="trainee")


# The profile fields an administrator sees and edits on Wagtail's user create and edit pages.
ADMIN_PROFILE_FIELDS = ("gender", "country", "organisation", "position_level", "preferred_language")


class AdminUserCreationForm(UserCreationForm):
    """Wagtail's "add user" form with the platform's profile fields."""

    class Meta(UserCreationForm.Meta):
        fields = set(UserCreationForm.Meta.fields) | set(ADMIN_PROFILE_FIELDS)


class AdminUserEditForm(UserEditForm):
    """Wagtail's "edit user" form with the platform's profile fields."""

    class Meta(UserEditForm.Meta):
        fields = set(UserEditForm.Meta.fields) | set(ADMIN_PROFILE_FIELDS)
