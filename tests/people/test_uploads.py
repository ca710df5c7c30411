"""Import spreadsheets waiting for confirmation list people: they wait in the private storage, never in MEDIA_ROOT,
and go once confirmed, cancelled or replaced, or after a day by the beat task."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from curriculum.models import ThematicPart
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

ROSTER = "email,first_name,last_name,gender,nationality,chapters,languages,status\nleyla@example.org,Leyla,Həsənova,female,Azerbaijani,13:lead,az:native,vetted\n"
PARTICIPANTS = (
    "email,first_name,last_name,gender,country,organisation,organisation_type,language\naysel@example.org,Aysel,Quliyeva,female,AZ,,,az\n"
)


@pytest.fixture
def folders(settings, tmp_path) -> tuple[Path, Path]:
    """MEDIA_ROOT and the private storage as real folders, as in production."""
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": private}},
    }
    return media, private


def _files(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _dirs, names in os.walk(folder) for name in names]


def _check_roster(client, text: str = ROSTER):
    return client.post("/admin/roster/import/", {"file": SimpleUploadedFile("roster.csv", text.encode(), content_type="text/csv")})


def test_a_checked_spreadsheet_waits_outside_media_root_where_no_url_serves_it(client, coordinator, folders):
    media, private = folders
    client.force_login(coordinator)

    response = _check_roster(client)

    assert response.status_code == 200 and response.context["report"].can_import
    assert _files(media) == []
    (stashed,) = _files(private)
    assert "leyla@example.org" in stashed.read_text()
    assert "roster" not in stashed.name  # the name says nothing of the original file
    assert client.get(f"{django_settings.MEDIA_URL}{stashed.relative_to(private).as_posix()}").status_code == 404


def test_the_private_storage_is_outside_media_root_by_default():
    from config.settings import base

    assert not Path(base.PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(base.MEDIA_ROOT).resolve())
    assert base.STORAGES["private"]["OPTIONS"]["location"] == base.PRIVATE_MEDIA_ROOT


def test_cancelling_a_checked_roster_deletes_the_file_and_imports_nothing(client, coordinator, folders):
    from experts.models import ExpertProfile

    _media, private = folders
    client.force_login(coordinator)
    _check_roster(client)

    response = client.post("/admin/roster/import/", {"cancel": "1"})

    assert response.status_code == 302
    assert _files(private) == []
    assert not ExpertProfile.objects.exists()
    assert client.post("/admin/roster/import/", {"confirm": "1"}).status_code == 302  # nothing left to confirm
    assert not ExpertProfile.objects.exists()


def test_confirming_a_checked_roster_deletes_the_file(client, coordinator, folders):
    _media, private = folders
    client.force_login(coordinator)
    _check_roster(client)

    response = client.post("/admin/roster/import/", {"confirm": "1"})

    assert response.status_code == 302
    assert _files(private) == []


def test_checking_another_spreadsheet_replaces_the_first_file(client, coordinator, folders):
    _media, private = folders
    client.force_login(coordinator)
    _check_roster(client)

    _check_roster(client, ROSTER.replace("leyla@", "lale@"))

    (stashed,) = _files(private)
    assert "lale@example.org" in stashed.read_text()


def test_cancelling_a_checked_enrolment_deletes_the_file_and_enrols_nobody(client, coordinator, folders, site):
    from curriculum.models import SessionApplication

    _media, private = folders
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    session = TrainingSessionFactory(module=ModulePageFactory(parent=part, code="M13"))
    client.force_login(coordinator)
    url = f"/admin/sessions/{session.pk}/enrol/"
    client.post(url, {"file": SimpleUploadedFile("participants.csv", PARTICIPANTS.encode(), content_type="text/csv")})
    assert len(_files(private)) == 1

    response = client.post(url, {"cancel": "1"})

    assert response.status_code == 302
    assert _files(private) == []
    assert not SessionApplication.objects.exists()


def test_unconfirmed_spreadsheets_older_than_a_day_are_deleted_by_the_hourly_beat_task(client, coordinator, folders):
    from people.tasks import stale_uploads_delete

    _media, private = folders
    client.force_login(coordinator)
    _check_roster(client)
    (old,) = _files(private)
    day_and_a_minute_ago = (datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=24, minutes=1)).timestamp()
    os.utime(old, (day_and_a_minute_ago, day_and_a_minute_ago))
    client.logout()
    client.force_login(coordinator)
    _check_roster(client, ROSTER.replace("leyla@", "lale@"))  # checked afresh in another sign-in: it stays
    young = next(path for path in _files(private) if path != old)

    deleted = stale_uploads_delete.delay().get()

    assert deleted == 1
    assert _files(private) == [young]
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["people.tasks.stale_uploads_delete"] <= 3600
