"""Forms of the coordinators' survey pages: respondents of a round, a session's surveys."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Instrument, Round
from people.models import Country, StakeholderCategory

MAX_PASTED_LINES = 500


class RespondentForm(forms.Form):
    """One organisation asked to answer one of the round's questionnaires."""

    instrument = forms.ModelChoiceField(queryset=Instrument.objects.none(), label=gettext_lazy("Questionnaire"))
    organisation_name = forms.CharField(label=gettext_lazy("Organisation"), max_length=255)
    contact_name = forms.CharField(label=gettext_lazy("Contact person"), max_length=200, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    country = forms.ModelChoiceField(queryset=Country.objects.none(), label=gettext_lazy("Country"))
    category = forms.ModelChoiceField(queryset=StakeholderCategory.objects.all(), label=gettext_lazy("Stakeholder category"))
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=gettext_lazy("Language of the e-mail and the questionnaire"))

    def __init__(self, *args: object, survey_round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["instrument"].queryset = survey_round.instruments.all()
        self.fields["country"].queryset = survey_round.countries.all()


@dataclass
class PastedRespondent:
    line: int
    instrument: Instrument
    organisation_name: str
    email: str
    country: Country
    category: StakeholderCategory
    language: str


class PastedRespondentsForm(forms.Form):
    """Many respondents at once: one per line, `organisation; e-mail; country code; category code; language; questionnaire code`."""

    lines = forms.CharField(
        label=gettext_lazy("Respondents, one per line"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Organisation; e-mail; country code (AZ, GE…); category (government, cso, media…); language (az, ru, en); "
            "questionnaire code. Nothing is added unless every line is right."
        ),
        max_length=100_000,
    )

    def __init__(self, *args: object, survey_round: Round, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.survey_round = survey_round

    def clean_lines(self) -> list[PastedRespondent]:
        text = self.cleaned_data["lines"]
        instruments = {instrument.code: instrument for instrument in self.survey_round.instruments.all()}
        countries = {country.iso_code: country for country in self.survey_round.countries.all()}
        categories = {category.code: category for category in StakeholderCategory.objects.all()}
        rows: list[PastedRespondent] = []
        errors: list[str] = []
        lines = text.splitlines()
        if len([line for line in lines if line.strip()]) > MAX_PASTED_LINES:
            raise ValidationError(_("Paste at most %(limit)d lines at a time.") % {"limit": MAX_PASTED_LINES})
        for number, values in enumerate(csv.reader(io.StringIO(text), delimiter=";"), start=1):
            values = [value.strip() for value in values]
            if not any(values):
                continue
            if len(values) != 6:
                errors.append(_("Line %(line)d: give six values separated by “;”.") % {"line": number})
                continue
            organisation, email, country, category, language, code = values
            problems = []
            if not organisation:
                problems.append(_("the organisation is missing"))
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("“%(value)s” is not an e-mail address") % {"value": email})
            if country.upper() not in countries:
                problems.append(_("“%(value)s” is not a country of the round") % {"value": country})
            if category.lower() not in categories:
                problems.append(_("“%(value)s” is not a stakeholder category") % {"value": category})
            if language.lower() not in dict(settings.LANGUAGES):
                problems.append(_("“%(value)s” is not az, ru or en") % {"value": language})
            if code not in instruments:
                problems.append(_("“%(value)s” is not a questionnaire of the round") % {"value": code})
            if problems:
                errors.append(_("Line %(line)d: %(problems)s.") % {"line": number, "problems": "; ".join(problems)})
                continue
            rows.append(
                PastedRespondent(
                    number,
                    instruments[code],
                    organisation,
                    email.lower(),
                    countries[country.upper()],
                    categories[category.lower()],
                    language.lower(),
                )
            )
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("No respondent in the text."))
        return rows
