"""Shared fixtures: reference data, roles, users per role, the home site."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from home import demo as home_demo
from people import services
from tests.factories.people import UserFactory
from tests.real_services import (  # noqa: F401 - fixtures for tests marked postgres and real_worker
    celery_eager_in_the_test_process,
    celery_worker_process,
    pytest_collection_modifyitems,
    real_celery_worker,
    real_services_gate,
    require_services,
)

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache, so login and sign-up rate limits never leak between tests."""
    cache.clear()


@pytest.fixture
def reference_data(db: None) -> dict[str, int]:
    """The real 2021 reference lists, parts, chapters and roles (`load_reference_data` also loads instruments and the baseline)."""
    counts = services.reference_data_load()
    services.roles_sync()
    return counts


@pytest.fixture
def site(reference_data: dict[str, int]) -> None:
    """Locales and the home page in az, ru and en, as the demo loads them."""
    home_demo.load()


@pytest.fixture
def trainee(reference_data: dict[str, int]):
    return UserFactory(role="trainee", email="trainee@example.org")


@pytest.fixture
def trainer(reference_data: dict[str, int]):
    return UserFactory(role="trainer", email="trainer@example.org")


@pytest.fixture
def coordinator(reference_data: dict[str, int]):
    return UserFactory(role="coordinator", email="coordinator@example.org")


@pytest.fixture
def expert(reference_data: dict[str, int]):
    return UserFactory(role="expert", email="expert@example.org")


@pytest.fixture
def administrator(reference_data: dict[str, int]):
    return UserFactory(role="administrator", email="admin@example.org")
