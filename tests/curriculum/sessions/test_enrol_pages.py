"""The coordinator's bulk enrolment page: a dry run that writes nothing, then a confirmation that enrols."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from curriculum.models import SessionApplication
from people.models import User

HEADER = "email,first_name,last_name,gender,country,organisation,organisation_type,language\n"
GOOD = "aysel@example.org,Aysel,Quliyeva,female,AZ,Dövlət Miqrasiya Xidməti,government,az\n"
BAD = "not-an-email,Иван,Петров,male,XX,,,ru\n"


@pytest.fixture
def as_coordinator(client, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    client.force_login(coordinator)
    return client


def upload(client, session, text: str, name: str = "participants.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(f"/admin/sessions/{session.pk}/enrol/", {"file": file})


def test_the_dry_run_reports_each_invalid_row_and_enrols_nobody(as_coordinator, session):
    response = upload(as_coordinator, session, HEADER + GOOD + BAD)

    assert response.status_code == 200
    assert [row.row_number for row in response.context["report"].invalid_rows] == [3]
    assert response.context["counts"]["new"] == 1
    assert not SessionApplication.objects.exists()
    assert not User.objects.filter(email="aysel@example.org").exists()


def test_confirming_the_valid_rows_enrols_them_with_a_seat(as_coordinator, session):
    upload(as_coordinator, session, HEADER + GOOD + BAD)

    response = as_coordinator.post(f"/admin/sessions/{session.pk}/enrol/", {"confirm": "1", "only_valid_rows": "yes"})

    assert response.status_code == 302
    assert list(SessionApplication.objects.values_list("trainee__email", "status")) == [("aysel@example.org", "approved")]


def test_confirming_a_file_with_invalid_rows_without_the_valid_rows_choice_enrols_nobody(as_coordinator, session):
    upload(as_coordinator, session, HEADER + GOOD + BAD)

    response = as_coordinator.post(f"/admin/sessions/{session.pk}/enrol/", {"confirm": "1"})

    assert response.status_code == 400
    assert not SessionApplication.objects.exists()


def test_confirming_with_nothing_checked_asks_for_the_file(as_coordinator, session):
    response = as_coordinator.post(f"/admin/sessions/{session.pk}/enrol/", {"confirm": "1"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"/admin/sessions/{session.pk}/enrol/")


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_its_reason(as_coordinator, session):
    response = upload(as_coordinator, session, "hello", name="participants.txt")

    assert response.status_code == 400
    assert response.context["report"].file_error
