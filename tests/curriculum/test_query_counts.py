"""The catalogue and the module page cost the same number of queries however much they show."""

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from factory.django import mute_signals

from curriculum.models import ThematicChapter
from people.models import Language, ParticipantLevel, StakeholderCategory
from tests.factories.curriculum import LessonPageFactory, ModuleActivityFactory, ModulePageFactory


@pytest.fixture
def card_facts(reference_data):
    """What a catalogue card or an activity line shows: chapters, audiences, levels and languages."""
    return {
        "chapters": list(ThematicChapter.objects.filter(number__in=[1, 2])),
        "audiences": list(StakeholderCategory.objects.all()[:3]),
        "levels": list(ParticipantLevel.objects.all()[:2]),
        "delivery_languages": list(Language.objects.all()[:3]),
    }


def queries_of(client, url, **params):
    """The queries of one request, after a first request has filled the caches."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_modules(part, count, facts):
    # without search indexing and revisions: the catalogue reads live pages, and 200 published revisions take long
    with mute_signals(post_save):
        for _ in range(count):
            ModulePageFactory(parent=part, revision=False, **facts)


def add_activities(module, count, facts):
    for _ in range(count):
        ModuleActivityFactory(module=module, audiences=facts["audiences"], levels=facts["levels"])


def test_catalogue_costs_the_same_queries_for_5_and_for_200_modules(client, catalogue, part_one, card_facts, django_assert_num_queries):
    add_modules(part_one, 5, card_facts)
    with_five = queries_of(client, catalogue.url)

    add_modules(part_one, 195, card_facts)

    client.get(catalogue.url)
    with django_assert_num_queries(with_five):
        response = client.get(catalogue.url)
    assert response.context["result_count"] == 200


def test_module_page_costs_the_same_queries_for_5_and_for_50_activities(client, part_one, card_facts, django_assert_num_queries):
    small = ModulePageFactory(parent=part_one, **card_facts)
    large = ModulePageFactory(parent=part_one, **card_facts)
    add_activities(small, 5, card_facts)
    add_activities(large, 50, card_facts)
    for module in (small, large):
        LessonPageFactory(parent=module)
    with_five = queries_of(client, small.url)

    client.get(large.url)
    with django_assert_num_queries(with_five):
        response = client.get(large.url)
    assert len(response.context["activities"]) == 50
