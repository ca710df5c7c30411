"""The public expert application is rate limited: an applicant correcting mistakes never meets the limit, a
flood from one address or for one e-mail is refused with a translated 429 before anything, the CV included, is stored."""

from __future__ import annotations

from django.core.files.storage import storages
from django.test import Client

from experts.models import ExpertProfile
from people.models import OutboundEmail, User
from tests.experts.test_application import APPLY_URL, application
from tests.factories.experts import pdf_upload

APPLICATIONS_PER_ADDRESS = 20  # ACCOUNT_RATE_LIMITS["expert_apply"]: 20 an hour per address
APPLICATIONS_PER_EMAIL = 10  # and 10 an hour for one e-mail, from any address


def stored_files(directory: str = "") -> list[str]:
    """Every file in the private storage, where CVs go."""
    storage = storages["private"]
    directories, files = storage.listdir(directory)
    found = [f"{directory}/{name}".lstrip("/") for name in files]
    for name in directories:
        found += stored_files(f"{directory}/{name}".lstrip("/"))
    return found


def test_an_applicant_who_corrects_a_few_mistakes_is_never_refused(site, client):
    mistakes = (
        {"cv": None},
        {"chapter_3": None, "chapter_12": None},
        {"cv": pdf_upload(size=5 * 1024 * 1024 + 1)},
        {"language_ru": None, "language_en": None},
    )
    for mistake in mistakes:
        assert client.post(APPLY_URL, application(**mistake)).status_code == 200

    response = client.post(APPLY_URL, application())

    assert response.status_code == 302
    assert ExpertProfile.objects.filter(user__email="nigar@example.org").exists()


def test_beyond_twenty_applications_an_hour_from_one_address_the_next_is_refused_in_russian_and_stores_nothing(site, client):
    files_before = stored_files()  # the storage of the test settings lives as long as the test process
    for number in range(APPLICATIONS_PER_ADDRESS):
        # incomplete, so each is answered with its errors and saves nothing
        client.post(APPLY_URL, application(email=f"applicant{number}@example.org", chapter_3=None, chapter_12=None))
    assert stored_files() == files_before

    response = client.post(APPLY_URL.replace("/en/", "/ru/"), application(email="new.applicant@example.org"))

    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert "Слишком много запросов" in page
    assert not User.objects.filter(email="new.applicant@example.org").exists()
    assert ExpertProfile.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert stored_files() == files_before
    # another address is not held back by this one
    assert Client(REMOTE_ADDR="198.51.100.23").post(APPLY_URL, application(email="new.applicant@example.org")).status_code == 302


def test_beyond_ten_applications_an_hour_for_one_email_the_next_is_refused_from_any_address(site):
    files_before = stored_files()
    for number in range(APPLICATIONS_PER_EMAIL):
        Client(REMOTE_ADDR=f"203.0.113.{number}").post(APPLY_URL, application(chapter_3=None, chapter_12=None))

    response = Client(REMOTE_ADDR="198.51.100.23").post(APPLY_URL, application())

    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert ExpertProfile.objects.count() == 0
    assert stored_files() == files_before
