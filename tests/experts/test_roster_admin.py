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


def test_a_cv_has_no_public_url_and_downloads_only_for_the_roster(client, coordinator, trainer, reference_data):
    from django.conf import settings

    from tests.factories.experts import ExpertProfileFactory

    expert = ExpertProfileFactory(user__first_name="Aygün", user__last_name="Məmmədova")

    assert not expert.cv.name.startswith(settings.MEDIA_URL.strip("/"))
    assert "cv.pdf" not in expert.cv.name  # the stored name is not the uploaded one
    client.force_login(trainer)
    assert client.get(f"/admin/roster/cv/{expert.pk}/").status_code == 302
    client.force_login(coordinator)
    response = client.get(f"/admin/roster/cv/{expert.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 curriculum vitae"
    assert "attachment" in response["Content-Disposition"]


def test_the_inspect_page_shows_chapters_languages_and_the_cv_link(client, coordinator, reference_data):
    from tests.factories.experts import ExpertProfileFactory

    expert = ExpertProfileFactory(chapter_numbers={13: "lead"}, language_codes={"ru": "native"}, field_country_codes=["KZ"])
    client.force_login(coordinator)

    body = client.get(f"/admin/roster/inspect/{expert.pk}/").content.decode()

    assert f"/admin/roster/cv/{expert.pk}/" in body
    assert "13" in body and ">None<" not in body.replace("\n", "").replace(" ", "")
