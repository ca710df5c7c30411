"""Certificates: issued once per enrolment when a session completes, in the trainee's language, verifiable by QR code, revocable."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import tempfile
import threading
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import segno
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import Resolver404, path, resolve
from django.utils import timezone, translation
from django.utils.formats import date_format
from PIL import Image
from wagtail.models import Locale

from config import urls as project_urls
from curriculum import certificate_views, certificates
from curriculum.models import ApplicationStatus, Attendance, Certificate, CertificateKind, SessionApplication, SessionStatus
from curriculum.tasks import certificates_issue
from tests.factories.curriculum import TrainingSessionFactory
from tests.real_services import service_missing

# The routes to add to config/urls.py (inside i18n_patterns). Until they are there, this module's own
# URL configuration puts them in front of the project's; once they are, the project's is used as it is.
CERTIFICATE_URLS = [
    path("certificates/verify/<str:code>/", certificate_views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/download/", certificate_views.certificate_download, name="certificate_download"),
    path("certificates/<str:code>/revoke/", certificate_views.certificate_revoke_view, name="certificate_revoke"),
]


def _routed_by_the_project() -> bool:
    with translation.override("en"):
        try:
            return resolve("/en/certificates/verify/X/", urlconf=project_urls).url_name == "certificate_verify"
        except Resolver404:
            return False


urlpatterns = project_urls.urlpatterns if _routed_by_the_project() else [*i18n_patterns(*CERTIFICATE_URLS), *project_urls.urlpatterns]
pytestmark = pytest.mark.urls(__name__)

AZERBAIJANI_LETTERS = set("əğışçöü")
AZ_TITLE = "Əmək miqrasiyasının idarə olunması"
RU_TITLE = "Управление трудовой миграцией"


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def taught_module(module):
    """The session fixtures' module with an Azerbaijani title and 24 hours, published."""
    module.title = AZ_TITLE
    module.duration_hours = Decimal("24.0")
    module.save_revision().publish()
    module.refresh_from_db()
    return module


@pytest.fixture
def finished_session(taught_module):
    """A five-day session in Baku that ended two days ago, still marked in progress."""
    today = timezone.localdate()
    return TrainingSessionFactory(
        module=taught_module,
        start_date=today - datetime.timedelta(days=6),
        end_date=today - datetime.timedelta(days=2),
        application_deadline=today - datetime.timedelta(days=10),
        status=SessionStatus.IN_PROGRESS,
    )


@pytest.fixture
def participant(finished_session, make_trainee):
    """An approved participant of the finished session present on its first `days` days."""

    def make(days: int, status: str = ApplicationStatus.APPROVED, **trainee):
        application = SessionApplication.objects.create(
            session=finished_session, trainee=make_trainee(**trainee), motivation="I work on this.", status=status
        )
        for day in finished_session.days()[:days]:
            Attendance.objects.create(application=application, day=day, present=True)
        return application

    return make


@pytest.fixture
def completed(finished_session, coordinator, django_capture_on_commit_callbacks):
    """Complete the finished session as a coordinator and run the issuing task it queues."""

    def complete():
        with django_capture_on_commit_callbacks(execute=True):
            certificates.session_complete(session=finished_session, completed_by=coordinator)
        return finished_session

    return complete


@pytest.fixture
def issued(participant, completed):
    """The certificate of a participant present every day, the session completed."""

    def issue(**trainee):
        application = participant(5, **trainee)
        completed()
        return Certificate.objects.get(application=application)

    return issue


@pytest.fixture
def pdf_text():
    """Text of a PDF as poppler's pdftotext reads it (Debian's poppler-utils; `make system-deps` installs it)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        service_missing("pdftotext is not installed (Debian package poppler-utils)")

    def extract(content: bytes) -> str:
        result = subprocess.run([pdftotext, "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True, timeout=60)
        return result.stdout.decode()

    return extract


@pytest.fixture
def pdf_images():
    """The images embedded in a PDF, as poppler's pdfimages extracts them, loaded with Pillow."""
    pdfimages = shutil.which("pdfimages")
    if pdfimages is None:
        service_missing("pdfimages is not installed (Debian package poppler-utils)")

    def extract(content: bytes) -> list[Image.Image]:
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "certificate.pdf"
            source.write_bytes(content)
            subprocess.run([pdfimages, "-png", str(source), str(Path(folder) / "image")], check=True, timeout=60)
            images = []
            for file in sorted(Path(folder).glob("image-*.png")):
                with Image.open(file) as image:
                    images.append(image.convert("L"))
            return images

    return extract


def pdf_of(certificate: Certificate) -> bytes:
    with certificate.file.open("rb") as file:
        return file.read()


# Issuing when a session completes


def test_completing_a_session_gives_completion_from_80_percent_participation_below_and_nothing_to_no_shows(participant, completed):
    everyday, four_of_five, three_of_five, one_day, no_show = (participant(days) for days in (5, 4, 3, 1, 0))
    waitlisted = participant(5, status=ApplicationStatus.WAITLISTED)

    completed()

    kinds = dict(Certificate.objects.values_list("application_id", "kind"))
    assert kinds == {
        everyday.pk: CertificateKind.COMPLETION,
        four_of_five.pk: CertificateKind.COMPLETION,
        three_of_five.pk: CertificateKind.PARTICIPATION,
        one_day.pk: CertificateKind.PARTICIPATION,
    }
    assert no_show.pk not in kinds and waitlisted.pk not in kinds
    assert all(certificate.file for certificate in Certificate.objects.all())


def test_completing_a_session_queues_the_issuing_task_once_and_issues_nothing_before_the_commit(
    finished_session, participant, coordinator, django_capture_on_commit_callbacks
):
    participant(5)

    with django_capture_on_commit_callbacks() as queued:
        completed = certificates.session_complete(session=finished_session, completed_by=coordinator)

    assert completed.status == SessionStatus.COMPLETED
    assert len(queued) == 1
    assert not Certificate.objects.exists()


def test_running_the_issuing_task_twice_creates_no_second_certificate(participant, finished_session, completed):
    participant(5)
    participant(2)
    completed()
    before = list(Certificate.objects.order_by("pk").values_list("pk", "code", "file"))

    second_run = certificates_issue.apply(args=[finished_session.pk]).get()

    assert second_run == 0
    assert list(Certificate.objects.order_by("pk").values_list("pk", "code", "file")) == before
    assert len(before) == 2


def test_each_holder_is_told_once_by_email_in_their_language_whatever_reruns_happen(
    participant, finished_session, completed, django_capture_on_commit_callbacks
):
    from django.core import mail

    from curriculum.models import ApplicationNotice, NoticeKind

    russian = participant(5, language="ru")
    english = participant(1, language="en")
    participant(0)  # never present: no certificate, no e-mail
    with django_capture_on_commit_callbacks(execute=True):
        completed()
        certificates_issue.apply(args=[finished_session.pk]).get()

    sent = [message for message in mail.outbox if "certificate" in message.subject.lower() or "сертификат" in message.subject]
    told = {message.to[0]: message for message in sent}
    assert len(sent) == 2 and set(told) == {russian.trainee.email, english.trainee.email}
    assert told[russian.trainee.email].subject.startswith("Ваш сертификат")
    assert "download it from My learning" in told[english.trainee.email].body
    assert "/en/learning/" in told[english.trainee.email].body
    assert ApplicationNotice.objects.filter(kind=NoticeKind.CERTIFICATE).count() == 2


def test_the_issuing_task_counts_what_it_issued_the_first_time(participant, finished_session):
    participant(5)
    participant(1)
    participant(0)
    finished_session.status = SessionStatus.COMPLETED
    finished_session.save(update_fields=["status"])

    assert certificates_issue(finished_session.pk) == 2


def test_the_issuing_task_issues_nothing_for_a_session_that_is_not_completed(participant, finished_session):
    participant(5)

    assert certificates_issue(finished_session.pk) == 0
    assert not Certificate.objects.exists()


def test_issuing_again_returns_the_certificate_the_enrolment_has_whatever_the_kind(issued):
    certificate = issued()

    again = certificates.certificate_issue(application=certificate.application, kind=CertificateKind.PARTICIPATION)

    assert (again.pk, again.kind, again.code) == (certificate.pk, CertificateKind.COMPLETION, certificate.code)
    assert Certificate.objects.count() == 1


def test_a_certificate_another_worker_created_meanwhile_is_returned_instead_of_a_second_one(issued, monkeypatch):
    certificate = issued()
    lookups: list[int] = []

    real_valid_certificate = certificates.valid_certificate

    def not_seen(application):
        lookups.append(application.pk)
        return None

    def found_after_the_refused_insert(application):
        lookups.append(application.pk)
        return real_valid_certificate(application)

    monkeypatch.setattr(certificates, "_certificate_of", not_seen)
    monkeypatch.setattr(certificates, "valid_certificate", found_after_the_refused_insert)

    again = certificates.certificate_issue(application=certificate.application, kind=CertificateKind.PARTICIPATION)

    assert again.pk == certificate.pk
    assert len(lookups) == 2  # the lookup after the refused insert found the first certificate
    assert Certificate.objects.count() == 1


def _second_certificate(certificate: Certificate) -> Certificate:
    return Certificate.objects.create(
        application=certificate.application,
        kind=CertificateKind.PARTICIPATION,
        language="en",
        holder_name="Someone Else",
        module_title="A module",
        start_date=certificate.start_date,
        end_date=certificate.end_date,
        place="Bakı",
    )


def test_the_database_refuses_a_second_valid_certificate_for_one_enrolment(issued):
    certificate = issued()

    with pytest.raises(IntegrityError), transaction.atomic():
        _second_certificate(certificate)

    assert Certificate.objects.count() == 1


def test_the_database_refuses_to_restore_a_revoked_certificate_beside_its_replacement(issued, coordinator):
    certificate = issued()
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Kind corrected")
    _second_certificate(certificate)

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None, revoked_by=None, revoked_reason="")


def test_an_enrolment_whose_certificate_was_revoked_may_hold_a_new_valid_one(issued, coordinator):
    certificate = issued()
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Kind corrected")

    new = _second_certificate(certificate)

    assert list(Certificate.objects.filter(application=certificate.application, revoked_at=None)) == [new]
    assert certificates.valid_certificate(certificate.application) == new


def test_replacing_a_certificate_revokes_it_and_issues_the_other_kind_once(issued, coordinator):
    certificate = issued()

    new, created = certificates.certificate_replace(
        certificate=certificate, kind=CertificateKind.PARTICIPATION, revoked_by=coordinator, reason="Attendance corrected: x"
    )

    assert created and new.kind == CertificateKind.PARTICIPATION and new.is_valid
    assert not Certificate.objects.get(pk=certificate.pk).is_valid
    with pytest.raises(ValidationError) as refused:
        certificates.certificate_replace(
            certificate=certificate, kind=CertificateKind.PARTICIPATION, revoked_by=coordinator, reason="Attendance corrected: x"
        )
    assert refused.value.code == "already_revoked"
    assert Certificate.objects.filter(application=certificate.application, revoked_at=None).count() == 1


def test_a_rerun_of_the_issuing_task_does_not_issue_again_a_certificate_a_coordinator_revoked(issued, finished_session, coordinator):
    certificate = issued()
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Attendance sheet forged")

    assert certificates_issue.apply(args=[finished_session.pk]).get() == 0
    assert list(Certificate.objects.values_list("pk", flat=True)) == [certificate.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_inserts_of_a_valid_certificate_for_one_enrolment_leave_one(participant, completed, coordinator):
    application = participant(5)
    completed()
    certificate = Certificate.objects.get(application=application)
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Kind corrected")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def insert() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                _second_certificate(certificate)
            outcomes.append("created")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=insert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["created", "refused"]
    assert Certificate.objects.filter(application=certificate.application, revoked_at=None).count() == 1


def test_a_participant_whose_account_has_no_name_gets_no_certificate_and_the_others_do(participant, completed):
    named = participant(5)
    nameless = participant(5, first_name="", last_name="")

    completed()

    assert list(Certificate.objects.values_list("application_id", flat=True)) == [named.pk]
    assert not Certificate.objects.filter(application=nameless).exists()


def test_codes_are_long_random_and_different_for_each_certificate(participant, completed):
    for _ in range(3):
        participant(5)

    completed()

    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(set(codes)) == 3
    assert all(len(code) == 20 and set(code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for code in codes)


# What a certificate says


def test_the_certificate_is_in_the_trainees_language_with_the_module_title_of_that_language(taught_module, issued):
    russian = taught_module.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = RU_TITLE
    russian.save_revision().publish()

    certificate = issued(language="ru", first_name="Анна", last_name="Петрова")

    assert (certificate.language, certificate.module_title, certificate.holder_name) == ("ru", RU_TITLE, "Анна Петрова")
    assert certificate.place == "Bakı, Азербайджан"
    assert certificate.hours == Decimal("24.0")


def test_the_certificate_keeps_the_module_revision_that_was_taught(taught_module, issued):
    taught = taught_module.live_revision_id

    certificate = issued()
    taught_module.save_revision().publish()
    taught_module.refresh_from_db()
    certificate.refresh_from_db()

    assert certificate.module_revision_id == taught
    assert taught_module.live_revision_id != taught


def test_the_az_pdf_keeps_the_azerbaijani_letters_of_the_holder_and_the_module(issued, pdf_text):
    certificate = issued(language="az", first_name="Gülçöhrə", last_name="Ağaşıyeva")

    text = pdf_text(pdf_of(certificate))

    assert set(certificate.holder_name.lower() + certificate.module_title.lower()) >= AZERBAIJANI_LETTERS
    assert set(text.lower()) >= AZERBAIJANI_LETTERS
    assert "Gülçöhrə Ağaşıyeva" in one_line(text)
    assert AZ_TITLE in one_line(text)


def test_the_ru_pdf_keeps_its_cyrillic(taught_module, issued, pdf_text):
    russian = taught_module.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = RU_TITLE
    russian.save_revision().publish()
    certificate = issued(language="ru", first_name="Анна", last_name="Петрова")

    text = one_line(pdf_text(pdf_of(certificate)))

    assert "Анна Петрова" in text
    assert RU_TITLE in text
    assert "Азербайджан" in text


def test_the_pdf_is_one_page_with_the_code_the_kind_and_the_verification_address(issued, pdf_text):
    certificate = issued(language="en", first_name="Ann", last_name="Smith")

    text = pdf_text(pdf_of(certificate))

    assert text.count("\f") == 1  # pdftotext ends every page with a form feed
    assert certificates.verification_url(certificate) in one_line(text)
    assert certificates.printed_code(certificate.code) in text
    assert "Certificate of completion" in text
    assert "24 hours" in text


def test_the_code_copied_from_the_pdf_has_no_space_inside_whatever_its_letters(issued, pdf_text):
    """A code once read back as "XSE J-DDUW-…": the letter spacing made pdftotext see a word gap before the J."""
    certificate = issued(language="en")
    Certificate.objects.filter(pk=certificate.pk).update(code="XSEJDDUWET3TGRQTB4ZH")
    certificate.refresh_from_db()

    text = pdf_text(certificates.render_certificate_pdf(certificate))

    assert "XSEJ-DDUW-ET3T-GRQT-B4ZH" in text


def test_the_qr_code_in_the_pdf_is_the_one_of_the_verification_address(issued, pdf_images):
    certificate = issued()
    url = certificates.verification_url(certificate)
    symbol = segno.make(url, error="m", micro=False)
    expected = [[bool(dark) for dark in row] for row in symbol.matrix_iter(scale=1, border=4)]

    images = pdf_images(pdf_of(certificate))

    assert len(images) == 1
    image = images[0]
    scale = certificates.QR_SCALE
    assert image.size == symbol.symbol_size(scale=scale, border=4)
    found = [
        [image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) < 128 for x in range(len(row))] for y, row in enumerate(expected)
    ]
    assert found == expected


def test_the_verification_address_is_absolute_in_the_certificates_language_and_routed_to_the_verification_page(issued, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://learning.rtcm.example/"
    certificate = issued(language="ru")

    url = certificates.verification_url(certificate)

    assert url == f"https://learning.rtcm.example/ru/certificates/verify/{certificate.code}/"
    with translation.override("ru"):
        assert resolve(urlsplit(url).path).url_name == "certificate_verify"


# The public verification page


def test_verification_says_a_certificate_is_valid_with_its_holder_module_dates_and_kind_only(client, issued):
    certificate = issued(language="en", first_name="Ann", last_name="Smith")
    trainee = certificate.application.trainee

    response = client.get(f"/en/certificates/verify/{certificate.code}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid." in page
    assert "Ann Smith" in page and AZ_TITLE in page and "Certificate of completion" in page
    assert trainee.email not in page
    assert trainee.organisation.name not in page
    assert "revoked" not in page
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_verification_accepts_the_code_as_printed_in_lower_case(client, issued):
    certificate = issued()

    response = client.get(f"/en/certificates/verify/{certificates.printed_code(certificate.code).lower()}/")

    assert response.status_code == 200
    assert "This certificate is valid." in response.content.decode()


def test_verification_of_a_revoked_certificate_gives_the_date_and_not_the_reason(client, issued, coordinator):
    certificate = issued(first_name="Ann", last_name="Smith")
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Attendance sheet forged")

    page = client.get(f"/en/certificates/verify/{certificate.code}/").content.decode()

    with translation.override("en"):
        revoked_on = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"This certificate was revoked on {revoked_on}." in page
    assert "This certificate is valid." not in page
    assert "Attendance sheet forged" not in page
    assert coordinator.email not in page


def test_verification_of_an_unknown_code_says_so_and_shows_nothing_else(client, issued):
    certificate = issued(first_name="Ann", last_name="Smith")

    response = client.get("/en/certificates/verify/ABCDEFGHJKMNPQRSTUVW/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "No certificate has this code." in page
    assert "Ann Smith" not in page and certificate.module_title not in page


# Downloading the PDF


def test_the_holder_downloads_their_certificate(client, issued):
    certificate = issued()
    client.force_login(certificate.application.trainee)

    response = client.get(f"/en/certificates/{certificate.code}/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{certificate.code}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == pdf_of(certificate)


def test_another_trainee_gets_a_404_for_someone_elses_certificate(client, issued, make_trainee):
    certificate = issued()
    client.force_login(make_trainee())

    assert client.get(f"/en/certificates/{certificate.code}/download/").status_code == 404


def test_a_coordinator_downloads_any_certificate(client, issued, coordinator):
    certificate = issued()
    client.force_login(coordinator)

    response = client.get(f"/en/certificates/{certificate.code}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_anonymous_visitor_is_sent_to_sign_in_for_a_download(client, issued):
    certificate = issued()

    response = client.get(f"/en/certificates/{certificate.code}/download/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_the_holder_of_a_revoked_certificate_can_no_longer_download_it(client, issued, coordinator):
    certificate = issued()
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Issued by mistake")
    client.force_login(certificate.application.trainee)

    assert client.get(f"/en/certificates/{certificate.code}/download/").status_code == 404
    # My learning still lists it, marked revoked, with no download link
    certificate.refresh_from_db()
    page = client.get("/en/learning/").content.decode()
    # The page shows the date in the site's time zone (Baku), which is a day ahead of UTC late in the evening.
    assert f"revoked on {timezone.localtime(certificate.revoked_at):%m/%d/%Y}: no longer valid" in page
    assert f"/en/certificates/{certificate.code}/download/" not in page
    assert f"/en/certificates/verify/{certificate.code}/" in page


def test_a_certificate_whose_file_is_lost_is_rendered_again_for_the_download(client, issued):
    certificate = issued()
    certificate.file.storage.delete(certificate.file.name)
    client.force_login(certificate.application.trainee)

    response = client.get(f"/en/certificates/{certificate.code}/download/")

    certificate.refresh_from_db()
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert certificate.file.storage.exists(certificate.file.name)


# Revoking


def test_revoking_needs_a_reason(issued, coordinator):
    certificate = issued()

    with pytest.raises(ValidationError) as refused:
        certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="   ")

    assert refused.value.code == "reason_required"
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_revoking_twice_is_refused_and_keeps_the_first_reason(issued, coordinator):
    certificate = issued()
    certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Issued by mistake")

    with pytest.raises(ValidationError) as refused:
        certificates.certificate_revoke(certificate=certificate, revoked_by=coordinator, reason="Again")

    assert refused.value.code == "already_revoked"
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "Issued by mistake"


def test_a_coordinator_revokes_a_certificate_with_a_reason_through_the_form(client, issued, coordinator):
    certificate = issued()
    client.force_login(coordinator)
    url = f"/en/certificates/{certificate.code}/revoke/"
    form = client.get(url)

    response = client.post(url, {"reason": "Attendance sheet forged"})

    certificate.refresh_from_db()
    assert form.status_code == 200
    assert '<label for="id_reason">Reason for revoking</label>' in form.content.decode()
    assert (response.status_code, response["Location"]) == (302, url)
    assert (certificate.is_valid, certificate.revoked_reason, certificate.revoked_by) == (False, "Attendance sheet forged", coordinator)


def test_the_revoking_form_without_a_reason_is_shown_again_with_its_error_and_revokes_nothing(client, issued, coordinator):
    certificate = issued()
    client.force_login(coordinator)

    response = client.post(f"/en/certificates/{certificate.code}/revoke/", {"reason": ""})

    certificate.refresh_from_db()
    assert response.status_code == 400
    assert "Give the reason for revoking the certificate." in response.content.decode()
    assert certificate.is_valid


def test_a_trainee_cannot_revoke_even_their_own_certificate(client, issued):
    certificate = issued()
    client.force_login(certificate.application.trainee)

    response = client.post(f"/en/certificates/{certificate.code}/revoke/", {"reason": "I want a new one"})

    certificate.refresh_from_db()
    assert response.status_code == 404
    assert certificate.is_valid


# Completing a session


def test_a_session_whose_last_day_has_not_come_cannot_be_completed(module, coordinator, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module,
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        application_deadline=today - datetime.timedelta(days=5),
        status=SessionStatus.IN_PROGRESS,
    )

    with django_capture_on_commit_callbacks() as queued, pytest.raises(ValidationError) as refused:
        certificates.session_complete(session=session, completed_by=coordinator)

    session.refresh_from_db()
    assert refused.value.code == "not_ended"
    assert session.status == SessionStatus.IN_PROGRESS
    assert queued == []


def test_a_session_can_be_completed_on_its_last_day(module, coordinator):
    today = timezone.localdate()
    session = TrainingSessionFactory(
        module=module, start_date=today, end_date=today, application_deadline=today, status=SessionStatus.IN_PROGRESS
    )

    certificates.session_complete(session=session, completed_by=coordinator)

    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


@pytest.mark.parametrize(
    ("status", "code"),
    [(SessionStatus.DRAFT, "not_running"), (SessionStatus.CANCELLED, "not_running"), (SessionStatus.COMPLETED, "already_completed")],
)
def test_a_draft_cancelled_or_completed_session_is_not_completed_again(finished_session, coordinator, status, code):
    finished_session.status = status
    finished_session.save(update_fields=["status"])

    with pytest.raises(ValidationError) as refused:
        certificates.session_complete(session=finished_session, completed_by=coordinator)

    assert refused.value.code == code


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_to_one_valid_certificate_per_enrolment_keeps_the_certificates_both_ways(participant, completed, coordinator):
    from django.db.migrations.executor import MigrationExecutor

    first, second = participant(5), participant(5)
    completed()
    kept, revoked = Certificate.objects.get(application=first), Certificate.objects.get(application=second)
    certificates.certificate_revoke(certificate=revoked, revoked_by=coordinator, reason="Issued by mistake")
    rows = list(Certificate.objects.order_by("pk").values_list("pk", "application_id", "code", "kind", "revoked_at", "revoked_reason"))
    before, after = (
        ("curriculum", "0007_attendance_correction_certificate_outcome"),
        ("curriculum", "0008_certificates_one_valid_per_enrolment"),
    )

    executor = MigrationExecutor(connection)
    executor.migrate([before])
    executor = MigrationExecutor(connection)
    executor.migrate([after])

    assert (
        list(Certificate.objects.order_by("pk").values_list("pk", "application_id", "code", "kind", "revoked_at", "revoked_reason")) == rows
    )
    assert {kept.pk, revoked.pk} == {pk for pk, *_rest in rows}
    with pytest.raises(IntegrityError), transaction.atomic():
        _second_certificate(kept)
