"""Factories for the expert roster."""

from __future__ import annotations

import datetime

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from curriculum.models import ThematicChapter
from experts.models import AvailabilityWindow, ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus
from people.models import Country, Language
from tests.factories.people import UserFactory


def pdf_upload(name: str = "cv.pdf", size: int = 0) -> SimpleUploadedFile:
    """A small file that looks like a PDF (or a larger one, padded to `size` bytes)."""
    content = b"%PDF-1.4 curriculum vitae"
    return SimpleUploadedFile(name, content.ljust(size, b" "), content_type="application/pdf")


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    """A vetted, listed expert who covers chapter 1 as lead and works in Russian; pass fields to vary."""

    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role="expert")
    country_of_residence = factory.LazyFunction(lambda: Country.objects.get(iso_code="GE"))
    nationality = "Georgian"
    organisation_name = "Fictional Institute"
    short_bio = "A fictional expert who writes about labour migration."
    cv = factory.django.FileField(filename="cv.pdf", data=b"%PDF-1.4 curriculum vitae")
    status = ExpertStatus.VETTED
    consent_to_be_listed = True
    consent_given_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def chapter_numbers(self, create: bool, extracted: list[int] | dict[int, str] | None, **kwargs: object) -> None:
        """Chapter numbers (lead expert in each), or a dict of number to depth."""
        if create:
            depths = extracted if isinstance(extracted, dict) else dict.fromkeys(extracted if extracted is not None else [1], "lead")
            for number, depth in depths.items():
                ExpertChapter.objects.create(expert=self, chapter=ThematicChapter.objects.get(number=number), depth=depth)

    @factory.post_generation
    def language_codes(self, create: bool, extracted: list[str] | dict[str, str] | None, **kwargs: object) -> None:
        """Language codes (fluent in each), or a dict of code to level."""
        if create:
            levels = extracted if isinstance(extracted, dict) else dict.fromkeys(extracted if extracted is not None else ["ru"], "fluent")
            for code, level in levels.items():
                ExpertLanguage.objects.create(expert=self, language=Language.objects.get(code=code), level=level)

    @factory.post_generation
    def field_country_codes(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        """ISO codes of the countries of field experience."""
        if create and extracted:
            self.field_countries.set(Country.objects.filter(iso_code__in=extracted))

    @factory.post_generation
    def windows(self, create: bool, extracted: list[tuple[datetime.date, datetime.date]] | None, **kwargs: object) -> None:
        """Availability windows as (start, end) pairs."""
        if create and extracted:
            AvailabilityWindow.objects.bulk_create(AvailabilityWindow(expert=self, start=start, end=end) for start, end in extracted)
