"""The coordinator's import pages: a dry run that writes nothing, then a confirmation that imports."""

from __future__ import annotations

import pytest

from experts.models import ExpertProfile

HEADER = "email,first_name,last_name,gender,nationality,chapters,languages,status\n"
GOOD = "leyla@example.org,Leyla,Həsənova,female,Azerbaijani,13:lead,ru:native; az:native,vetted\n"
BAD = "not-an-email,Ivan,Petrov,male,Russian,23:lead,ru:native,vetted\n"


def upload(client, text: str, name: str = "roster.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/admin/roster/import/", {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")})


@pytest.fixture
def as_coordinator(client, coordinator, media_root):
    client.force_login(coordinator)
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_the_dry_run_reports_each_invalid_row_and_writes_nothing(as_coordinator):
    response = upload(as_coordinator, HEADER + GOOD + BAD)

    assert response.status_code == 200
    report = response.context["report"]
    assert [row.row_number for row in report.invalid_rows] == [3]
    assert len(report.invalid_rows[0].reasons) == 2
    assert "Row" in response.content.decode() or "3" in response.content.decode()
    assert not ExpertProfile.objects.exists()


def test_confirming_without_the_valid_rows_only_choice_imports_nothing_while_rows_are_invalid(as_coordinator):
    upload(as_coordinator, HEADER + GOOD + BAD)

    response = as_coordinator.post("/admin/roster/import/", {"confirm": "1"})

    assert response.status_code == 400
    assert not ExpertProfile.objects.exists()


def test_confirming_the_valid_rows_imports_them(as_coordinator):
    upload(as_coordinator, HEADER + GOOD + BAD)

    response = as_coordinator.post("/admin/roster/import/", {"confirm": "1", "only_valid_rows": "yes"})

    assert response.status_code == 302
    assert list(ExpertProfile.objects.values_list("user__email", "status")) == [("leyla@example.org", "vetted")]


def test_a_clean_file_imported_twice_creates_no_duplicates(as_coordinator):
    for _time in range(2):
        upload(as_coordinator, HEADER + GOOD)
        as_coordinator.post("/admin/roster/import/", {"confirm": "1"})

    assert ExpertProfile.objects.count() == 1


def test_confirming_without_a_checked_file_asks_for_the_file_again(as_coordinator):
    response = as_coordinator.post("/admin/roster/import/", {"confirm": "1"})

    assert response.status_code == 302
    assert response["Location"].endswith("/admin/roster/import/")


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_its_reason(as_coordinator):
    response = upload(as_coordinator, "hello", name="roster.txt")

    assert response.status_code == 400
    assert response.context["report"].file_error


def test_the_export_downloads_the_listed_experts_as_csv(as_coordinator, reference_data):
    from tests.factories.experts import ExpertProfileFactory

    ExpertProfileFactory(user__email="listed@example.org", user__last_name="Quliyeva")
    ExpertProfileFactory(user__email="unlisted@example.org", consent_to_be_listed=False, consent_given_at=None)

    response = as_coordinator.get("/admin/roster/export/", {"format": "csv"})

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "listed@example.org" in text and "Quliyeva" in text
    assert "unlisted@example.org" not in text
