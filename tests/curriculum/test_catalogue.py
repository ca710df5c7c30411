"""The catalogue: which modules it lists, and how it answers filter values it does not know."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from curriculum.models import ThematicPart
from home.models import HomePage
from tests.curriculum.helpers import as_shown, listed_codes, signed_in
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory

UNKNOWN_VALUE = "This filter value is not known; choose one from the list."
EMPTY_STATE = "No module matches these filters."


@pytest.fixture
def published_module(part_one):
    return ModulePageFactory(parent=part_one, code="PUB1", title="Published module")


@pytest.fixture
def visitor(request, client, reference_data):
    """The client as an anonymous visitor or as a signed-in trainee."""
    if request.param == "trainee":
        return signed_in(client, request.getfixturevalue("trainee"))
    return client


def test_catalogue_lists_a_published_module(client, catalogue, published_module):
    response = client.get(catalogue.url)

    assert response.status_code == 200
    assert listed_codes(response) == ["PUB1"]


def test_catalogue_lists_only_modules_of_its_own_language(client, catalogue, published_module):
    ru_home = HomePage.objects.get(locale__language_code="ru")
    ru_part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(parent=ru_home), part=ThematicPart.objects.get(number=1))
    ModulePageFactory(parent=ru_part, code="RU1", title="Русский модуль")

    az_response = client.get(catalogue.url)
    ru_response = client.get("/ru/curriculum/")

    assert listed_codes(az_response) == ["PUB1"]
    assert listed_codes(ru_response) == ["RU1"]


@pytest.mark.parametrize("visitor", ["anonymous", "trainee"], indirect=True)
def test_draft_module_never_appears_in_the_catalogue(visitor, catalogue, published_module, part_one):
    ModulePageFactory(parent=part_one, code="DRAFT1", title="Unfinished draft module", live=False)

    response = visitor.get(catalogue.url)

    assert listed_codes(response) == ["PUB1"]
    assert "Unfinished draft module" not in response.content.decode()


@pytest.mark.parametrize("visitor", ["anonymous", "trainee"], indirect=True)
def test_private_module_never_appears_in_the_catalogue(visitor, catalogue, published_module, part_one):
    private = ModulePageFactory(parent=part_one, code="PRIV1", title="Coordinators-only module")
    restriction = PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.get(name="Coordinators")])

    response = visitor.get(catalogue.url)

    assert listed_codes(response) == ["PUB1"]
    assert "Coordinators-only module" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"chapter": "99"}, as_shown(UNKNOWN_VALUE)),
        ({"chapter": "abc"}, as_shown(UNKNOWN_VALUE)),
        ({"chapter": "99999999999999999999999"}, as_shown(UNKNOWN_VALUE)),
        ({"part": "3"}, as_shown(UNKNOWN_VALUE)),
        ({"audience": "nope"}, as_shown(UNKNOWN_VALUE)),
        ({"level": "nope"}, as_shown(UNKNOWN_VALUE)),
        ({"format": "x"}, as_shown(UNKNOWN_VALUE)),
        ({"language": "zz"}, as_shown(UNKNOWN_VALUE)),
        ({"q": "m" * 201}, as_shown("Search for at most %(limit_value)d characters.", limit_value=200)),
    ],
)
def test_unknown_filter_value_is_answered_with_400_and_says_what_is_wrong(client, catalogue, published_module, query, message):
    response = client.get(catalogue.url, query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert listed_codes(response) == []


def test_search_of_exactly_200_characters_is_accepted(client, catalogue, published_module):
    response = client.get(catalogue.url, {"q": "m" * 200})

    assert response.status_code == 200


def test_filters_that_match_nothing_show_the_empty_state(client, catalogue, published_module):
    response = client.get(catalogue.url, {"q": "zzzqqqxxx"})

    assert response.status_code == 200
    assert listed_codes(response) == []
    assert as_shown(EMPTY_STATE) in response.content.decode()


def test_catalogue_without_modules_shows_the_empty_state(client, catalogue):
    response = client.get(catalogue.url)

    assert response.status_code == 200
    assert as_shown(EMPTY_STATE) in response.content.decode()
