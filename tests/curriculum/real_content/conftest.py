"""The real demo content (reference data, home pages, the 2021 draft curriculum in az, ru and en), loaded once for this folder.

Loading it takes seconds, so it is loaded once, inside a transaction that is rolled back when the
last test of this folder has run; every test runs in a savepoint of its own on top of it, so a
test's changes never reach the next test. Only tests about the real content live here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker
from wagtail.models import Locale

from curriculum import demo as curriculum_demo
from curriculum.models import ModulePage
from home import demo as home_demo
from people import services


@pytest.fixture(scope="package", autouse=True)
def demo_content(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[dict[str, int]]:
    """What `load_demo_data` loads for the curriculum: reference data, roles, home pages, the draft curriculum."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            counts = services.reference_data_load()
            services.roles_sync()
            counts.update(home_demo.load())
            counts.update(curriculum_demo.load())
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield counts
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _savepoint_per_test(db: None) -> None:
    """Each test runs in its own savepoint on top of the demo content."""


def module(code: str, language: str = "az") -> ModulePage:
    """The demo module with this code in one language."""
    return ModulePage.objects.get(code=code, locale=Locale.objects.get(language_code=language))
