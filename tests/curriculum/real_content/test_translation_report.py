"""The coordinators' translation report: which module translations are missing, drafts, or older than the source."""

import pytest

from curriculum.draft_curriculum import DRAFT_CURRICULUM
from tests.curriculum.helpers import refused_by_the_admin, signed_in
from tests.curriculum.real_content.conftest import module

REPORT_URL = "/admin/reports/curriculum-translations/"


def states_of(client, code):
    """The report's state of each translation of one module, by language."""
    response = client.get(REPORT_URL, {"show": "all"})
    assert response.status_code == 200
    row = next(states for source, states in response.context["rows"] if source.code == code)
    return {state.language: state.state for state in row}


def test_after_the_demo_load_every_translation_is_current(client, coordinator):
    response = signed_in(client, coordinator).get(REPORT_URL, {"show": "all"})

    states = {state.state for _source, row in response.context["rows"] for state in row}
    assert states == {"current"}
    assert len(response.context["rows"]) == response.context["total"] == len(DRAFT_CURRICULUM)


def test_after_the_demo_load_no_module_needs_translation_work(client, coordinator):
    response = signed_in(client, coordinator).get(REPORT_URL)

    assert response.context["rows"] == []


def test_publishing_a_new_revision_of_the_source_makes_its_translations_outdated(client, coordinator):
    source = module("M5")
    source.summary = source.summary + " Yenilənib."
    source.save_revision().publish()

    assert states_of(signed_in(client, coordinator), "M5") == {"en": "outdated", "ru": "outdated"}
    assert states_of(client, "M6") == {"en": "current", "ru": "current"}


def test_republishing_the_translation_makes_it_current_again(client, coordinator):
    module("M5").save_revision().publish()
    module("M5", "ru").save_revision().publish()

    assert states_of(signed_in(client, coordinator), "M5") == {"en": "outdated", "ru": "current"}


def test_deleting_a_translation_makes_it_missing(client, coordinator):
    module("M8", "en").delete()

    assert states_of(signed_in(client, coordinator), "M8") == {"en": "missing", "ru": "current"}


def test_unpublishing_a_translation_shows_it_as_a_draft(client, coordinator):
    module("M9", "ru").unpublish()

    assert states_of(signed_in(client, coordinator), "M9") == {"en": "current", "ru": "draft"}


def test_report_of_problems_lists_only_the_modules_that_need_work(client, coordinator):
    module("M8", "en").delete()

    response = signed_in(client, coordinator).get(REPORT_URL)

    assert [source.code for source, _states in response.context["rows"]] == ["M8"]


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_coordinators_and_administrators_open_the_report(client, role, request):
    response = signed_in(client, request.getfixturevalue(role)).get(REPORT_URL)

    assert response.status_code == 200


def test_trainer_is_refused_the_translation_report(client, trainer):
    response = signed_in(client, trainer).get(REPORT_URL)

    assert refused_by_the_admin(response)
