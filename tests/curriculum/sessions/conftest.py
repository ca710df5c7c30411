"""Fixtures of the session tests: a published module and an open session of it, and trainees who can apply."""

from __future__ import annotations

import pytest

from curriculum.models import ModulePage, ThematicPart, TrainingSession
from people.models import Country, Organisation, StakeholderCategory
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory


@pytest.fixture
def module(site: None) -> ModulePage:
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(parent=part, code="M13", title="Labour migration governance")


@pytest.fixture
def session(module: ModulePage) -> TrainingSession:
    return TrainingSessionFactory(module=module)


@pytest.fixture
def make_trainee(reference_data):
    """Trainees from a country and a kind of organisation, with a gender and a language."""
    counter = iter(range(10_000))

    def make(country: str = "AZ", category: str = "government", gender: str = "female", language: str = "en", **kwargs):
        n = next(counter)
        organisation, _created = Organisation.objects.get_or_create(
            name=f"Organisation {country} {category}",
            country=Country.objects.get(iso_code=country),
            defaults={"category": StakeholderCategory.objects.get(code=category)},
        )
        return UserFactory(
            role="trainee",
            email=kwargs.pop("email", f"trainee{n}.{country.lower()}@example.org"),
            country=Country.objects.get(iso_code=country),
            organisation=organisation,
            gender=gender,
            preferred_language=language,
            **kwargs,
        )

    return make
