"""Coordinators search the roster by chapter, language and level, field experience, gender, status, availability and text."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experts.models import ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus
from people.models import Language, User
from tests.factories.experts import ExpertProfileFactory
from tests.factories.people import UserFactory

MAY = (datetime.date(2027, 5, 1), datetime.date(2027, 5, 31))


def listed(client, **params) -> list[str]:
    response = client.get("/admin/roster/", params)
    assert response.status_code == 200
    return sorted(expert.user.email for expert in response.context["object_list"])


@pytest.fixture
def roster(reference_data):
    """Four experts who differ in one thing each from the first."""
    ExpertProfileFactory(
        user__email="aygun@example.org",
        user__first_name="Aygün",
        user__last_name="Məmmədova",
        user__gender=User.Gender.FEMALE,
        chapter_numbers={13: "lead"},
        language_codes={"ru": "native", "en": "working"},
        field_country_codes=["KZ", "UZ"],
        windows=[MAY],
        short_bio="Labour migration from Central Asia; readmission agreements.",
    )
    ExpertProfileFactory(
        user__email="oleg@example.org",
        user__first_name="Oleg",
        user__gender=User.Gender.MALE,
        chapter_numbers={13: "practitioner"},
        language_codes={"ru": "basic"},
        field_country_codes=["KZ"],
        windows=[(datetime.date(2027, 5, 10), datetime.date(2027, 5, 20))],
    )
    ExpertProfileFactory(
        user__email="nino@example.org",
        user__first_name="Nino",
        chapter_numbers={2: "lead"},
        language_codes={"ka": "native", "ru": "fluent"},
        field_country_codes=["GE"],
        windows=[MAY],
    )
    ExpertProfileFactory(
        user__email="paused@example.org", status=ExpertStatus.PAUSED, chapter_numbers={13: "lead"}, language_codes={"ru": "native"}
    )


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def test_filtering_by_chapter_lists_only_experts_of_that_chapter(roster, as_coordinator):
    chapter_13 = ExpertChapter.objects.filter(chapter__number=13).first().chapter_id

    assert listed(as_coordinator, chapter=chapter_13) == ["aygun@example.org", "oleg@example.org", "paused@example.org"]


def test_a_minimum_language_level_leaves_out_experts_below_it(roster, as_coordinator):
    russian = Language.objects.get(code="ru").pk

    assert listed(as_coordinator, language=russian) == ["aygun@example.org", "nino@example.org", "oleg@example.org", "paused@example.org"]
    assert listed(as_coordinator, language=russian, min_level="fluent") == ["aygun@example.org", "nino@example.org", "paused@example.org"]
    assert listed(as_coordinator, language=russian, min_level="native") == ["aygun@example.org", "paused@example.org"]


def test_filters_combine_chapter_language_country_gender_and_status(roster, as_coordinator):
    params = {
        "chapter": ExpertChapter.objects.filter(chapter__number=13).first().chapter_id,
        "language": Language.objects.get(code="ru").pk,
        "min_level": "working",
        "field_country": ExpertProfile.objects.get(user__email="oleg@example.org").field_countries.get().pk,
        "gender": "female",
        "status": "vetted",
    }

    assert listed(as_coordinator, **params) == ["aygun@example.org"]


def test_availability_filter_keeps_experts_free_over_the_whole_period(roster, as_coordinator):
    whole_may = {"available_from": "2027-05-01", "available_until": "2027-05-31"}
    mid_may = {"available_from": "2027-05-12", "available_until": "2027-05-15"}

    assert listed(as_coordinator, **whole_may) == ["aygun@example.org", "nino@example.org"]
    assert listed(as_coordinator, **mid_may) == ["aygun@example.org", "nino@example.org", "oleg@example.org"]
    assert listed(as_coordinator, available_from="2027-07-01") == []


@pytest.mark.parametrize("query", ["Məmmədova", "mammadova", "MAMMAD", "readmission central", "aygun"])
def test_text_search_finds_names_and_bios_with_or_without_diacritics(roster, as_coordinator, query):
    assert listed(as_coordinator, q=query) == ["aygun@example.org"]


def test_text_search_needs_every_word(roster, as_coordinator):
    assert listed(as_coordinator, q="readmission Tbilisi") == []


@pytest.mark.parametrize(
    "params",
    [{"chapter": "abc"}, {"language": "999999"}, {"min_level": "expert"}, {"available_from": "31.31.2027"}, {"gender": "x"}, {"p": "x"}],
)
def test_bad_filter_values_are_answered_with_the_listing_not_an_error(roster, as_coordinator, params):
    response = as_coordinator.get("/admin/roster/", params)

    assert response.status_code == 200


def test_the_listing_is_paginated(reference_data, as_coordinator):
    for number in range(30):
        ExpertProfileFactory(user__email=f"many{number}@example.org")

    first = as_coordinator.get("/admin/roster/")
    second = as_coordinator.get("/admin/roster/", {"p": 2})

    assert len(first.context["object_list"]) == 25
    assert len(second.context["object_list"]) == 5


def _bulk_experts(count: int) -> None:
    """`count` vetted experts with a chapter and two languages each, written in bulk."""
    from curriculum.models import ThematicChapter
    from people.models import Country

    users = User.objects.bulk_create(
        User(email=f"bulk{n}@example.org", first_name=f"Bulk{n}", last_name="Expert", gender=User.Gender.MALE) for n in range(count)
    )
    country = Country.objects.get(iso_code="KZ")
    experts = ExpertProfile.objects.bulk_create(
        ExpertProfile(user=user, nationality="Kazakh", country_of_residence=country, status=ExpertStatus.VETTED, search_text=user.email)
        for user in users
    )
    chapter = ThematicChapter.objects.get(number=13)
    russian, english = Language.objects.get(code="ru"), Language.objects.get(code="en")
    ExpertChapter.objects.bulk_create(ExpertChapter(expert=e, chapter=chapter, depth="lead") for e in experts)
    ExpertLanguage.objects.bulk_create(ExpertLanguage(expert=e, language=russian, level="native") for e in experts)
    ExpertLanguage.objects.bulk_create(ExpertLanguage(expert=e, language=english, level="working") for e in experts)


def _queries_for_a_filtered_listing(client, shown: int) -> int:
    chapter = ExpertChapter.objects.first().chapter_id
    params = {"chapter": chapter, "language": Language.objects.get(code="ru").pk, "min_level": "fluent", "q": "bulk"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/roster/", params)
    assert response.status_code == 200
    assert len(response.context["object_list"]) == shown
    return len(queries)


def test_the_listing_issues_the_same_number_of_queries_for_10_and_1000_experts(reference_data, client):
    # 10 experts fit on one page and 1,000 fill it: a query per expert shown would count 10 against 25
    client.force_login(UserFactory(role="coordinator", email="counting.coordinator@example.org"))
    _bulk_experts(10)
    few = _queries_for_a_filtered_listing(client, shown=10)

    User.objects.filter(email__startswith="bulk").delete()
    _bulk_experts(1000)
    many = _queries_for_a_filtered_listing(client, shown=25)

    assert few == many
