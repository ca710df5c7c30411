"""Part pages list their modules; trainers and coordinators preview drafts of modules."""

from __future__ import annotations

from tests.factories.curriculum import ModulePageFactory


def test_a_part_page_lists_its_published_modules_and_not_its_drafts(client, part_one):
    ModulePageFactory(parent=part_one, code="M1", title="Migration terminology")
    ModulePageFactory(parent=part_one, code="M2", title="A draft module", live=False)

    response = client.get(part_one.url)

    assert response.status_code == 200
    assert [module.code for module in response.context["modules"]] == ["M1"]
    assert "A draft module" not in response.content.decode()


def test_an_empty_part_page_says_so(client, part_two):
    response = client.get(part_two.url)

    assert response.status_code == 200
    assert response.context["modules"] == []


def test_the_draft_of_a_new_module_can_be_previewed(client, part_one, administrator):
    prerequisite = ModulePageFactory(parent=part_one, code="M1")
    draft = ModulePageFactory(parent=part_one, code="M9", title="Draft under review", live=False)
    draft.prerequisites.set([prerequisite])
    draft.save_revision()
    client.force_login(administrator)

    response = client.get(f"/admin/pages/{draft.pk}/view_draft/")

    assert response.status_code == 200
    assert "Draft under review" in response.content.decode()
    assert prerequisite.url in response.content.decode()
