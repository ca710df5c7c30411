"""Fixtures for curriculum tests built from small factories: a catalogue in the default language and its two parts."""

from __future__ import annotations

import pytest

from curriculum.models import CurriculumIndexPage, CurriculumPartPage, ThematicPart
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory


@pytest.fixture
def catalogue(site: None) -> CurriculumIndexPage:
    """The catalogue page under the Azerbaijani home page."""
    return CurriculumIndexPageFactory()


@pytest.fixture
def part_one(catalogue: CurriculumIndexPage) -> CurriculumPartPage:
    return CurriculumPartPageFactory(parent=catalogue, part=ThematicPart.objects.get(number=1))


@pytest.fixture
def part_two(catalogue: CurriculumIndexPage) -> CurriculumPartPage:
    return CurriculumPartPageFactory(parent=catalogue, part=ThematicPart.objects.get(number=2))
