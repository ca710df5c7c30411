"""The roster in the Wagtail admin: coordinators and administrators only, with filters."""

from __future__ import annotations

import pytest

from experts.models import ExpertStatus
from tests.factories.experts import ExpertProfileFactory


@pytest.fixture
def roster(reference_data):
    return {
        "vetted": ExpertProfileFactory(user__last_name="Vettedova", chapter_numbers=[4]),
        "applied": ExpertProfileFactory(user__last_name="Appliedov", status=ExpertStatus.APPLIED, chapter_numbers=[9]),
    }


@pytest.mark.parametrize("role", ["coordinator", "administrator"])
def test_coordinators_and_administrators_see_the_roster(roster, role, client, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/admin/roster/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "Vettedova" in content and "Appliedov" in content


@pytest.mark.parametrize("role", ["trainer", "trainee", "expert"])
def test_other_roles_do_not_see_the_roster(roster, role, client, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get("/admin/roster/")

    assert response.status_code == 302
    assert "Vettedova" not in response.content.decode()


def test_the_roster_filters_by_status(roster, coordinator, client):
    client.force_login(coordinator)

    content = client.get("/admin/roster/", {"status": "applied"}).content.decode()

    assert "Appliedov" in content and "Vettedova" not in content


def test_the_roster_filters_by_chapter(roster, coordinator, client):
    client.force_login(coordinator)
    chapter_4 = roster["vetted"].chapters.get().pk

    content = client.get("/admin/roster/", {"chapter": chapter_4}).content.decode()

    assert "Vettedova" in content and "Appliedov" not in content


def test_a_coordinator_opens_an_experts_profile_and_status_form(roster, coordinator, client):
    client.force_login(coordinator)
    pk = roster["applied"].pk

    assert client.get(f"/admin/roster/inspect/{pk}/").status_code == 200
    assert client.get(f"/admin/roster/status/{pk}/").status_code == 200
