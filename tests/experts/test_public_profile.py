"""The public profile shows only what a vetted, listed expert agreed to make public, and never contact details."""

from __future__ import annotations

import pytest

from curriculum.models import ThematicChapter
from experts.models import ExpertStatus
from tests.factories.experts import ExpertProfileFactory


def profile_url(expert) -> str:
    return f"/en/experts/{expert.pk}/"


def test_a_vetted_listed_expert_shows_the_consented_parts_without_contact_details(site, client):
    expert = ExpertProfileFactory(
        user__first_name="Leyla",
        user__last_name="Fictional",
        user__email="leyla.contact@example.org",
        public_bio=True,
        public_chapters=True,
        chapter_numbers=[5],
    )

    response = client.get(profile_url(expert))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Leyla Fictional" in content
    assert expert.short_bio in content
    assert f"5. {ThematicChapter.objects.get(number=5).name_en}" in content
    assert "leyla.contact@example.org" not in content
    assert "Fictional Institute" not in content


def test_parts_without_consent_are_hidden(site, client):
    expert = ExpertProfileFactory(public_bio=False, public_chapters=False, public_languages=False, public_country=False)

    content = client.get(profile_url(expert)).content.decode()

    assert expert.short_bio not in content
    assert "Georgia" not in content
    assert "Russian" not in content
    assert 'class="expert-chapters"' not in content


def test_the_country_and_languages_appear_when_consented(site, client):
    expert = ExpertProfileFactory(public_country=True, public_languages=True)

    content = client.get(profile_url(expert)).content.decode()

    assert "Georgia" in content
    assert "Russian" in content


@pytest.mark.parametrize("status", [ExpertStatus.APPLIED, ExpertStatus.PAUSED, ExpertStatus.WITHDRAWN])
def test_an_expert_who_is_not_vetted_has_no_public_profile(site, client, status):
    expert = ExpertProfileFactory(status=status, public_bio=True)

    assert client.get(profile_url(expert)).status_code == 404


def test_a_vetted_expert_who_did_not_consent_to_be_listed_has_no_public_profile(site, client):
    expert = ExpertProfileFactory(consent_to_be_listed=False, consent_given_at=None, public_bio=True)

    assert client.get(profile_url(expert)).status_code == 404


def test_an_unknown_expert_is_not_found(site, client):
    assert client.get("/en/experts/999999/").status_code == 404
