"""Erasing a person leaves nothing of them: no table and no stored file holds any string they or others typed about them."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

from assessments import services as surveys
from assessments.models import ExportJob, Purpose
from curriculum import certificates, enrolment
from curriculum.attendance import attendance_record
from curriculum.models import ApplicationStatus, Certificate, SessionStatus, ThematicChapter, ThematicPart, TrainingSession
from experts import services as roster
from experts.models import ExpertProfile
from people.models import Country, Language, Organisation, OutboundEmail, StakeholderCategory, User
from tests.factories.assessments import sample_instrument
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

FIRST, LAST, EMAIL = "Mkfirstqz", "Mklastqz", "mkmailqz@example.org"
FULL_NAME = f"{FIRST} {LAST}"
# one marker per place a person's data can be typed; each must be found before the erasure and nowhere after
MARKERS = {
    "first name": "mkfirstqz",
    "last name": "mklastqz",
    "e-mail address": "mkmailqz",
    "organisation they typed": "mkorgqz",
    "motivation": "mkmotivqz",
    "nationality": "mknatqz",
    "expert's organisation": "mkexporgqz",
    "bio": "mkbioqz",
    "CV's content": "mkcvbodyqz",
    "survey draft": "mkdraftqz",
    "knowledge test's free text": "mkknowqz",
    "avatar": "mkavatarqz",
}


def _database_text() -> str:
    """Every column of every table (m2m and search tables included), as one lower-case text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the database's own catalogue
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "ignore")
                    parts.append(str(value).lower())
    return "\n".join(parts)


def _storages() -> list:
    """Every storage a file can be kept in: the default (MEDIA_ROOT), the private one and each file field's."""
    found = [default_storage, storages["private"]]
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            storage = getattr(field, "storage", None)
            if storage is not None:
                found.append(storage)
    unique = []
    for storage in found:
        if all(storage is not other for other in unique):
            unique.append(storage)
    return unique


def _walk(storage, folder: str = "") -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}".lstrip("/") for name in files]
    for sub in folders:
        names += _walk(storage, f"{folder}/{sub}".lstrip("/"))
    return names


def _files_text() -> tuple[set[str], str]:
    names, texts = set(), []
    for storage in _storages():
        for name in _walk(storage):
            names.add(name)
            with storage.open(name, "rb") as stored:
                texts.append(name.lower() + "\n" + stored.read().decode("utf-8", "ignore").lower())
    return names, "\n".join(texts)


def _markers_in(text: str) -> set[str]:
    return {label for label, marker in MARKERS.items() if marker in text}


@pytest.fixture
def storage_folders(settings, tmp_path):
    """MEDIA_ROOT and the private storage as real folders, as in production."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "private"}},
    }
    return tmp_path


@pytest.fixture
def module(site):
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    return ModulePageFactory(parent=part, code="M13", title="Labour migration governance")


def _take_part(person: User, module, coordinator: User, trainer: User) -> TrainingSession:
    """Apply, be approved, attend (with a coordinator's correction), answer a named test and an anonymous evaluation, complete."""
    today = timezone.localdate()
    session = TrainingSessionFactory(module=module, status=SessionStatus.OPEN)
    application = enrolment.session_apply(
        session=session, trainee=person, motivation="mkmotivqz: I work on this.", organisation_confirmed=True, position_confirmed=True
    )
    enrolment.application_decide(application=application, decision=ApplicationStatus.APPROVED, decided_by=coordinator)
    TrainingSession.objects.filter(pk=session.pk).update(
        start_date=today - datetime.timedelta(days=6),
        end_date=today - datetime.timedelta(days=2),
        application_deadline=today - datetime.timedelta(days=10),
        status=SessionStatus.IN_PROGRESS,
    )
    session.refresh_from_db()
    pre_test = sample_instrument(purpose=Purpose.PRE_TEST, required=False)
    post_test = sample_instrument(purpose=Purpose.POST_TEST, required=False)
    evaluation = sample_instrument(purpose=Purpose.SESSION_EVALUATION, is_anonymous=True, required=False)
    for instrument in (pre_test, post_test, evaluation):
        surveys.session_survey_set(session=session, instrument=instrument)
    for day in session.days():
        attendance_record(session=session, day=day, present_ids={application.pk}, recorded_by=trainer)
    attendance_record(
        session=session, day=session.start_date, present_ids=set(), recorded_by=coordinator, reason=f"{FULL_NAME} was ill that day."
    )

    test_respondent = surveys.participant_respondent(instrument=pre_test, session=session, user=person)
    long_text = {q.code: q.field_name for q in pre_test.questions.all()}["long"]
    post_long_text = {q.code: q.field_name for q in post_test.questions.all()}["long"]
    surveys.response_submit(respondent=test_respondent, data={long_text: ["mkknowqz, what I knew before"]}, today=session.start_date)
    evaluation_respondent = surveys.participant_respondent(instrument=evaluation, session=session, user=person)
    fields = {q.code: q.field_name for q in evaluation.questions.all()}
    post_test_respondent = surveys.participant_respondent(instrument=post_test, session=session, user=person)
    surveys.draft_save(respondent=post_test_respondent, data={post_long_text: ["mkdraftqz, half written"]})
    surveys.response_submit(respondent=evaluation_respondent, data={fields["long"]: [f"Signed: {FULL_NAME}"]}, today=session.end_date)
    certificates.session_complete(session=session, completed_by=coordinator)
    return session


def _become_an_expert(person: User, module, coordinator: User) -> ExpertProfile:
    expert = roster.expert_apply(
        user=person,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        gender=person.gender,
        nationality="mknatqz",
        organisation_name="mkexporgqz Consulting",
        short_bio="mkbioqz: ten years on labour migration.",
        chapters={ThematicChapter.objects.get(number=13): "lead"},
        languages={Language.objects.get(code="az"): "native"},
        cv=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 mkcvbodyqz", content_type="application/pdf"),
        consent_to_be_listed=True,
    )
    roster.expert_set_status(expert=expert, status="vetted", reason="References checked.", changed_by=coordinator)
    invitation = roster.expert_invite(module=module, experts=[expert], invited_by=coordinator).invited[0]
    roster.invitation_respond(invitation=invitation, user=person, accept=True)  # the coordinator is e-mailed the expert's name
    return expert


@pytest.fixture
def person(reference_data):
    organisation = Organisation.objects.create(
        name="mkorgqz Migration Advice", country=Country.objects.get(iso_code="AZ"), category=StakeholderCategory.objects.get(code="cso")
    )
    return UserFactory(role="trainee", email=EMAIL, first_name=FIRST, last_name=LAST, organisation=organisation, preferred_language="en")


def test_an_erased_person_leaves_no_marker_in_any_table_or_stored_file(
    client, storage_folders, person, module, coordinator, trainer, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _take_part(person, module, coordinator, trainer)
        _become_an_expert(person, module, coordinator)
    certificate = Certificate.objects.get(application__trainee=person)
    # an administrator's edit, as Wagtail's user admin logs it (the label is the person's name)
    log(instance=person, action="wagtail.edit", user=administrator)
    UserProfile.get_for_user(person).avatar.save("mkavatarqz.png", ContentFile(b"png mkavatarqz"))
    # an export a coordinator built that lists the person
    job = ExportJob.objects.create(kind="results", requested_by=coordinator, file_format="csv", language="en", status="done")
    job.file.save("results.csv", ContentFile(f"name,email\n{FULL_NAME},{EMAIL}\n".encode()))
    # an enrolment spreadsheet naming the person, checked but never confirmed
    client.force_login(coordinator)
    other_session = TrainingSessionFactory(module=module)
    csv = f"email,first_name,last_name,gender,country,organisation,organisation_type,language\n{EMAIL},{FIRST},{LAST},female,AZ,,,en\n"
    checked = client.post(f"/admin/sessions/{other_session.pk}/enrol/", {"file": SimpleUploadedFile("list.csv", csv.encode())})
    assert checked.status_code == 200 and checked.context["report"].can_import
    code = certificate.code
    assert certificate.file and OutboundEmail.objects.filter(to=EMAIL).exists()
    _names, files_text = _files_text()
    # the dump and the walk see every marker while the person is there (so finding none afterwards means something)
    assert _markers_in(_database_text() + files_text) == set(MARKERS)

    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailusers_users:delete", args=[person.pk]))

    assert response.status_code == 302
    assert _markers_in(_database_text()) == set()
    files_after, files_text = _files_text()
    assert _markers_in(files_text) == set()
    assert certificate.file.name not in files_after
    # the certificate's code still exists for the public page, which no longer shows a name
    page = client.get(f"/en/certificates/verify/{code}/")
    assert page.status_code == 200
    assert "This certificate is valid." in page.content.decode()
    assert "personal data has been erased" in page.content.decode()
    assert Certificate.objects.filter(code=code, holder_name="").exists()
    # the erasure is on record, naming nobody
    entry = ModelLogEntry.objects.get(action="rtcm.person_erase")
    assert (entry.object_id, entry.user_id) == (str(person.pk), administrator.pk)


def test_an_erased_account_can_no_longer_sign_in_and_is_gone_from_the_users_listing(client, person, administrator):
    from people.erasure import person_erase

    person_erase(user=person, erased_by=administrator)

    assert not client.login(email=EMAIL, password="correct-horse-battery-9")
    client.force_login(administrator)
    listing = client.get("/admin/users/")
    assert listing.status_code == 200
    assert reverse("wagtailusers_users:edit", args=[person.pk]) not in listing.content.decode()
    assert reverse("wagtailusers_users:edit", args=[administrator.pk]) in listing.content.decode()
    assert client.get(reverse("wagtailusers_users:edit", args=[person.pk]), follow=True).status_code == 404


def test_the_users_bulk_delete_erases_each_person(client, person, administrator):
    client.force_login(administrator)

    response = client.post(f"/admin/bulk/people/user/delete/?next=/admin/users/&id={person.pk}")

    assert response.status_code == 302
    erased = User.objects.get(pk=person.pk)
    assert erased.erased_at is not None and FIRST not in str(erased) and erased.email != EMAIL
    assert not Organisation.objects.filter(name__startswith="mkorgqz").exists()


def test_an_erased_trainee_gives_up_a_seat_in_a_session_to_come(person, module, coordinator):
    from people.erasure import person_erase

    session = TrainingSessionFactory(module=module, status=SessionStatus.OPEN, capacity=1)
    seat = enrolment.session_apply(session=session, trainee=person, motivation="x", organisation_confirmed=True, position_confirmed=True)
    enrolment.application_decide(application=seat, decision=ApplicationStatus.APPROVED, decided_by=coordinator)
    waiting = UserFactory(role="trainee")
    queued = enrolment.session_apply(session=session, trainee=waiting, motivation="y", organisation_confirmed=True, position_confirmed=True)
    enrolment.application_decide(application=queued, decision=ApplicationStatus.WAITLISTED, decided_by=coordinator)

    person_erase(user=person, erased_by=coordinator)

    seat.refresh_from_db()
    queued.refresh_from_db()
    assert (seat.status, seat.motivation) == (ApplicationStatus.WITHDRAWN, "")
    assert queued.status == ApplicationStatus.APPROVED


def test_mentions_in_other_peoples_e_mails_and_log_entries_are_swept_even_in_azerbaijani_letters(reference_data, coordinator):
    from people.erasure import person_erase
    from people.services import outbound_email_queue

    aygun = UserFactory(role="trainee", email="aygun@example.org", first_name="Aygün", last_name="Məmmədova")
    joann = UserFactory(role="trainee", email="joaygun@example.org", first_name="Jo", last_name="Ann")
    about = outbound_email_queue(to=coordinator.email, subject="Aygün Məmmədova has answered", body_text="Write to aygun@example.org.")
    other = outbound_email_queue(to=coordinator.email, subject="Jo Ann has answered", body_text="Write to joaygun@example.org.")
    entry = log(instance=coordinator, action="wagtail.edit", user=coordinator, data={"note": "as Aygün Məmmədova asked"})

    person_erase(user=aygun, erased_by=coordinator)

    about.refresh_from_db()
    other.refresh_from_db()
    entry.refresh_from_db()
    assert (about.subject, about.body_text) == ("[erased] has answered", "Write to [erased].")
    assert entry.data == {"note": "as [erased] asked"}
    # whole words only: another person whose address ends the same way is left alone
    assert (other.subject, other.body_text) == ("Jo Ann has answered", "Write to joaygun@example.org.")
    assert User.objects.get(pk=joann.pk).email == "joaygun@example.org"
