"""Trainee sign-up through allauth's real pages: profile, role, organisation, verification e-mail."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import translation

from people.models import Country, Organisation, OutboundEmail, ParticipantLevel, StakeholderCategory, User
from tests.factories.people import OrganisationFactory, UserFactory

NEW_PASSWORD = "migration-route-2026!"


def _signup_data(**overrides: object) -> dict[str, object]:
    data = {
        "email": "leyla@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "first_name": "Leyla",
        "last_name": "Məmmədova",
        "gender": User.Gender.FEMALE,
        "country": Country.objects.get(iso_code="GE").pk,
        "organisation_name": "Public Service Development Agency",
        "organisation_category": StakeholderCategory.objects.get(code="government").pk,
        "position_level": ParticipantLevel.objects.get(code="middle").pk,
        "preferred_language": "ru",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _sign_up(client, django_capture_on_commit_callbacks, language: str = "en", **overrides: object):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(f"/{language}/accounts/signup/", _signup_data(**overrides))


def _confirmation_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\w\w/accounts/confirm-email/[^/\s]+/)", body)
    assert match, f"no confirmation link in the e-mail:\n{body}"
    return match.group(1)


def test_sign_up_creates_an_unverified_user_with_the_profile_fields(client, reference_data, django_capture_on_commit_callbacks):
    response = _sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get(email="leyla@example.org")
    assert (user.first_name, user.last_name, user.gender) == ("Leyla", "Məmmədova", User.Gender.FEMALE)
    assert (user.country.iso_code, user.position_level.code, user.preferred_language) == ("GE", "middle", "ru")
    assert user.check_password(NEW_PASSWORD)
    assert not EmailAddress.objects.get(user=user, email="leyla@example.org").verified
    assert "_auth_user_id" not in client.session


def test_sign_up_puts_the_new_user_in_the_trainees_group_only(client, reference_data, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)

    user = User.objects.get(email="leyla@example.org")
    assert list(user.groups.values_list("name", flat=True)) == ["Trainees"]
    assert not user.is_staff
    assert not user.is_superuser


def test_sign_up_creates_the_named_organisation_in_the_users_country(client, reference_data, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)

    user = User.objects.get(email="leyla@example.org")
    organisation = Organisation.objects.get(name="Public Service Development Agency")
    assert user.organisation == organisation
    assert (organisation.country.iso_code, organisation.category.code) == ("GE", "government")


def test_sign_up_links_an_existing_organisation_instead_of_duplicating_it(client, reference_data, django_capture_on_commit_callbacks):
    existing = OrganisationFactory(name="Public Service Development Agency", country=Country.objects.get(iso_code="GE"))

    _sign_up(client, django_capture_on_commit_callbacks)

    assert User.objects.get(email="leyla@example.org").organisation == existing
    assert Organisation.objects.filter(name="Public Service Development Agency").count() == 1


def test_sign_up_queues_the_verification_email_and_celery_sends_it(client, reference_data, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)

    queued = OutboundEmail.objects.get(to="leyla@example.org")
    assert queued.sent_at is not None
    assert queued.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["leyla@example.org"]
    assert mail.outbox[0].subject == queued.subject
    assert "/en/accounts/confirm-email/" in mail.outbox[0].body


def test_verification_email_is_written_in_the_language_the_user_signed_up_in(client, reference_data, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks, language="ru", preferred_language="ru")

    with translation.override("ru"):
        russian_subject = "[RTCM] " + translation.gettext("Please Confirm Your Email Address")
    assert russian_subject != "[RTCM] Please Confirm Your Email Address"
    assert OutboundEmail.objects.get(to="leyla@example.org").language == "ru"
    assert mail.outbox[0].subject == russian_subject
    assert "/ru/accounts/confirm-email/" in mail.outbox[0].body


def test_confirmation_link_shows_a_form_and_posting_it_verifies_and_logs_in(client, reference_data, django_capture_on_commit_callbacks):
    _sign_up(client, django_capture_on_commit_callbacks)
    path = _confirmation_path(mail.outbox[0].body)

    page = client.get(path)
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode().lower()
    assert not EmailAddress.objects.get(email="leyla@example.org").verified

    confirmed = client.post(path)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="leyla@example.org").verified
    assert int(client.session["_auth_user_id"]) == User.objects.get(email="leyla@example.org").pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"country": None}, "country", id="missing-country"),
        pytest.param({"country": "999999"}, "country", id="unknown-country"),
        pytest.param({"organisation_category": None}, "organisation_category", id="organisation-without-type"),
        pytest.param({"email": "not-an-email"}, "email", id="bad-email"),
        pytest.param({"password2": "something-else-2026"}, "password2", id="mismatched-passwords"),
        pytest.param({"password1": "123", "password2": "123"}, "password1", id="too-short-password"),
        pytest.param({"first_name": ""}, "first_name", id="missing-first-name"),
        pytest.param({"gender": "robot"}, "gender", id="unknown-gender"),
        pytest.param({"preferred_language": "fr"}, "preferred_language", id="unsupported-language"),
    ],
)
def test_bad_sign_up_input_redisplays_the_form_with_an_error_and_creates_no_user(
    client, reference_data, django_capture_on_commit_callbacks, overrides, field
):
    users_before = User.objects.count()

    response = _sign_up(client, django_capture_on_commit_callbacks, **overrides)

    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert User.objects.count() == users_before
    assert not mail.outbox


def test_signing_up_with_a_taken_email_creates_no_account_and_tells_the_owner_by_email(
    client, reference_data, django_capture_on_commit_callbacks
):
    # allauth's enumeration protection: the page looks like a normal sign-up, the owner gets a notice.
    existing = UserFactory(email="leyla@example.org", role="trainer", preferred_language="ru")

    response = _sign_up(client, django_capture_on_commit_callbacks, email="Leyla@Example.org")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="leyla@example.org").count() == 1
    existing.refresh_from_db()
    assert existing.first_name != "Leyla"
    assert list(existing.groups.values_list("name", flat=True)) == ["Trainers"]
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mail.outbox] == [["leyla@example.org"]]
    # the notice goes out in the owner's preferred language (Russian), not the sign-up page's English
    assert mail.outbox[0].subject == "[RTCM] Учетная запись уже существует"
    assert "leyla@example.org" in mail.outbox[0].body
    assert "Региональный учебный центр по миграции" in mail.outbox[0].body
