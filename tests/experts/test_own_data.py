"""An expert sees, edits, downloads and deletes their own profile; deletion keeps only anonymous history."""

from __future__ import annotations

import datetime
import json

import pytest
from allauth.account.models import EmailAddress

from experts import services
from experts.models import ExpertProfile, Invitation, InvitationStatus, StatusChange
from people.models import User
from tests.factories.experts import ExpertProfileFactory


@pytest.fixture
def nigar(reference_data):
    expert = ExpertProfileFactory(
        user__email="nigar@example.org",
        user__first_name="Nigar",
        user__last_name="Əliyeva",
        chapter_numbers={13: "lead"},
        language_codes={"az": "native", "ru": "fluent"},
        field_country_codes=["AZ", "GE"],
        windows=[(datetime.date(2027, 5, 1), datetime.date(2027, 5, 31))],
        short_bio="Works on labour migration.",
        migrant_or_diaspora_background=True,
    )
    StatusChange.objects.create(expert=expert, from_status="applied", to_status="vetted", reason="References checked.")
    return expert


def test_the_expert_sees_their_profile_and_pending_invitations(client, nigar, module, coordinator):
    services.expert_invite(module=module, experts=[nigar], invited_by=coordinator)
    client.force_login(nigar.user)

    response = client.get("/en/experts/me/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Əliyeva" in body and "nigar@example.org" in body
    assert [invitation.module.pk for invitation in response.context["pending"]] == [module.pk]


def test_a_user_without_a_profile_is_offered_to_apply(client, trainee):
    client.force_login(trainee)

    response = client.get("/en/experts/me/")

    assert response.status_code == 200
    assert b"/en/experts/apply/" in response.content


@pytest.mark.parametrize("path", ["/en/experts/me/edit/", "/en/experts/me/data.json", "/en/experts/me/delete/"])
def test_a_user_without_a_profile_gets_404_on_the_profile_pages(client, trainee, path):
    client.force_login(trainee)

    assert client.get(path).status_code == 404


def test_the_download_holds_everything_the_roster_keeps(client, nigar):
    client.force_login(nigar.user)

    response = client.get("/en/experts/me/data.json")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["last_name"] == "Əliyeva"
    assert data["profile"]["migrant_or_diaspora_background"] is True
    assert data["chapters"] == [{"number": 13, "depth": "lead"}]
    assert sorted(data["field_countries"]) == ["AZ", "GE"]
    assert data["availability"] == [{"from": "2027-05-01", "until": "2027-05-31"}]
    assert data["status_changes"][0]["reason"] == "References checked."
    assert "Əliyeva".encode() in response.content  # readable, not \\u-escaped


def test_the_expert_edits_bio_availability_and_public_parts(client, nigar):
    client.force_login(nigar.user)

    response = client.post(
        "/en/experts/me/edit/",
        {"short_bio": "<b>New</b> bio", "available_from": "2027-09-01", "available_until": "2027-09-30", "public_chapters": "on"},
    )

    assert response.status_code == 302
    nigar.refresh_from_db()
    assert nigar.short_bio == "New bio"
    assert [(w.start, w.end) for w in nigar.availability.all()] == [(datetime.date(2027, 9, 1), datetime.date(2027, 9, 30))]
    assert (nigar.public_chapters, nigar.public_bio) == (True, False)


def test_an_edit_with_the_end_before_the_start_is_refused_and_saves_nothing(client, nigar):
    client.force_login(nigar.user)

    response = client.post(
        "/en/experts/me/edit/", {"short_bio": "Changed", "available_from": "2027-09-30", "available_until": "2027-09-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    nigar.refresh_from_db()
    assert nigar.short_bio == "Works on labour migration."


def test_deleting_needs_the_confirmation_box(client, nigar):
    client.force_login(nigar.user)

    response = client.post("/en/experts/me/delete/", {})

    assert response.status_code == 400
    assert ExpertProfile.objects.get(pk=nigar.pk).anonymised_at is None


def test_deleting_removes_personal_data_but_keeps_what_was_taught(client, nigar, module, coordinator):
    accepted = services.expert_invite(module=module, experts=[nigar], invited_by=coordinator).invited[0]
    services.invitation_respond(invitation=accepted, user=nigar.user, accept=True)
    client.force_login(nigar.user)

    response = client.post("/en/experts/me/delete/", {"confirm": "yes"})

    assert response.status_code == 302
    expert = ExpertProfile.objects.get(pk=nigar.pk)
    user = User.objects.get(pk=nigar.user_id)
    assert expert.anonymised_at is not None
    assert (user.first_name, user.last_name, user.is_active, user.has_usable_password()) == ("", "", False, False)
    assert "nigar" not in user.email
    assert (expert.short_bio, expert.nationality, expert.organisation_name, expert.migrant_or_diaspora_background) == ("", "", "", None)
    assert not expert.chapter_links.exists() and not expert.language_links.exists() and not expert.availability.exists()
    assert not expert.field_countries.exists() and not StatusChange.objects.filter(expert=expert).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert "nigar" not in expert.search_text and "aliyeva" not in expert.search_text
    # the anonymous history: an expert taught this module
    assert Invitation.objects.get(pk=accepted.pk).status == InvitationStatus.ACCEPTED
    assert "_auth_user_id" not in client.session
    assert client.get(f"/en/experts/{nigar.pk}/").status_code == 404


def test_a_trainee_who_is_also_an_expert_keeps_their_account(client, nigar):
    from people.services import user_add_role

    user_add_role(user=nigar.user, role_code="trainee")

    services.expert_delete_personal_data(expert=nigar)

    user = User.objects.get(pk=nigar.user_id)
    assert user.is_active and user.email == "nigar@example.org"
    assert not user.groups.filter(name="Experts").exists()
    assert ExpertProfile.objects.get(pk=nigar.pk).anonymised_at is not None


def test_a_deleted_profile_is_no_longer_the_experts_own(client, nigar):
    from people.services import user_add_role

    user_add_role(user=nigar.user, role_code="trainee")
    services.expert_delete_personal_data(expert=nigar)
    client.force_login(User.objects.get(pk=nigar.user_id))

    assert client.get("/en/experts/me/data.json").status_code == 404


def test_deleting_my_profile_leaves_my_name_and_address_in_no_e_mail_and_no_admin_log_entry(client, nigar, module, coordinator):
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry

    from people.models import OutboundEmail

    accepted = services.expert_invite(module=module, experts=[nigar], invited_by=coordinator).invited[0]
    services.invitation_respond(invitation=accepted, user=nigar.user, accept=True)  # the coordinator is e-mailed her name
    log(instance=nigar, action="wagtail.edit", user=coordinator)  # the admin's history labels the profile with her name
    assert OutboundEmail.objects.filter(to="nigar@example.org").exists()
    client.force_login(nigar.user)

    client.post("/en/experts/me/delete/", {"confirm": "yes"})

    e_mails = list(OutboundEmail.objects.values_list("to", "subject", "body_text", "body_html"))
    labels = list(ModelLogEntry.objects.values_list("label", "data"))
    assert e_mails and labels
    assert "nigar" not in str(e_mails).lower() and "Əliyeva" not in str(e_mails)
    assert "nigar" not in str(labels).lower() and "Əliyeva" not in str(labels)
