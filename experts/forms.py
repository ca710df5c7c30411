"""Forms of the expert roster: the public application and the coordinators' status decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Locale

from curriculum.models import ModulePage, SessionStatus, ThematicChapter, TrainingSession
from experts.matching import MatchRequest, candidates, request_for_module, request_for_session
from experts.models import BIO_MAX_LENGTH, CV_EXTENSIONS, ChapterDepth, ExpertProfile, ExpertStatus, LanguageLevel
from experts.services import PublicConsent
from experts.validators import validate_cv_file
from people.models import Country, Language, StakeholderCategory, User

BACKGROUND_CHOICES = [("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No"))]


class ExpertOwnFieldsForm(forms.Form):
    """The fields an expert fills in on applying and keeps current later: bio, availability and the public parts."""

    short_bio = forms.CharField(
        label=_("Short bio"),
        max_length=BIO_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text, at most 1,500 characters."),
    )
    available_from = forms.DateField(label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    available_until = forms.DateField(label=_("Available until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    public_bio = forms.BooleanField(label=_("My bio"), required=False)
    public_chapters = forms.BooleanField(label=_("My thematic chapters"), required=False)
    public_languages = forms.BooleanField(label=_("My working languages"), required=False)
    public_country = forms.BooleanField(label=_("My country of residence"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if bool(start) != bool(end):
            self.add_error("available_until", _("Give both dates of your availability, or neither."))
        elif start and end and end < start:
            self.add_error("available_until", _("The end of your availability cannot be before its start."))
        return data


class ExpertApplicationForm(ExpertOwnFieldsForm):
    """The public application: personal data, a depth per chapter, a level per language, CV and consent."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", "—"), *User.Gender.choices],
        help_text=_("Used only for statistics disaggregated by sex."),
        error_messages={"required": _("Choose an answer; “Prefer not to say” is one.")},
    )
    country_of_residence = forms.ModelChoiceField(
        label=_("Country of residence"),
        queryset=Country.objects.all(),
        required=False,
        empty_label=_("Another country"),
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=100)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=255, required=False)
    organisation_type = forms.ModelChoiceField(
        label=_("Type of organisation"), queryset=StakeholderCategory.objects.all(), required=False, empty_label="—"
    )
    field_countries = forms.ModelMultipleChoiceField(
        label=_("Countries of field experience"), queryset=Country.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    migrant_or_diaspora_background = forms.ChoiceField(
        label=_("Do you have a migrant or diaspora background?"),
        choices=BACKGROUND_CHOICES,
        required=False,
        help_text=_("Optional; it helps the centre build diverse trainer teams."),
    )
    tot_experience = forms.BooleanField(label=_("I have training-of-trainers experience"), required=False)
    cv = forms.FileField(
        label=_("CV"),
        validators=[FileExtensionValidator(CV_EXTENSIONS, message=_("Upload the CV as a PDF or DOCX file.")), validate_cv_file],
        help_text=_("PDF or DOCX, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    consent_to_be_listed = forms.BooleanField(
        label=_("I agree that the centre keeps my data in its expert roster and shows it to its coordinators."),
        error_messages={"required": _("The roster needs your consent to keep your data.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chapter_list = list(ThematicChapter.objects.select_related("part"))
        self.language_list = list(Language.objects.all())
        for chapter in self.chapter_list:
            self.fields[f"chapter_{chapter.number}"] = forms.ChoiceField(
                label=str(chapter),
                choices=[("", "—"), *[(c.value, c.label) for c in (ChapterDepth.PRACTITIONER, ChapterDepth.LEAD)]],
                required=False,
            )
        for language in self.language_list:
            self.fields[f"language_{language.code}"] = forms.ChoiceField(
                label=language.name, choices=[("", "—"), *LanguageLevel.choices], required=False
            )

    @property
    def chapter_fields(self) -> list[forms.BoundField]:
        """The depth selects, one per chapter, for the template's table."""
        return [self[f"chapter_{chapter.number}"] for chapter in self.chapter_list]

    @property
    def language_fields(self) -> list[forms.BoundField]:
        """The level selects, one per language, for the template's table."""
        return [self[f"language_{language.code}"] for language in self.language_list]

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        """The checkboxes saying which parts of the profile may be public."""
        return [self[name] for name in ("public_bio", "public_chapters", "public_languages", "public_country")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["chapters"] = {c: data[f"chapter_{c.number}"] for c in self.chapter_list if data.get(f"chapter_{c.number}")}
        data["languages"] = {lang: data[f"language_{lang.code}"] for lang in self.language_list if data.get(f"language_{lang.code}")}
        if not data["chapters"]:
            self.add_error(None, _("Choose a depth for at least one thematic chapter."))
        if not data["languages"]:
            self.add_error(None, _("Choose a level for at least one working language."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data as keyword arguments of `experts.services.expert_apply`."""
        data = self.cleaned_data
        background = {"yes": True, "no": False}.get(data.get("migrant_or_diaspora_background") or "")
        start, end = data.get("available_from"), data.get("available_until")
        return {
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "gender": data["gender"],
            "nationality": data["nationality"],
            "country_of_residence": data.get("country_of_residence"),
            "organisation_name": data.get("organisation_name", ""),
            "organisation_type": data.get("organisation_type"),
            "field_countries": list(data.get("field_countries") or []),
            "migrant_or_diaspora_background": background,
            "tot_experience": data.get("tot_experience", False),
            "short_bio": data.get("short_bio", ""),
            "cv": data["cv"],
            "availability": [(start, end)] if start and end else [],
            "consent_to_be_listed": data["consent_to_be_listed"],
            "chapters": data["chapters"],
            "languages": data["languages"],
            "public": PublicConsent(
                bio=data.get("public_bio", False),
                chapters=data.get("public_chapters", False),
                languages=data.get("public_languages", False),
                country=data.get("public_country", False),
            ),
        }


class ExpertStatusForm(forms.Form):
    """A coordinator's decision: the new status and the reason the expert will read."""

    status = forms.ChoiceField(label=_("New status"), choices=ExpertStatus.choices)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Sent to the expert in the e-mail that tells them the decision."),
        error_messages={"required": _("Give a reason for this decision.")},
    )


class ModuleChoiceField(forms.ModelChoiceField):
    """A module shown by code and title."""

    def label_from_instance(self, obj: ModulePage) -> str:
        return f"{obj.code} — {obj.title}" if obj.code else obj.title


class MatchForm(forms.Form):
    """What a coordinator ranks experts for: a module, and what is known of its delivery."""

    session = forms.ModelChoiceField(
        label=_("Session"),
        queryset=TrainingSession.objects.none(),
        required=False,
        empty_label=_("No session: the module in general"),
        help_text=_("For a session, its module, language, dates, applicants and trainers are used; the fields below are ignored."),
        error_messages={"invalid_choice": _("Choose a session from the list.")},
    )
    module = ModuleChoiceField(
        label=_("Module"),
        queryset=ModulePage.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a module from the list.")},
    )
    language = forms.ModelChoiceField(
        label=_("Language of delivery"), queryset=Language.objects.all(), required=False, empty_label=_("Any language")
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Participants' countries"), queryset=Country.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label=pgettext_lazy("period", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("period", "Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    participant_organisations = forms.CharField(
        label=_("Participants' organisations"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; experts from the same organisations are marked as a conflict of interest."),
    )

    def __init__(self, *args: Any, locale: Locale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = ModulePage.objects.filter(locale=locale).order_by("code", "title")
        self.fields["session"].queryset = TrainingSession.objects.filter(
            status__in=[SessionStatus.DRAFT, SessionStatus.OPEN, SessionStatus.CLOSED], end_date__gte=timezone.localdate()
        ).select_related("module", "language")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("session"):
            data["module"] = data["session"].module
        elif not data.get("module") and "module" not in self.errors:
            self.add_error("module", _("Choose a module, or a session."))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return data

    def match_request(self) -> MatchRequest:
        """The ranking request these criteria describe."""
        data = self.cleaned_data
        if data.get("session"):
            return request_for_session(data["session"])
        organisations = [line.strip() for line in (data.get("participant_organisations") or "").splitlines() if line.strip()]
        return request_for_module(
            data["module"],
            language=data.get("language"),
            countries=list(data.get("countries") or []),
            start=data.get("start"),
            end=data.get("end"),
            participant_organisations=organisations,
        )


class InviteForm(forms.Form):
    """The experts a coordinator invites from a ranking, and the message they will read."""

    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"),
        queryset=ExpertProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one expert to invite.")},
    )
    message = forms.CharField(
        label=_("Message to the experts"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to the invitation e-mail."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = candidates()


class InvitationAnswerForm(forms.Form):
    """The invited expert's answer."""

    answer = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class RosterImportForm(forms.Form):
    """A roster spreadsheet to check (dry run) before anything is written."""

    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("XLSX or CSV, at most 5 MB, in the layout of the roster export."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ProfileEditForm(ExpertOwnFieldsForm):
    """What an expert keeps current themselves: bio, availability and what the public profile shows."""
