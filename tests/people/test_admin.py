"""The Wagtail admin: who gets in, the coordinators' organisation list and e-mail log, user management."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone, translation

from people.models import Country, Organisation, OutboundEmail, ParticipantLevel, StakeholderCategory, User
from tests.factories.people import OrganisationFactory

# the role fixtures are reached through request.getfixturevalue, which pytest-django cannot see
pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["trainee", "expert"])
def test_trainees_and_experts_are_turned_away_from_the_admin(client, role, request):
    response = _as(client, request.getfixturevalue(role)).get("/admin/", follow=True)

    # through the admin's login address to its 403 page, not back to the admin
    assert [url for url, _status in response.redirect_chain] == ["/admin/login/?next=/admin/"]
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page_from_the_admin(client, reference_data):
    response = client.get("/admin/", follow=True)

    first, second = (urlsplit(url) for url, _status in response.redirect_chain)
    assert (first.path, parse_qs(first.query)) == ("/admin/login/", {"next": ["/admin/"]})
    assert (second.path, parse_qs(second.query)) == ("/az/accounts/login/", {"next": ["/admin/"]})
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["trainer", "coordinator", "administrator"])
def test_trainers_coordinators_and_administrators_open_the_admin(client, role, request):
    response = _as(client, request.getfixturevalue(role)).get("/admin/")

    assert response.status_code == 200


# Organisations


@pytest.fixture
def organisations(reference_data):
    government = StakeholderCategory.objects.get(code="government")
    media = StakeholderCategory.objects.get(code="media")
    return {
        "sms": OrganisationFactory(name="State Migration Service", country=Country.objects.get(iso_code="AZ"), category=government),
        "psda": OrganisationFactory(
            name="Public Service Development Agency", country=Country.objects.get(iso_code="GE"), category=government
        ),
        "radio": OrganisationFactory(name="Radio Azadliq", country=Country.objects.get(iso_code="AZ"), category=media),
    }


def test_coordinator_sees_the_organisation_list_with_country_and_category(client, coordinator, organisations):
    response = _as(client, coordinator).get("/admin/organisations/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "State Migration Service" in page
    assert "Public Service Development Agency" in page
    assert "Government body" in page or "Dövlət qurumu" in page


def test_coordinator_filters_organisations_by_country(client, coordinator, organisations):
    georgia = Country.objects.get(iso_code="GE")

    response = _as(client, coordinator).get("/admin/organisations/", {"country": georgia.pk})

    assert [o.name for o in response.context["object_list"]] == ["Public Service Development Agency"]


def test_coordinator_filters_organisations_by_category(client, coordinator, organisations):
    media = StakeholderCategory.objects.get(code="media")

    response = _as(client, coordinator).get("/admin/organisations/", {"category": media.pk})

    assert [o.name for o in response.context["object_list"]] == ["Radio Azadliq"]


def test_coordinator_searches_organisations_by_name(client, coordinator, organisations):
    response = _as(client, coordinator).get("/admin/organisations/", {"q": "migration"})

    assert [o.name for o in response.context["object_list"]] == ["State Migration Service"]


def test_coordinator_adds_an_organisation(client, coordinator, reference_data):
    response = _as(client, coordinator).post(
        "/admin/organisations/new/",
        {
            "name": "Migration Research Centre",
            "country": Country.objects.get(iso_code="KG").pk,
            "category": StakeholderCategory.objects.get(code="hei").pk,
        },
    )

    assert response.status_code == 302
    created = Organisation.objects.get(name="Migration Research Centre")
    assert (created.country.iso_code, created.category.code) == ("KG", "hei")


def test_coordinator_edits_an_organisation(client, coordinator, organisations):
    sms = organisations["sms"]

    response = _as(client, coordinator).post(
        f"/admin/organisations/edit/{sms.pk}/",
        {"name": "State Migration Service of Azerbaijan", "country": sms.country_id, "category": sms.category_id},
    )

    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.name == "State Migration Service of Azerbaijan"


def test_trainer_cannot_open_the_organisation_list(client, trainer, organisations):
    response = _as(client, trainer).get("/admin/organisations/")

    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


# The e-mail log


@pytest.fixture
def email_log(reference_data):
    return [
        OutboundEmail.objects.create(
            to="sent@example.org", subject="Your session starts on Monday", body_text="…", sent_at=timezone.now(), attempts=1
        ),
        OutboundEmail.objects.create(
            to="bounced@example.org", subject="Confirm your e-mail", body_text="…", attempts=3, last_error="Connection refused"
        ),
    ]


def test_coordinator_reads_the_email_log_with_errors(client, coordinator, email_log):
    response = _as(client, coordinator).get("/admin/email-log/")

    assert response.status_code == 200
    page = response.content.decode()
    for text in ("sent@example.org", "Your session starts on Monday", "bounced@example.org", "Connection refused"):
        assert text in page


def test_the_email_log_says_what_kind_each_email_is_and_how_its_delivery_went(client, coordinator, email_log):
    OutboundEmail.objects.filter(pk=email_log[1].pk).update(kind=OutboundEmail.Kind.ADDRESS_CONFIRMATION)

    response = _as(client, coordinator).get("/admin/email-log/")

    page = response.content.decode()
    with translation.override(response["Content-Language"]):
        labels = [OutboundEmail.Kind.ADDRESS_CONFIRMATION.label, OutboundEmail.Kind.OTHER.label]
        labels += [OutboundEmail.Status.SENT.label, OutboundEmail.Status.FAILED.label]
        for label in labels:
            assert str(label) in page


def test_coordinator_opens_one_email_of_the_log(client, coordinator, email_log):
    response = _as(client, coordinator).get(f"/admin/email-log/inspect/{email_log[1].pk}/")

    assert response.status_code == 200
    assert "Connection refused" in response.content.decode()


def test_trainer_cannot_read_the_email_log(client, trainer, email_log):
    response = _as(client, trainer).get("/admin/email-log/")

    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize("path", ["/admin/email-log/new/", "/admin/email-log/edit/{pk}/", "/admin/email-log/delete/{pk}/"])
def test_nobody_adds_edits_or_deletes_logged_emails_in_the_admin(client, administrator, email_log, path):
    response = _as(client, administrator).get(path.format(pk=email_log[0].pk), follow=True)

    assert response.status_code == 404


def test_email_log_offers_no_add_or_edit_links_even_to_administrators(client, administrator, email_log):
    page = _as(client, administrator).get("/admin/email-log/").content.decode()

    assert "/admin/email-log/new/" not in page
    assert f"/admin/email-log/edit/{email_log[0].pk}/" not in page
    assert f"/admin/email-log/inspect/{email_log[0].pk}/" in page


# User management with the custom User model (e-mail login, profile fields)


def test_administrator_opens_the_user_list(client, administrator, trainee):
    response = _as(client, administrator).get("/admin/users/")

    assert response.status_code == 200
    assert "trainee@example.org" in response.content.decode()


def test_user_forms_show_the_profile_fields(client, administrator, trainee):
    _as(client, administrator)
    for path in ("/admin/users/new/", f"/admin/users/edit/{trainee.pk}/"):
        page = client.get(path).content.decode()
        for field in ("gender", "country", "organisation", "position_level", "preferred_language"):
            assert f'name="{field}"' in page, f"{field} missing on {path}"


def test_administrator_creates_a_user_with_profile_fields(client, administrator, organisations):
    response = _as(client, administrator).post(
        "/admin/users/new/",
        {
            "email": "new.coordinator@example.org",
            "first_name": "Aysel",
            "last_name": "Hüseynova",
            "password1": "border-management-2026!",
            "password2": "border-management-2026!",
            "gender": User.Gender.FEMALE,
            "country": Country.objects.get(iso_code="AZ").pk,
            "organisation": organisations["sms"].pk,
            "position_level": ParticipantLevel.objects.get(code="senior").pk,
            "preferred_language": "en",
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    user = User.objects.get(email="new.coordinator@example.org")
    assert (user.first_name, user.gender, user.country.iso_code, user.preferred_language) == ("Aysel", "female", "AZ", "en")
    assert (user.organisation, user.position_level.code) == (organisations["sms"], "senior")
    assert user.check_password("border-management-2026!")


def test_administrator_edits_a_users_profile(client, administrator, trainee, organisations):
    response = _as(client, administrator).post(
        f"/admin/users/edit/{trainee.pk}/",
        {
            "email": trainee.email,
            "first_name": trainee.first_name,
            "last_name": trainee.last_name,
            "is_active": "on",
            "gender": User.Gender.MALE,
            "country": Country.objects.get(iso_code="UZ").pk,
            "organisation": organisations["radio"].pk,
            "position_level": ParticipantLevel.objects.get(code="practitioner").pk,
            "preferred_language": "ru",
            "groups": list(trainee.groups.values_list("pk", flat=True)),
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    trainee.refresh_from_db()
    assert (trainee.gender, trainee.country.iso_code, trainee.preferred_language) == ("male", "UZ", "ru")
    assert trainee.organisation == organisations["radio"]
    assert list(trainee.groups.values_list("name", flat=True)) == ["Trainees"]


def test_creating_a_user_with_a_taken_email_shows_an_error(client, administrator, trainee):
    users_before = User.objects.count()

    response = _as(client, administrator).post(
        "/admin/users/new/",
        {
            "email": "trainee@example.org",
            "first_name": "A",
            "last_name": "B",
            "password1": "border-management-2026!",
            "password2": "border-management-2026!",
            "gender": User.Gender.FEMALE,
            "preferred_language": "az",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.count() == users_before


def test_coordinator_cannot_create_users(client, coordinator):
    response = _as(client, coordinator).get("/admin/users/new/")

    assert response.status_code in {302, 403}


def test_people_menu_lists_organisations_and_email_log_for_coordinators_only(client, coordinator, trainer):
    coordinator_page = _as(client, coordinator).get("/admin/").content.decode()
    trainer_page = _as(client, trainer).get("/admin/").content.decode()

    for path in ("/admin/organisations/", "/admin/email-log/"):
        assert path in coordinator_page
        assert path not in trainer_page


def test_a_coordinator_reads_the_redacted_copy_of_a_password_reset_email_and_never_its_link(client, coordinator, administrator):
    client.post("/en/accounts/password/reset/", {"email": administrator.email})
    email = OutboundEmail.objects.get(to=administrator.email)

    response = _as(client, coordinator).get(f"/admin/email-log/inspect/{email.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert email.subject in page
    assert "/accounts/password/reset/key/" not in email.body_text
    assert "/accounts/password/reset/key/" not in page


def test_an_administrator_reads_the_body_of_a_logged_email(client, administrator):
    email = OutboundEmail.objects.create(to="trainee@example.org", subject="Approved", body_text="Your seat is confirmed for Monday.")

    response = _as(client, administrator).get(f"/admin/email-log/inspect/{email.pk}/")

    assert response.status_code == 200
    assert "Your seat is confirmed for Monday." in response.content.decode()
