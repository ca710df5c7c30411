"""Authoring: trainers edit the modules of their part, coordinators approve and publish."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from curriculum import services
from curriculum.models import ModulePage
from tests.curriculum.helpers import page_edit_form_data, refused_by_the_admin, signed_in
from tests.factories.curriculum import ModulePageFactory


@pytest.fixture
def authoring(part_one, part_two):
    """Author groups and the approval workflow for a catalogue with one module in each part."""
    services.authoring_permissions_sync()
    return {
        "part_one": part_one,
        "part_one_module": ModulePageFactory(parent=part_one, code="A1", title="Part one module"),
        "part_two_module": ModulePageFactory(parent=part_two, code="B1", title="Part two module"),
    }


@pytest.fixture
def part_one_trainer(trainer):
    return services.trainer_assign_part(user=trainer, part_number=1)


@pytest.fixture
def submitted_draft(authoring, part_one_trainer, client):
    """A new module a part-one trainer wrote and submitted to the coordinators."""
    draft = ModulePageFactory(parent=authoring["part_one"], code="A2", title="New module", live=False)
    signed_in(client, part_one_trainer)
    client.post(reverse("wagtailadmin_pages:edit", args=[draft.pk]), page_edit_form_data(client, draft, **{"action-submit": "1"}))
    client.logout()
    return ModulePage.objects.get(pk=draft.pk)


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def workflow_action_url(page, action):
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, page.current_workflow_task_state.pk])


def test_trainer_of_part_one_opens_the_edit_view_of_a_part_one_module(client, authoring, part_one_trainer):
    response = signed_in(client, part_one_trainer).get(edit_url(authoring["part_one_module"]))

    assert response.status_code == 200


def test_trainer_of_part_one_opens_the_add_module_view_under_part_one(client, authoring, part_one_trainer):
    url = reverse("wagtailadmin_pages:add", args=["curriculum", "modulepage", authoring["part_one"].pk])

    response = signed_in(client, part_one_trainer).get(url)

    assert response.status_code == 200


def test_trainer_of_part_one_is_turned_away_from_a_part_two_module(client, authoring, part_one_trainer):
    response = signed_in(client, part_one_trainer).get(edit_url(authoring["part_two_module"]))

    assert refused_by_the_admin(response)


def test_trainer_without_a_part_cannot_edit_any_module(client, authoring, trainer):
    response = signed_in(client, trainer).get(edit_url(authoring["part_one_module"]))

    assert refused_by_the_admin(response)


def test_trainer_of_part_one_may_edit_but_not_publish_a_part_one_module(authoring, part_one_trainer):
    permissions = authoring["part_one_module"].permissions_for_user(part_one_trainer)

    assert permissions.can_edit()
    assert not permissions.can_publish()


def test_coordinator_may_publish_any_module(authoring, coordinator):
    for module in (authoring["part_one_module"], authoring["part_two_module"]):
        assert module.permissions_for_user(coordinator).can_publish()


def test_modules_are_under_the_coordinator_approval_workflow(authoring):
    workflow = authoring["part_one_module"].get_workflow()

    assert workflow is not None
    assert workflow.name == services.WORKFLOW_NAME


def test_trainer_submitting_a_module_starts_the_coordinator_approval_workflow(submitted_draft):
    state = submitted_draft.current_workflow_state

    assert state is not None
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == services.WORKFLOW_NAME
    assert not submitted_draft.live


def test_trainer_cannot_publish_through_the_edit_view(client, authoring, part_one_trainer):
    draft = ModulePageFactory(parent=authoring["part_one"], code="A3", live=False)
    signed_in(client, part_one_trainer)

    client.post(edit_url(draft), page_edit_form_data(client, draft, title="Changed by the trainer", **{"action-publish": "1"}))

    module = ModulePage.objects.get(pk=draft.pk)
    assert module.get_latest_revision_as_object().title == "Changed by the trainer"  # the edit was saved...
    assert not module.live  # ...as a draft


def test_coordinator_approving_a_submitted_module_publishes_it(client, submitted_draft, coordinator):
    signed_in(client, coordinator).post(workflow_action_url(submitted_draft, "approve"), {"comment": "Fine."})

    module = ModulePage.objects.get(pk=submitted_draft.pk)
    assert module.live
    assert not module.has_unpublished_changes
    assert WorkflowState.objects.for_instance(module).get().status == WorkflowState.STATUS_APPROVED


def test_coordinator_rejecting_a_submitted_module_with_a_comment_leaves_it_unpublished(client, submitted_draft, coordinator):
    signed_in(client, coordinator).post(workflow_action_url(submitted_draft, "reject"), {"comment": "Add the learning objectives."})

    module = ModulePage.objects.get(pk=submitted_draft.pk)
    state = WorkflowState.objects.for_instance(module).get()
    assert not module.live
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Add the learning objectives."


def test_trainer_cannot_approve_their_own_submission(client, submitted_draft, part_one_trainer):
    signed_in(client, part_one_trainer).post(workflow_action_url(submitted_draft, "approve"), {"comment": "Self-approved."})

    module = ModulePage.objects.get(pk=submitted_draft.pk)
    assert not module.live
    assert module.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_coordinator_publishes_a_module_directly_from_the_edit_view(client, authoring, coordinator):
    draft = ModulePageFactory(parent=authoring["part_one"], code="A4", title="Coordinator's module", live=False)
    signed_in(client, coordinator)

    client.post(edit_url(draft), page_edit_form_data(client, draft, **{"action-publish": "1"}))

    assert ModulePage.objects.get(pk=draft.pk).live
