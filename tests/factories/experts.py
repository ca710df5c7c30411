"""Factories for the expert roster."""

from __future__ import annotations

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from curriculum.models import ThematicChapter
from experts.models import ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus
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
    status = ExpertStatus.VETTED
    consent_to_be_listed = True
    consent_given_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def chapter_numbers(self, create: bool, extracted: list[int] | None, **kwargs: object) -> None:
        if create:
            for number in extracted if extracted is not None else [1]:
                ExpertChapter.objects.create(expert=self, chapter=ThematicChapter.objects.get(number=number), depth="lead")

    @factory.post_generation
    def language_codes(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            for code in extracted if extracted is not None else ["ru"]:
                ExpertLanguage.objects.create(expert=self, language=Language.objects.get(code=code), level="fluent")
