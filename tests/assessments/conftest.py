"""Fixtures of the survey tests: a published module to hold sessions."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from curriculum.models import ModulePage, ThematicPart
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory


@pytest.fixture
def module(site: None) -> ModulePage:
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(parent=part, code="M13", title="Labour migration governance")


@pytest.fixture
def days_pass(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], datetime.date]:
    """Move the site's today (`timezone.localdate()`) forward by some days; returns the new today."""
    original = timezone.localdate
    shift = datetime.timedelta()

    def localdate(value: datetime.datetime | None = None, timezone: datetime.tzinfo | None = None) -> datetime.date:
        return original(value, timezone) if value is not None else original(None, timezone) + shift

    def move(days: int) -> datetime.date:
        nonlocal shift
        shift += datetime.timedelta(days=days)
        return localdate()

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return move
