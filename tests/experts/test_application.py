"""The public application form: a complete application creates the expert; any error saves nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from experts.models import AvailabilityWindow, ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus
from people.models import OutboundEmail, User
from tests.factories.experts import ExpertProfileFactory, pdf_upload

APPLY_URL = "/en/experts/apply/"


def application(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Nigar",
        "last_name": "Fictional",
        "email": "nigar@example.org",
        "gender": "female",
        "country_of_residence": "",
        "nationality": "Azerbaijani",
        "organisation_name": "Fictional Migration Institute",
        "migrant_or_diaspora_background": "yes",
        "tot_experience": "on",
        "short_bio": "<b>Labour</b> migration researcher.<script>alert(1)</script>",
        "cv": pdf_upload(),
        "chapter_3": "lead",
        "chapter_12": "practitioner",
        "language_ru": "native",
        "language_en": "working",
        "available_from": "2027-03-01",
        "available_until": "2027-03-31",
        "consent_to_be_listed": "on",
        "public_bio": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def assert_nothing_saved() -> None:
    assert ExpertProfile.objects.count() == 0
    assert ExpertChapter.objects.count() == 0
    assert ExpertLanguage.objects.count() == 0
    assert AvailabilityWindow.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_the_application_form_opens_for_anonymous_visitors_with_every_chapter(site, client):
    response = client.get(APPLY_URL)

    assert response.status_code == 200
    assert len(response.context["form"].chapter_fields) == 22


def test_a_complete_application_creates_the_expert_and_emails_a_confirmation(site, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, application())

    assert response.status_code == 302
    assert response["Location"] == "/en/experts/apply/thanks/"
    expert = ExpertProfile.objects.get(user__email="nigar@example.org")
    assert expert.status == ExpertStatus.APPLIED
    assert expert.user.groups.filter(name="Experts").exists()
    assert not expert.user.has_usable_password()
    assert expert.user.preferred_language == "en"
    assert {(link.chapter.number, link.depth) for link in expert.chapter_links.all()} == {(3, "lead"), (12, "practitioner")}
    assert {(link.language.code, link.level) for link in expert.language_links.all()} == {("ru", "native"), ("en", "working")}
    assert expert.short_bio == "Labour migration researcher.alert(1)"
    assert expert.migrant_or_diaspora_background is True
    assert expert.consent_given_at is not None
    assert expert.public_bio and not expert.public_chapters
    assert expert.cv.name.endswith(".pdf")
    assert expert.availability.get().end.isoformat() == "2027-03-31"
    assert [message.to for message in mail.outbox] == [["nigar@example.org"]]
    assert "expert roster" in mail.outbox[0].subject


def test_the_confirmation_is_written_in_the_language_the_applicant_used(site, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/ru/experts/apply/", application())

    email = OutboundEmail.objects.get()
    assert email.language == "ru"
    assert User.objects.get(email="nigar@example.org").preferred_language == "ru"


def test_the_thank_you_page_opens(site, client):
    assert client.get("/en/experts/apply/thanks/").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"chapter_3": None, "chapter_12": None}, "at least one thematic chapter"),
        ({"language_ru": None, "language_en": None}, "at least one working language"),
        ({"consent_to_be_listed": None}, "needs your consent"),
        ({"cv": None}, "This field is required"),
        ({"cv": SimpleUploadedFile("cv.exe", b"MZ binary")}, "PDF or DOCX"),
        ({"cv": SimpleUploadedFile("cv.pdf", b"MZ not really a pdf")}, "not a valid PDF or DOCX"),
        ({"cv": pdf_upload(size=5 * 1024 * 1024 + 1)}, "at most 5 MB"),
        ({"chapter_3": "guru"}, "Select a valid choice"),
        ({"available_until": "2027-02-01"}, "cannot be before its start"),
        ({"available_until": None}, "both dates"),
        ({"short_bio": "x" * 1501}, "at most 1500 characters"),
        ({"email": "not-an-address"}, "valid email address"),
    ],
    ids=[
        "no chapters",
        "no languages",
        "no consent",
        "no cv",
        "cv type",
        "cv content",
        "cv size",
        "bad depth",
        "dates",
        "half dates",
        "long bio",
        "email",
    ],
)
def test_an_invalid_application_is_shown_again_with_the_error_and_saves_nothing(site, client, overrides, message):
    response = client.post(APPLY_URL, application(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert_nothing_saved()
    assert not User.objects.filter(email="nigar@example.org").exists()


def test_an_application_with_an_e_mail_that_has_an_account_asks_to_sign_in_and_saves_nothing(site, client, trainee):
    response = client.post(APPLY_URL, application(email="TRAINEE@example.org"))

    assert response.status_code == 200
    assert "sign in first" in response.content.decode()
    assert_nothing_saved()


def test_a_signed_in_user_sees_the_form_filled_in_and_applies_with_their_account(site, client, trainee):
    client.force_login(trainee)

    form = client.get(APPLY_URL).context["form"]
    response = client.post(APPLY_URL, application(email="someone-else@example.org"))

    assert form.initial["email"] == "trainee@example.org"
    assert response.status_code == 302
    expert = ExpertProfile.objects.get()
    assert expert.user == trainee
    assert set(trainee.groups.values_list("name", flat=True)) == {"Trainees", "Experts"}
    assert not User.objects.filter(email="someone-else@example.org").exists()


def test_an_expert_who_already_applied_is_told_so_instead_of_getting_the_form(site, client):
    expert = ExpertProfileFactory()
    client.force_login(expert.user)

    response = client.post(APPLY_URL, application())

    assert response.status_code == 200
    assert response.context["already_applied"] is True
    assert ExpertProfile.objects.count() == 1
