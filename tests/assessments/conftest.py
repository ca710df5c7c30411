"""Fixtures of the survey tests: a published module to hold sessions."""

from __future__ import annotations

import pytest

from curriculum.models import ModulePage, ThematicPart
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory


@pytest.fixture
def module(site: None) -> ModulePage:
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(parent=part, code="M13", title="Labour migration governance")
