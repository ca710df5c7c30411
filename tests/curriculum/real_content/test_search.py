"""Catalogue search on the real curriculum: without Azerbaijani letters, across Russian word forms, within filters."""

import re

import pytest

from curriculum.draft_curriculum import DRAFT_CURRICULUM
from tests.curriculum.helpers import found_codes

WORD = re.compile(r"\w+")
# the case forms of the noun "миграция" (not the adjective "миграционный", a word of its own)
MIGRATION_NOUN = {"миграция", "миграции", "миграцию", "миграцией", "миграций", "миграциям", "миграциями", "миграциях"}


def module_texts(data, language):
    """What the catalogue's search reads of a module: its title, summary and activity lines."""
    return [data["title"][language], data["summary"][language], *(activity["title"][language] for activity in data["activities"])]


def module_words(data, language):
    return {word.lower() for text in module_texts(data, language) for word in WORD.findall(text)}


def found_in(client, language, **params):
    return found_codes(client, f"/{language}/curriculum/", **params)


def codes_whose_text_contains(fragment, language):
    return {data["code"] for data in DRAFT_CURRICULUM if any(fragment in text.lower() for text in module_texts(data, language))}


# The draft's module on forced displacement is the one that speaks of refugees (qaçqın).
REFUGEE_MODULES = codes_whose_text_contains("qaçqın", "az")


@pytest.mark.parametrize("query", ["qacqin", "qaçqın", "QAÇQIN"])
def test_search_finds_the_module_about_refugees_with_or_without_azerbaijani_letters(client, query):
    assert REFUGEE_MODULES  # the draft does speak of refugees
    assert set(found_in(client, "az", q=query)) == REFUGEE_MODULES


@pytest.mark.parametrize("query", ["миграция", "миграции"])
def test_russian_search_finds_modules_that_use_another_form_of_the_word(client, query):
    other_forms_only = {
        data["code"] for data in DRAFT_CURRICULUM if query not in module_words(data, "ru") and module_words(data, "ru") & MIGRATION_NOUN
    }

    assert other_forms_only  # the draft has such modules
    assert other_forms_only <= set(found_in(client, "ru", q=query))


def test_search_for_a_word_no_module_uses_finds_nothing(client):
    assert found_in(client, "az", q="zəlzələ") == []


def test_search_results_respect_the_part_filter(client):
    everywhere = set(found_in(client, "ru", q="миграция"))
    part_two = {data["code"] for data in DRAFT_CURRICULUM if data["part"] == 2}

    within_part_two = set(found_in(client, "ru", q="миграция", part=2))

    assert within_part_two == everywhere & part_two
    assert within_part_two and within_part_two != everywhere


def test_search_results_respect_the_audience_filter(client):
    everywhere = set(found_in(client, "en", q="migration"))
    for_media = {data["code"] for data in DRAFT_CURRICULUM if any("media" in a["audiences"] for a in data["activities"])}

    assert set(found_in(client, "en", q="migration", audience="media")) == everywhere & for_media


def test_search_in_one_language_finds_only_modules_of_that_language(client):
    response = client.get("/az/curriculum/", {"q": "miqrasiya"})

    languages = {module.locale.language_code for module in response.context["listing"].object_list}
    assert languages == {"az"}
