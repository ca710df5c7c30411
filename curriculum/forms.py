"""Forms of the curriculum app: the catalogue's filters, sessions in the admin, applications and decisions."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Locale

from curriculum.models import ModuleFormat, ModulePage, SessionApplication, SessionStatus, ThematicChapter, ThematicPart, TrainingSession
from people.models import Language, ParticipantLevel, StakeholderCategory, User


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


class TrainingSessionForm(WagtailAdminModelForm):
    """The admin's session form: modules by code, trainers from the trainer role and the vetted experts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from people.roles import TRAINER

        # The chooser offers a module in any language; the session keeps the original (`clean_module`).
        self.fields["module"].queryset = ModulePage.objects.order_by("code", "title")
        self.fields["trainers"].queryset = (
            User.objects.filter(Q(groups__name=TRAINER.group_name) | Q(expert_profile__status="vetted"), is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        surveys = self.formsets.get("surveys") if hasattr(self, "formsets") else None
        if surveys is None or not valid:
            return valid
        seen: set[str] = set()
        for form in surveys.forms:
            instrument = (form.cleaned_data or {}).get("instrument")
            if instrument is None or form.cleaned_data.get("DELETE"):
                continue
            if instrument.purpose in seen:
                form.add_error("instrument", _("The session already has an instrument of this purpose."))
                valid = False
            seen.add(instrument.purpose)
        return valid

    def clean_module(self) -> ModulePage:
        """The module in the site's default language, whichever translation was chosen."""
        module = self.cleaned_data["module"]
        default = Locale.get_default()
        if module.locale_id == default.pk:
            return module
        original = module.get_translation_or_none(default)
        if original is None:
            raise forms.ValidationError(_("This module has no page in the site's default language yet: choose a module that has one."))
        return original.specific

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else None
        if status == SessionStatus.CANCELLED and was != SessionStatus.CANCELLED:
            raise forms.ValidationError(_("Cancel a session from its applications page, which tells every applicant by e-mail."))
        return status


class ApplicationForm(forms.Form):
    """A trainee's application: motivation and the confirmation of organisation and position."""

    motivation = forms.CharField(
        label=_("Why do you want to take part?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you expect to learn and how you will use it in your work; at most 2,000 characters."),
        error_messages={"required": _("Tell us why you want to take part.")},
    )
    organisation_confirmed = forms.BooleanField(
        label=_("The organisation in my profile is the one I work for"),
        error_messages={"required": _("Confirm your organisation, or correct it in your profile first.")},
    )
    position_confirmed = forms.BooleanField(
        label=_("The position level in my profile is mine"),
        error_messages={"required": _("Confirm your position, or correct it in your profile first.")},
    )


class DecisionForm(forms.Form):
    """A coordinator's decision on the ticked applications of a session."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approved", _("Approve")), ("waitlisted", _("Put on the waitlist")), ("rejected", _("Do not select"))],
    )
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=SessionApplication.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one application.")},
    )

    def __init__(self, *args: Any, session: TrainingSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = session.applications.all()


class EnrolmentUploadForm(forms.Form):
    """A participants' spreadsheet to check (dry run) before anyone is enrolled."""

    file = forms.FileField(
        label=_("Participants' spreadsheet"),
        help_text=_("XLSX or CSV, at most 5 MB, one participant per row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class AttendanceCorrectionForm(forms.Form):
    """A correction of a completed session's attendance: whose mark, which day, the new mark and why."""

    participant = forms.TypedChoiceField(
        label=_("Participant"),
        coerce=int,
        error_messages={
            "required": _("Choose the participant."),
            "invalid_choice": _("This person is not a participant of the session."),
        },
    )
    day = forms.TypedChoiceField(
        label=_("Day"),
        coerce=datetime.date.fromisoformat,
        error_messages={"required": _("Choose the day."), "invalid_choice": _("This day is not one of the session's days.")},
    )
    present = forms.TypedChoiceField(
        label=_("Correct mark"),
        choices=[("present", _("Present")), ("absent", _("Absent"))],
        coerce=lambda value: value == "present",
        error_messages={"required": _("Choose present or absent."), "invalid_choice": _("Choose present or absent.")},
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Give the reason for the correction."),
            "max_length": _("The reason can be at most 500 characters long."),
        },
    )

    def __init__(self, *args: Any, session: TrainingSession, participants: list[SessionApplication], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [  # type: ignore[attr-defined]
            (application.pk, application.trainee.get_full_name() or application.trainee.email) for application in participants
        ]
        self.fields["day"].choices = [(day.isoformat(), date_format(day)) for day in session.days()]  # type: ignore[attr-defined]
