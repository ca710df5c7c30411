"""Each catalogue filter narrows the real curriculum to the modules the draft says it should; pages of 12."""

import pytest

from curriculum import demo as curriculum_demo
from curriculum.draft_curriculum import DRAFT_CURRICULUM
from curriculum.models import ModuleFormat
from curriculum.views import PAGE_SIZE
from tests.curriculum.helpers import as_shown, found_codes, listed_codes

CATALOGUE = "/az/curriculum/"
ALL_CODES = [data["code"] for data in DRAFT_CURRICULUM]


def matching_codes(client, **params):
    """Codes of every module the filters keep, across all pages of the result."""
    return set(found_codes(client, CATALOGUE, **params))


def demo_format(data):
    return ModuleFormat.BLENDED if data["code"] == curriculum_demo.SELF_PACED_DEMO_MODULE else data["format"]


def expected(keep):
    return {data["code"] for data in DRAFT_CURRICULUM if keep(data)}


def test_catalogue_without_filters_lists_every_module(client):
    assert matching_codes(client) == set(ALL_CODES)


@pytest.mark.parametrize("chapter", range(1, 23))
def test_chapter_filter_keeps_the_modules_of_that_chapter(client, chapter):
    assert matching_codes(client, chapter=chapter) == expected(lambda data: data["chapter"] == chapter)


@pytest.mark.parametrize("part", [1, 2])
def test_part_filter_keeps_the_modules_of_that_part(client, part):
    codes = matching_codes(client, part=part)

    assert codes == expected(lambda data: data["part"] == part)
    assert codes and codes != set(ALL_CODES)


@pytest.mark.parametrize("audience", ["government", "cso", "media", "hei", "io", "migrant_association", "private"])
def test_audience_filter_keeps_the_modules_with_an_activity_for_that_audience(client, audience):
    codes = matching_codes(client, audience=audience)

    assert codes == expected(lambda data: any(audience in activity["audiences"] for activity in data["activities"]))


@pytest.mark.parametrize("level", ["policy", "implementation", "research", "senior", "middle", "practitioner", "researcher"])
def test_level_filter_keeps_the_modules_with_an_activity_at_that_level(client, level):
    codes = matching_codes(client, level=level)

    assert codes == expected(lambda data: any(level in activity["levels"] for activity in data["activities"]))


@pytest.mark.parametrize("module_format", ModuleFormat.values)
def test_format_filter_keeps_the_modules_of_that_format(client, module_format):
    assert matching_codes(client, format=module_format) == expected(lambda data: demo_format(data) == module_format)


@pytest.mark.parametrize("language", curriculum_demo.LANGUAGE_CODES)
def test_language_filter_keeps_the_modules_delivered_in_that_language(client, language):
    # the demo offers every module in the platform's three languages
    assert matching_codes(client, language=language) == set(ALL_CODES)


def test_language_filter_drops_a_module_not_delivered_in_that_language(client):
    from tests.curriculum.real_content.conftest import module

    m13 = module("M13")
    m13.delivery_languages.set(m13.delivery_languages.exclude(code="en"))
    m13.save_revision().publish()

    assert matching_codes(client, language="en") == set(ALL_CODES) - {"M13"}
    assert "M13" in matching_codes(client, language="az")


def test_filters_combine_so_a_module_must_match_all_of_them(client):
    codes = matching_codes(client, part=2, format=ModuleFormat.POLICY_DIALOGUE, audience="media")

    assert codes == expected(
        lambda data: (
            data["part"] == 2
            and demo_format(data) == ModuleFormat.POLICY_DIALOGUE
            and any("media" in activity["audiences"] for activity in data["activities"])
        )
    )


def test_chapter_without_a_module_shows_the_empty_state(client):
    response = client.get(CATALOGUE, {"chapter": 7})

    assert response.status_code == 200
    assert listed_codes(response) == []
    assert as_shown("No module matches these filters.") in response.content.decode()


def test_first_page_shows_twelve_modules_in_curriculum_order(client):
    response = client.get(CATALOGUE)

    assert PAGE_SIZE == 12
    assert listed_codes(response) == ALL_CODES[:PAGE_SIZE]


def test_second_page_shows_the_rest(client):
    response = client.get(CATALOGUE, {"page": 2})

    assert response.status_code == 200
    assert listed_codes(response) == ALL_CODES[PAGE_SIZE:]


def test_second_page_link_keeps_the_filters(client):
    response = client.get(CATALOGUE, {"language": "az"})

    assert 'href="?language=az&amp;page=2"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "", "1.5"])
def test_page_that_is_not_a_number_shows_the_first_page(client, page):
    response = client.get(CATALOGUE, {"page": page})

    assert response.status_code == 200
    assert listed_codes(response) == ALL_CODES[:PAGE_SIZE]


@pytest.mark.parametrize("page", ["999", "0", "-1", "99999999999999999999999"])
def test_page_number_out_of_range_shows_the_last_page(client, page):
    response = client.get(CATALOGUE, {"page": page})

    assert response.status_code == 200
    assert listed_codes(response) == ALL_CODES[PAGE_SIZE:]


def test_the_language_switcher_keeps_the_filters_but_not_the_search_word_or_the_page(client):
    import re

    response = client.get(CATALOGUE, {"part": 2, "chapter": "", "q": "qacqin", "page": 2})
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*lang="(az|ru|en)"', response.content.decode()))
    by_language = {language: url for url, language in links.items()}

    assert by_language["ru"].endswith("?part=2")
    assert by_language["en"].endswith("?part=2")


@pytest.mark.parametrize("requested", ["999", "abc", "0"])
def test_a_page_number_past_the_results_says_which_page_is_shown(client, requested):
    response = client.get(CATALOGUE, {"page": requested})

    assert response.status_code == 200
    shown = response.context["listing"].number
    assert response.context["page_note"] == as_shown(
        "There is no page “%(requested)s” of these results: this is page %(shown)s.", requested=requested, shown=shown
    )


def test_an_existing_page_number_gets_no_note(client):
    assert client.get(CATALOGUE, {"page": "2"}).context["page_note"] == ""
