"""Files on an S3-compatible object store (config/storage.py), against moto's S3 server (tests/object_store.py).

With the store configured, every file the platform makes or receives (certificates, module PDF packs, exports, experts'
CVs, import spreadsheets, Wagtail's images and documents) is an object in the bucket and nothing is written to the local
disk; the download views still check who asks and stream the bytes; objects are private (an unsigned read is refused)
and any URL the storage makes is signed and short-lived; a store that does not answer gives a 503 page, not a 500.
"""

from __future__ import annotations

import datetime
import io
import types
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage, storages
from django.utils import timezone
from PIL import Image as PillowImage

from assessments.models import ExportJob, ExportStatus
from config.storage import ObjectStorage, SiteMediaStorage, StorageUnavailable
from curriculum.models import Certificate
from experts.models import ExpertProfile
from tests.factories.people import UserFactory
from tests.faults.conftest import settings_from_environment
from tests.object_store import Bucket, MotoServer, bucket_create, free_port
from tests.real_services import REPOSITORY

URL_SECONDS = 120


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """moto's S3 server for this test run; killed by its PID at the end."""
    server = MotoServer(tmp_path_factory.mktemp("moto") / "moto.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()


def _storages_on(bucket: Bucket, **options: object) -> dict[str, dict[str, object]]:
    return {
        "default": {"BACKEND": "config.storage.SiteMediaStorage", "OPTIONS": {**bucket.storage_options("media", URL_SECONDS), **options}},
        "private": {"BACKEND": "config.storage.ObjectStorage", "OPTIONS": {**bucket.storage_options("private", URL_SECONDS), **options}},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _private_fields_use(monkeypatch: pytest.MonkeyPatch, storage: object) -> None:
    """The file fields of the private storage took its instance when their models loaded: point them at this one."""
    for model, name in ((Certificate, "file"), (ExportJob, "file"), (ExpertProfile, "cv")):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)


@pytest.fixture
def local_disk(settings, tmp_path: Path) -> Path:
    """MEDIA_ROOT and PRIVATE_MEDIA_ROOT in a folder of the test's own, to show nothing lands there."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture
def object_store(moto_server: MotoServer, settings, monkeypatch: pytest.MonkeyPatch, local_disk: Path) -> Bucket:
    """Both storages on a new bucket of the moto server, as STORAGE_S3_BUCKET and its variables make them."""
    bucket = bucket_create(moto_server)
    settings.STORAGE_S3_BUCKET = bucket.name
    settings.STORAGES = _storages_on(bucket)
    _private_fields_use(monkeypatch, storages["private"])
    return bucket


def _nothing_on_disk(folder: Path) -> bool:
    return not [path for path in folder.rglob("*") if path.is_file()]


def _settings_with(monkeypatch: pytest.MonkeyPatch, **variables: str) -> types.ModuleType:
    """config/settings/base.py evaluated afresh with these environment variables, as a new process would read it."""
    return settings_from_environment(monkeypatch, **variables)


def _png() -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (40, 30), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local http:// URL of the test's server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# Settings


def test_the_bucket_and_its_keys_put_both_storages_in_the_store_private_with_short_signed_links(monkeypatch, moto_server):
    bucket = Bucket(server=moto_server, name="rtcm-settings")

    module = _settings_with(monkeypatch, **bucket.environment(STORAGE_S3_URL_SECONDS="240"))

    default = SiteMediaStorage(**module.STORAGES["default"]["OPTIONS"])
    private = ObjectStorage(**module.STORAGES["private"]["OPTIONS"])
    assert module.STORAGES["default"]["BACKEND"] == "config.storage.SiteMediaStorage"
    assert module.STORAGES["private"]["BACKEND"] == "config.storage.ObjectStorage"
    for storage, location in ((default, "media"), (private, "private")):
        assert (storage.bucket_name, storage.location, storage.endpoint_url) == ("rtcm-settings", location, moto_server.endpoint)
        assert storage.default_acl == "private"
        assert storage.querystring_auth is True
        assert storage.querystring_expire == 240
        assert storage.file_overwrite is False


def test_without_the_variables_files_stay_on_the_local_disk(monkeypatch):
    for name in ("STORAGE_S3_BUCKET", "STORAGE_S3_ACCESS_KEY_ID", "STORAGE_S3_SECRET_ACCESS_KEY", "STORAGE_S3_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)

    module = _settings_with(monkeypatch, PRIVATE_MEDIA_ROOT="/srv/rtcm-private")

    assert module.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert module.STORAGES["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert module.STORAGES["private"]["OPTIONS"]["location"] == Path("/srv/rtcm-private")


@pytest.mark.parametrize("missing", ["STORAGE_S3_BUCKET", "STORAGE_S3_ACCESS_KEY_ID", "STORAGE_S3_SECRET_ACCESS_KEY"])
def test_half_a_configuration_of_the_store_stops_the_settings_naming_what_is_missing(monkeypatch, moto_server, missing):
    variables = Bucket(server=moto_server, name="rtcm-half").environment()
    variables[missing] = ""

    with pytest.raises(ImproperlyConfigured, match=f"missing: {missing}"):
        _settings_with(monkeypatch, **variables)


def test_a_signed_link_living_longer_than_an_hour_is_refused(monkeypatch, moto_server):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_S3_URL_SECONDS"):
        _settings_with(monkeypatch, **Bucket(server=moto_server, name="rtcm-long").environment(STORAGE_S3_URL_SECONDS="86400"))


def test_the_production_settings_start_with_the_store_and_refuse_it_half_configured(tmp_path, moto_server):
    import subprocess
    import sys

    bucket = Bucket(server=moto_server, name="rtcm-production")
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "rtcm.example.org",
        "DATABASE_URL": "postgres://rtcm@127.0.0.1:5432/rtcm",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "SITE_URL": "https://rtcm.example.org",
        "RTCM_VAR_DIR": str(tmp_path),
        **bucket.environment(),
    }
    command = [sys.executable, "-c", "from django.conf import settings; print(settings.STORAGES['private']['BACKEND'])"]

    started = subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=60, check=False)
    half = subprocess.run(
        command,
        cwd=REPOSITORY,
        env={**environment, "STORAGE_S3_SECRET_ACCESS_KEY": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert started.stdout.strip() == "config.storage.ObjectStorage", started.stderr
    assert half.returncode != 0
    assert "missing: STORAGE_S3_SECRET_ACCESS_KEY" in half.stderr


# Every kind of file lands in the bucket


def _completed_application(trainee):
    from curriculum.models import ApplicationStatus, SessionApplication, SessionStatus
    from tests.factories.curriculum import ModulePageFactory, TrainingSessionFactory

    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=ModulePageFactory(),
        start_date=today - datetime.timedelta(days=3),
        end_date=today - datetime.timedelta(days=1),
        application_deadline=today - datetime.timedelta(days=9),
        status=SessionStatus.COMPLETED,
    )
    return SessionApplication.objects.create(session=session, trainee=trainee, status=ApplicationStatus.APPROVED, motivation="Storage.")


@pytest.fixture
def certificate(object_store, site, trainee) -> Certificate:
    """A completion certificate of the trainee, issued with its PDF while the store is configured."""
    from curriculum import certificates

    return certificates.certificate_issue(application=_completed_application(trainee), kind="completion")


def test_an_issued_certificate_pdf_is_a_private_object_in_the_bucket_and_nothing_is_on_the_local_disk(
    certificate, object_store, local_disk
):
    key = f"private/{certificate.file.name}"

    assert object_store.object_keys() == [key]
    assert object_store.read(key).startswith(b"%PDF-")
    assert [grant["Permission"] for grant in object_store.grants(key)] == ["FULL_CONTROL"]  # the owner's, nobody else's
    assert _nothing_on_disk(local_disk)


def test_the_certificate_download_streams_from_the_bucket_to_its_holder_and_to_nobody_else(certificate, object_store, client, trainee):
    url = f"/en/certificates/{certificate.code}/download/"

    anonymous = client.get(url)
    client.force_login(UserFactory(role="trainee", email="another.trainee@example.org"))
    stranger = client.get(url)
    client.force_login(trainee)
    holder = client.get(url)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert stranger.status_code == 404
    assert holder.status_code == 200
    assert "Location" not in holder
    assert b"".join(holder.streaming_content) == object_store.read(f"private/{certificate.file.name}")


def test_a_module_pdf_pack_is_rendered_into_the_bucket_and_downloads_for_who_may_take_the_module(
    object_store, client, site, trainer, django_capture_on_commit_callbacks, local_disk
):
    from tests.factories.curriculum import ModulePageFactory

    url = f"/az/modules/{ModulePageFactory().pk}/pdf/"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202  # queued, rendered by the (eager) task after the commit

    response = client.get(url)

    [key] = object_store.object_keys()
    assert key.startswith("media/module-packs/") and key.endswith(".pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == object_store.read(key)
    assert _nothing_on_disk(local_disk)


def test_an_export_is_stored_in_the_bucket_and_downloads_only_for_who_asked(object_store, client, coordinator, local_disk):
    from assessments.exports import EXPORT_KIND
    from assessments.jobs import job_run

    job = ExportJob.objects.create(kind=EXPORT_KIND, requested_by=coordinator, parameters={}, file_format="csv", language="en")
    assert job_run(job.pk, kind=EXPORT_KIND, make=lambda job, store: store("answers.csv", ContentFile(b"a,b\n1,2\n"))) == "done"
    job.refresh_from_db()
    url = f"/admin/surveys/exports/{job.pk}/download/"

    anonymous = client.get(url)
    client.force_login(UserFactory(role="trainer", email="someone.else@example.org"))
    other = client.get(url)
    client.force_login(coordinator)
    own = client.get(url)

    assert job.status == ExportStatus.DONE
    assert object_store.object_keys() == [f"private/{job.file.name}"]
    assert anonymous.status_code == 302
    assert other.status_code != 200 and not other.streaming  # the admin's 404 (sent on to the page tree)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == b"a,b\n1,2\n"
    assert _nothing_on_disk(local_disk)


def test_an_expert_cv_sent_with_the_application_form_is_in_the_bucket_and_only_the_roster_downloads_it(
    object_store, client, site, coordinator, trainer, django_capture_on_commit_callbacks, local_disk
):
    from tests.experts.test_application import APPLY_URL, application

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(APPLY_URL, application()).status_code == 302
    expert = ExpertProfile.objects.get()
    url = f"/admin/roster/cv/{expert.pk}/"

    client.force_login(trainer)
    refused = client.get(url)
    client.force_login(coordinator)
    allowed = client.get(url)

    assert object_store.object_keys() == [f"private/{expert.cv.name}"]
    assert refused.status_code == 302
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == object_store.read(f"private/{expert.cv.name}")
    assert _nothing_on_disk(local_disk)


def test_a_stashed_import_spreadsheet_is_in_the_bucket_until_discarded_and_a_stale_one_is_deleted(object_store, local_disk):
    from people import uploads

    kept = uploads.upload_stash(kind="roster", content=b"names")
    stale = uploads.upload_stash(kind="enrolment", content=b"more names")

    assert uploads.upload_read(kept) == b"names"
    assert object_store.object_keys() == sorted([f"private/{kept}", f"private/{stale}"])
    assert uploads.stale_uploads_delete(now=timezone.now() + datetime.timedelta(hours=25)) == 2
    assert object_store.object_keys() == []
    assert uploads.upload_read(kept) is None
    assert _nothing_on_disk(local_disk)


# Private objects, signed links


def test_a_signed_link_expires_within_the_configured_seconds_and_the_object_refuses_an_unsigned_read(object_store):
    private = storages["private"]
    name = private.save("certificates/signed.pdf", ContentFile(b"%PDF-1.7 signed"))

    signed = private.url(name)
    query = parse_qs(urlsplit(signed).query)
    unsigned = signed.split("?", 1)[0]

    assert 0 < int(query["X-Amz-Expires"][0]) <= URL_SECONDS
    assert "X-Amz-Signature" in query
    assert _get(signed) == (200, b"%PDF-1.7 signed")
    assert _get(unsigned)[0] == 403


# Images: the site's own URL, served from the bucket


def test_an_image_and_its_rendition_have_the_sites_own_url_and_are_served_from_the_bucket(object_store, client, db, local_disk):
    from wagtail.images.models import Image

    image = Image.objects.create(title="Map", file=ImageFile(io.BytesIO(_png()), name="map.png"))
    rendition = image.get_rendition("width-20")

    assert image.file.url == f"/media/{image.file.name}"
    assert rendition.url == f"/media/{rendition.file.name}"
    assert f"media/{image.file.name}" in object_store.object_keys() and f"media/{rendition.file.name}" in object_store.object_keys()
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("public")
    assert b"".join(response.streaming_content) == object_store.read(f"media/{rendition.file.name}")
    assert _nothing_on_disk(local_disk)


def test_the_media_address_serves_no_other_file_of_the_storage(object_store, client, administrator):
    default_storage.save("module-packs/pack.pdf", ContentFile(b"%PDF-1.7 pack"))
    default_storage.save("documents/handbook.pdf", ContentFile(b"%PDF-1.7 handbook"))
    default_storage.save("avatar_images/face.png", ContentFile(_png()))

    assert client.get("/media/module-packs/pack.pdf").status_code == 404
    assert client.get("/media/documents/handbook.pdf").status_code == 404
    assert client.get("/media/images/../documents/handbook.pdf").status_code == 404
    assert client.get("/media/images/missing.png").status_code == 404
    assert client.get("/media/avatar_images/face.png").status_code == 404  # avatars: for the workspace's users
    client.force_login(administrator)
    assert client.get("/media/avatar_images/face.png").status_code == 200


def test_a_wagtail_document_is_streamed_from_the_bucket_by_wagtails_view(object_store, client, site):
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(title="Handbook", file=ContentFile(b"%PDF-1.4 handbook", name="handbook.pdf"))

    response = client.get(document.url)

    assert f"media/{document.file.name}" in object_store.object_keys()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 handbook"


# The store down


@pytest.fixture
def store_down(object_store, settings, monkeypatch) -> Bucket:
    """The storages pointed at a port where nothing answers (the same bucket's settings otherwise)."""
    settings.STORAGES = _storages_on(object_store, endpoint_url=f"http://127.0.0.1:{free_port()}", timeout_seconds=1)
    _private_fields_use(monkeypatch, storages["private"])
    return object_store


def test_while_the_store_is_down_a_download_answers_a_503_page_and_health_names_the_storage(certificate, store_down, client, trainee):
    client.force_login(trainee)

    response = client.get(f"/en/certificates/{certificate.code}/download/")
    health = client.get("/health/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Files are unavailable for a moment" in response.content.decode()
    assert health.status_code == 200  # a soft dependency: the rest of the site works
    assert health.json()["status"] == "degraded"
    assert "storage" in health.json()["failing"] and "database" not in health.json()["failing"]
    assert health.json()["storage"] == "unreachable"


def test_health_says_the_storage_is_ok_when_the_bucket_answers_and_says_nothing_of_it_on_the_local_disk(object_store, client, settings):
    assert client.get("/health/").json()["storage"] == "ok"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    assert "storage" not in client.get("/health/").json()


def test_a_store_failure_is_an_os_error_the_tasks_retry_and_a_missing_object_is_file_not_found(store_down, object_store):
    with pytest.raises(StorageUnavailable):
        storages["private"].save("certificates/x.pdf", ContentFile(b"x"))
    assert issubclass(StorageUnavailable, OSError)
    alive = ObjectStorage(**object_store.storage_options("private"))
    with pytest.raises(FileNotFoundError):
        alive.open("certificates/never-written.pdf")
