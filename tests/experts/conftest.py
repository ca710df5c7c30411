"""Fixtures of the roster tests: a module to match experts against."""

from __future__ import annotations

import pytest

from curriculum.models import ModulePage, ThematicChapter, ThematicPart
from people.models import Language
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory


@pytest.fixture
def module(site: None) -> ModulePage:
    """A published module on chapters 13 and 14, delivered in Russian."""
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(
        parent=part,
        code="M13",
        title="Labour migration governance",
        chapters=list(ThematicChapter.objects.filter(number__in=[13, 14])),
        delivery_languages=[Language.objects.get(code="ru")],
    )
