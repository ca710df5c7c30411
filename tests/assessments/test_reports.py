"""Reports: the priority-matrix PDF and the donor indicator pack, their background jobs, pages and downloads."""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import donor_pack, matrix, reports, services
from assessments.models import ExportJob, ExportStatus, MatrixSnapshot
from assessments.report_tasks import donor_pack_build, matrix_report_build
from curriculum.attendance import attendance_record
from curriculum.models import (
    ApplicationStatus,
    Certificate,
    CertificateKind,
    ModulePage,
    SessionApplication,
    SessionStatus,
    ThematicChapter,
    TrainingSession,
)
from people.models import Country, StakeholderCategory, User
from tests.factories.assessments import sample_instrument
from tests.factories.curriculum import ModulePageFactory, TrainingSessionFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text of a PDF, extracted with poppler's pdftotext (the test is skipped without it)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: apt-get install poppler-utils to check the PDF's text")
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def stored(job: ExportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


# --- the priority-matrix report ------------------------------------------------------------


@pytest.fixture
def baseline(reference_data) -> MatrixSnapshot:
    """The 2021 Table 7: scores, NA (e.g. chapter 1 in TM and UA) and empty cells (every chapter in UZ)."""
    return matrix.baseline_load()


def report_job(snapshot: MatrixSnapshot, user: User, django_capture_on_commit_callbacks, language: str = "az", **options) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.matrix_report_request(snapshot=snapshot, language=language, requested_by=user, **options)
    job.refresh_from_db()
    return job


def test_the_report_job_runs_to_done_and_stores_a_pdf(baseline, coordinator, django_capture_on_commit_callbacks):
    job = report_job(baseline, coordinator, django_capture_on_commit_callbacks)

    assert (job.status, job.progress, job.error) == (ExportStatus.DONE, 100, "")
    assert job.finished_at is not None
    assert job.parameters == {"snapshot_id": baseline.pk, "part": None, "category_id": None}
    assert stored(job).startswith(b"%PDF-")
    assert reports.report_filename(job).startswith(f"priority-matrix-report-{baseline.pk}-az-")


def test_the_job_shows_60_percent_while_the_pdf_is_laid_out(baseline, coordinator, monkeypatch):
    job = reports.matrix_report_request(snapshot=baseline, language="en", requested_by=coordinator)
    seen = []
    real_render = reports.render_pdf

    def render_and_look(template, context):
        seen.append(ExportJob.objects.values_list("status", "progress").get(pk=job.pk))
        return real_render(template, context)

    monkeypatch.setattr(reports, "render_pdf", render_and_look)

    assert reports.matrix_report_build(job.pk) == "done"
    assert seen == [(ExportStatus.RUNNING, 60)]


def test_the_azerbaijani_report_prints_names_with_their_letters_na_and_dashes(baseline, coordinator, django_capture_on_commit_callbacks):
    job = report_job(baseline, coordinator, django_capture_on_commit_callbacks, language="az")

    text = pdf_text(stored(job))

    assert "Azərbaycan" in text
    assert ThematicChapter.objects.get(number=1).name_az in text  # "Beynəlxalq miqrasiyanın qlobal konteksti"
    assert ThematicChapter.objects.get(number=13).name_az.split(":")[0] in text
    assert "NA" in text and "—" in text
    assert baseline.formula[:40] in text
    # Uzbekistan took no part in 2021: its column is marked not surveyed, not left as 22 blanks
    assert "UZ°" in text
    assert f"° Sorğuda iştirak etməyib: {Country.objects.get(iso_code='UZ').name_az}." in " ".join(text.split())


def test_the_russian_report_prints_cyrillic(baseline, coordinator, django_capture_on_commit_callbacks):
    job = report_job(baseline, coordinator, django_capture_on_commit_callbacks, language="ru")

    text = pdf_text(stored(job))

    assert Country.objects.get(iso_code="AZ").name_ru in text
    assert ThematicChapter.objects.get(number=4).name_ru in text  # "Права человека мигрантов"
    assert "Azərbaycan" not in text


def test_the_english_report_has_the_summary_and_the_delivery_flags(baseline, coordinator, django_capture_on_commit_callbacks):
    job = report_job(baseline, coordinator, django_capture_on_commit_callbacks, language="en")

    text = pdf_text(stored(job))

    assert "Regional summary per chapter" in text and "Priority versus delivery" in text
    # nothing is delivered in a fresh database: every cell of 4 is flagged high need, nothing delivered
    assert "High need, nothing delivered" in text
    assert "Global context of international migration" in text


def test_a_report_of_one_part_prints_only_its_chapters(baseline, coordinator, django_capture_on_commit_callbacks):
    job = report_job(baseline, coordinator, django_capture_on_commit_callbacks, language="en", part=2)

    text = pdf_text(stored(job))

    assert ThematicChapter.objects.get(number=13).name_en.split(":")[0] in text
    assert ThematicChapter.objects.get(number=1).name_en not in text


@pytest.mark.parametrize(("part", "queries"), [(None, 8), (2, 9)])  # a part is looked up for its name
def test_the_report_reads_the_matrix_in_a_fixed_number_of_queries_not_one_per_cell(baseline, django_assert_num_queries, part, queries):
    with django_assert_num_queries(queries):
        reports.matrix_report_context(baseline, part=part, category=None)


def test_running_a_done_job_again_does_nothing(baseline, coordinator, django_capture_on_commit_callbacks):
    job = report_job(baseline, coordinator, django_capture_on_commit_callbacks)
    storage = job.file.storage
    files_before = storage.listdir(job.file.name.rsplit("/", 1)[0])[1]

    assert matrix_report_build(job.pk) == "already-done"

    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.finished_at, again.status) == (job.file.name, job.finished_at, ExportStatus.DONE)
    assert storage.listdir(job.file.name.rsplit("/", 1)[0])[1] == files_before


def test_a_second_run_that_finishes_last_keeps_the_first_file(baseline, coordinator, monkeypatch):
    job = reports.matrix_report_request(snapshot=baseline, language="en", requested_by=coordinator)
    storage, folder = job.file.storage, f"exports/{job.created_at:%Y/%m}"
    files_before = set(storage.listdir(folder)[1]) if storage.exists(folder) else set()
    real_make = reports._make_matrix_report

    def make_while_another_run_finishes(job_row, progress):
        name, content = real_make(job_row, progress)
        ExportJob.objects.filter(pk=job_row.pk).update(status=ExportStatus.DONE, file="exports/first.pdf", progress=100)
        return name, content

    monkeypatch.setattr(reports, "_make_matrix_report", make_while_another_run_finishes)

    assert reports.matrix_report_build(job.pk) == "already-done"
    job.refresh_from_db()
    assert job.file.name == "exports/first.pdf"
    assert set(storage.listdir(folder)[1]) == files_before  # the second file was deleted, not left behind


def test_a_report_of_a_snapshot_not_ready_is_refused(reference_data, coordinator):
    queued = MatrixSnapshot.objects.create(kind="recompute", label="queued", rule="median")

    with pytest.raises(ValidationError):
        reports.matrix_report_request(snapshot=queued, language="en", requested_by=coordinator)

    assert not ExportJob.objects.exists()


def test_a_job_whose_snapshot_is_gone_fails_with_a_message(baseline, coordinator):
    job = ExportJob.objects.create(
        kind=reports.MATRIX_REPORT_KIND, requested_by=coordinator, parameters={"snapshot_id": 999_999}, file_format="pdf", language="en"
    )

    assert matrix_report_build(job.pk) == "refused"

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "snapshot" in job.error and not job.file


# --- pages and downloads -------------------------------------------------------------------


@pytest.fixture
def finished_report(baseline, coordinator, django_capture_on_commit_callbacks) -> ExportJob:
    return report_job(baseline, coordinator, django_capture_on_commit_callbacks, language="en")


def test_the_pdf_form_queues_a_job_and_redirects_to_its_page(client, coordinator, baseline, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matrix_report_pdf"), {"snapshot": baseline.pk, "language": "ru", "part": "", "category": ""})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("matrix_report_job", args=[job.pk])
    assert (job.kind, job.language, job.status, job.requested_by) == (reports.MATRIX_REPORT_KIND, "ru", ExportStatus.DONE, coordinator)


def test_the_pdf_form_refuses_an_unknown_snapshot_with_400(client, coordinator, baseline):
    client.force_login(coordinator)

    response = client.post(reverse("matrix_report_pdf"), {"snapshot": 999_999, "language": "en"})

    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_the_reports_page_shows_both_forms_and_the_user_s_jobs(client, coordinator, finished_report):
    client.force_login(coordinator)

    page = client.get(reverse("matrix_reports")).content.decode()

    assert reverse("matrix_report_pdf") in page and reverse("donor_pack_create") in page
    assert reverse("matrix_report_job", args=[finished_report.pk]) in page


def test_the_job_page_refreshes_and_shows_progress_while_running(client, coordinator, baseline):
    job = reports.matrix_report_request(snapshot=baseline, language="en", requested_by=coordinator)  # not run: no commit callbacks
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=60)
    client.force_login(coordinator)

    page = client.get(reverse("matrix_report_job", args=[job.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="report-progress" max="100" value="60">' in page and "60%" in page
    assert reverse("matrix_report_download", args=[job.pk]) not in page


def test_the_job_page_links_the_download_once_done(client, coordinator, finished_report):
    client.force_login(coordinator)

    page = client.get(reverse("matrix_report_job", args=[finished_report.pk])).content.decode()

    assert reverse("matrix_report_download", args=[finished_report.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_another_coordinator_downloads_the_pdf(client, finished_report):
    client.force_login(UserFactory(role="coordinator", email="second.coordinator@example.org"))

    response = client.get(reverse("matrix_report_download", args=[finished_report.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_trainee_is_sent_away_from_the_download(client, trainee, finished_report):
    client.force_login(trainee)

    response = client.get(reverse("matrix_report_download", args=[finished_report.pk]))

    assert response.status_code == 302 and not response.has_header("Content-Disposition")


@pytest.mark.parametrize("url_name", ["matrix_report_download", "matrix_report_job"])
def test_a_trainer_does_not_find_the_report(client, trainer, finished_report, url_name):
    client.force_login(trainer)

    # an admin URL that is not found is sent on to the language-prefixed tree (LocaleMiddleware), which answers 404
    response = client.get(reverse(url_name, args=[finished_report.pk]), follow=True)

    assert response.status_code == 404 and not response.has_header("Content-Disposition")


@pytest.mark.parametrize("url_name", ["matrix_reports"])
def test_a_trainer_cannot_open_the_reports_page(client, trainer, url_name):
    client.force_login(trainer)

    response = client.get(reverse(url_name))

    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_a_trainer_cannot_queue_a_report(client, trainer, baseline):
    client.force_login(trainer)

    response = client.post(reverse("matrix_report_pdf"), {"snapshot": baseline.pk, "language": "en"})

    assert response.status_code == 302 and not ExportJob.objects.exists()


# --- the donor indicator pack --------------------------------------------------------------

PERIOD = (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))


def approve(session: TrainingSession, user: User, country: str, category: str, gender: str) -> SessionApplication:
    return SessionApplication.objects.create(
        session=session,
        trainee=user,
        status=ApplicationStatus.APPROVED,
        motivation="-",
        country=Country.objects.get(iso_code=country),
        category=StakeholderCategory.objects.get(code=category),
        gender=gender,
    )


def attend(session: TrainingSession, coordinator: User, days: dict[int, list[SessionApplication]]) -> None:
    """Mark who was present on the session's days (1 the first day), as the sheet was kept while the session ran:
    a completed session's sheet only takes corrections, so the session runs again for the marking."""
    status = session.status
    session.status = SessionStatus.IN_PROGRESS
    for number, day in enumerate(session.days(), start=1):
        present = {application.pk for application in days.get(number, [])}
        attendance_record(session=session, day=day, present_ids=present, recorded_by=coordinator)
    session.status = status


def certify(application: SessionApplication, kind: str, issued_on: datetime.date, revoked: bool = False) -> Certificate:
    certificate = Certificate.objects.create(
        application=application,
        kind=kind,
        language="en",
        holder_name="Participant",
        module_title="Module",
        start_date=application.session.start_date,
        end_date=application.session.end_date,
        place="Bakı",
        **({"revoked_at": timezone.now(), "revoked_reason": "Issued by mistake."} if revoked else {}),
    )
    issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(12)))
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=issued_at)
    return certificate


def take_test(session: TrainingSession, application: SessionApplication, instrument, right: tuple[str, ...], on: datetime.date) -> None:
    """Answer the two knowledge questions (2 and 1 points): the ones in `right` correctly."""
    respondent = services.participant_respondent(instrument=instrument, session=session, user=application.trainee)
    fields = {question.code: question.field_name for question in instrument.questions.all()}
    data = {
        fields["knowledge"]: ["b"] if "knowledge" in right else ["a"],
        fields["knowledge_multi"]: ["a", "c"] if "knowledge_multi" in right else ["b"],
    }
    services.response_submit(respondent=respondent, data=data, today=on)


def evaluate(session: TrainingSession, application: SessionApplication, instrument, likert: str) -> None:
    respondent = services.participant_respondent(instrument=instrument, session=session, user=application.trainee)
    field = instrument.questions.get(code="likert").field_name
    services.response_submit(respondent=respondent, data={field: [likert]}, today=session.end_date)


@pytest.fixture
def delivered(module: ModulePage, coordinator: User) -> dict[str, object]:
    """March 2025: two completed sessions (chapters 13 and 14; chapter 13), four people, one of them in both; and
    outside the pack a session that ended in April and one cancelled in March."""
    chapter_13, chapter_14 = ThematicChapter.objects.get(number=13), ThematicChapter.objects.get(number=14)
    module.chapters.set([chapter_13, chapter_14])
    module.save()  # a parental many-to-many is written when the page is saved
    second_module = ModulePageFactory(parent=module.get_parent(), code="M13B", title="Labour migration statistics", chapters=[chapter_13])

    def session(on_module: ModulePage, start: datetime.date, days: int, status: str = SessionStatus.COMPLETED) -> TrainingSession:
        return TrainingSessionFactory(
            module=on_module,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            application_deadline=start - datetime.timedelta(days=7),
            status=status,
        )

    first = session(module, datetime.date(2025, 3, 3), 3)
    second = session(second_module, datetime.date(2025, 3, 10), 2)
    april = session(module, datetime.date(2025, 3, 31), 3)  # its last day is 2 April
    cancelled = session(module, datetime.date(2025, 3, 17), 2, status=SessionStatus.CANCELLED)

    aysel = UserFactory(role="trainee", email="aysel@example.org")
    rashad = UserFactory(role="trainee", email="rashad@example.org")
    nino = UserFactory(role="trainee", email="nino@example.org")
    olena = UserFactory(role="trainee", email="olena@example.org")
    late = UserFactory(role="trainee", email="late@example.org")

    aysel_1 = approve(first, aysel, "AZ", "government", User.Gender.FEMALE)
    rashad_1 = approve(first, rashad, "AZ", "government", User.Gender.MALE)
    nino_1 = approve(first, nino, "GE", "cso", User.Gender.FEMALE)
    SessionApplication.objects.create(
        session=first, trainee=UserFactory(role="trainee", email="waiting@example.org"), status=ApplicationStatus.WAITLISTED, motivation="-"
    )
    aysel_2 = approve(second, aysel, "AZ", "government", User.Gender.FEMALE)
    olena_2 = approve(second, olena, "UA", "media", User.Gender.FEMALE)
    late_april = approve(april, late, "AZ", "government", User.Gender.MALE)
    approve(cancelled, UserFactory(role="trainee", email="cancelled@example.org"), "AZ", "government", User.Gender.MALE)

    attend(first, coordinator, {1: [aysel_1, rashad_1, nino_1], 2: [aysel_1, rashad_1], 3: [aysel_1]})
    attend(second, coordinator, {1: [aysel_2, olena_2], 2: [aysel_2]})
    attend(april, coordinator, {1: [late_april], 2: [late_april], 3: [late_april]})

    certify(aysel_1, CertificateKind.COMPLETION, datetime.date(2025, 3, 6))
    certify(rashad_1, CertificateKind.COMPLETION, datetime.date(2025, 3, 6), revoked=True)
    certify(nino_1, CertificateKind.PARTICIPATION, datetime.date(2025, 3, 6))
    certify(late_april, CertificateKind.COMPLETION, datetime.date(2025, 4, 3))

    pre = sample_instrument(purpose="pre_test", required=False)
    post = sample_instrument(purpose="post_test", required=False)
    services.session_survey_set(session=first, instrument=pre)
    services.session_survey_set(session=first, instrument=post)
    take_test(first, aysel_1, pre, right=("knowledge_multi",), on=first.start_date)  # 1 of 3 points
    take_test(first, rashad_1, pre, right=(), on=first.start_date)  # 0 of 3
    take_test(first, aysel_1, post, right=("knowledge", "knowledge_multi"), on=first.end_date)  # 3 of 3
    take_test(first, rashad_1, post, right=("knowledge",), on=first.end_date)  # 2 of 3
    take_test(first, nino_1, post, right=("knowledge",), on=first.end_date)  # no pre-test: not counted

    # smallest group 1: these tests are about the means (tests/assessments/test_anonymity.py keeps groups of 5)
    evaluation = sample_instrument(purpose="session_evaluation", is_anonymous=True, required=False, min_group_size=1)
    for on_session in (first, second, april):
        services.session_survey_set(session=on_session, instrument=evaluation)
    evaluate(first, aysel_1, evaluation, "4")
    evaluate(first, rashad_1, evaluation, "5")
    evaluate(second, olena_2, evaluation, "3")
    evaluate(april, late_april, evaluation, "1")
    return {"evaluation": evaluation}


def rows_of(pack: donor_pack.DonorPack, code: str) -> list[dict[str, object]]:
    return next(table for table in pack.tables if table.code == code).rows


def test_people_are_counted_once_per_chapter_by_sex_country_and_category_with_their_days(delivered):
    pack = donor_pack.donor_pack(*PERIOD, "en")

    people = {
        (r["chapter"].split(".")[0], r["sex"], r["country"], r["category"]): (r["people"], r["participant_days"])
        for r in rows_of(pack, "people")
    }

    assert people == {
        ("13", "Female", "Azerbaijan", "Government body"): (1, 5),  # Aysel in both sessions: once, 3 + 2 days
        ("13", "Male", "Azerbaijan", "Government body"): (1, 2),
        ("13", "Female", "Georgia", "Civil-society organisation"): (1, 1),
        ("13", "Female", "Ukraine", "Media"): (1, 1),
        ("14", "Female", "Azerbaijan", "Government body"): (1, 3),
        ("14", "Male", "Azerbaijan", "Government body"): (1, 2),
        ("14", "Female", "Georgia", "Civil-society organisation"): (1, 1),
    }


def test_the_summary_counts_each_person_once_and_every_attended_day(delivered):
    pack = donor_pack.donor_pack(*PERIOD, "en")

    summary = {row["figure_code"]: row["value"] for row in rows_of(pack, "summary")}

    assert summary == {
        "sessions": 2,
        "people": 4,
        "women": 3,
        "men": 1,
        "others": 0,
        "participant_days": 9,
        "certificates": 2,
        "measured": 2,
        "gain": Decimal("66.67"),
        "evaluations": 3,
    }


def test_certificates_issued_in_the_period_and_not_revoked_are_counted(delivered):
    pack = donor_pack.donor_pack(*PERIOD, "en")

    certificates = [(r["kind"], r["sex"], r["country"], r["certificates"]) for r in rows_of(pack, "certificates")]

    assert certificates == [
        ("Certificate of participation", "Female", "Georgia", 1),
        ("Certificate of completion", "Female", "Azerbaijan", 1),
    ]


def test_the_knowledge_gain_pairs_each_participant_s_pre_and_post_test(delivered):
    pack = donor_pack.donor_pack(*PERIOD, "en")

    session_row, all_row = rows_of(pack, "knowledge")

    # Aysel 33.33 -> 100, Rəşad 0 -> 66.67; Nino took no pre-test
    assert (session_row["measured"], session_row["pre"], session_row["post"], session_row["gain"]) == (
        2,
        Decimal("16.67"),
        Decimal("83.33"),
        Decimal("66.67"),
    )
    assert session_row["last_day"] == datetime.date(2025, 3, 5)
    assert (all_row["session"], all_row["measured"], all_row["gain"]) == ("All sessions", 2, Decimal("66.67"))


def test_evaluation_averages_are_by_question_code_with_its_label(delivered):
    pack = donor_pack.donor_pack(*PERIOD, "ru")

    (likert,) = rows_of(pack, "evaluation")

    question = delivered["evaluation"].questions.get(code="likert")
    assert (likert["question_code"], likert["question"], likert["answers"], likert["mean"]) == (
        "likert",
        question.text_ru,
        3,
        Decimal("4.00"),
    )


@pytest.mark.parametrize("sessions", [1, 4])
def test_the_pack_takes_the_same_queries_whatever_the_period_holds(module, coordinator, django_assert_num_queries, sessions):
    for n in range(sessions):
        start = datetime.date(2025, 3, 2 + 3 * n)
        session = TrainingSessionFactory(
            module=module, start_date=start, end_date=start, application_deadline=start, status=SessionStatus.COMPLETED
        )
        applications = [
            approve(session, UserFactory(role="trainee"), "AZ", "cso", User.Gender.FEMALE if m % 2 else User.Gender.MALE)
            for m in range(sessions)
        ]
        attend(session, coordinator, {1: applications})

    with django_assert_num_queries(15):  # the 15th: the sessions whose anonymous evaluations are too few to count
        donor_pack.donor_pack(*PERIOD, "en")


def pack_job(user: User, file_format: str, django_capture_on_commit_callbacks, language: str = "en") -> ExportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = reports.donor_pack_request(
            date_from=PERIOD[0], date_to=PERIOD[1], file_format=file_format, language=language, requested_by=user
        )
    job.refresh_from_db()
    return job


def test_the_xlsx_pack_has_a_sheet_per_table(delivered, coordinator, django_capture_on_commit_callbacks):
    job = pack_job(coordinator, "xlsx", django_capture_on_commit_callbacks)

    workbook = openpyxl.load_workbook(io.BytesIO(stored(job)))

    assert (job.status, job.progress) == (ExportStatus.DONE, 100)
    assert workbook.sheetnames == ["Key figures", "People trained", "Certificates", "Knowledge gain", "Evaluation"]
    people = list(workbook["People trained"].iter_rows(values_only=True))
    assert people[0] == ("Sex", "Country", "Stakeholder category", "Chapter", "People trained", "Participant-days")
    assert sum(row[4] for row in people[1:]) == 7 and sum(row[5] for row in people[1:]) == 15
    summary = dict(workbook["Key figures"].iter_rows(min_row=2, values_only=True))
    assert summary["People trained (each person once)"] == 4


def test_the_csv_pack_is_one_file_with_a_table_column(delivered, coordinator, django_capture_on_commit_callbacks):
    job = pack_job(coordinator, "csv", django_capture_on_commit_callbacks)

    content = stored(job)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))

    assert content.startswith(b"\xef\xbb\xbf")
    assert {row["Table"] for row in rows} == {"Key figures", "People trained", "Certificates", "Knowledge gain", "Evaluation"}
    people = [row for row in rows if row["Table"] == "People trained"]
    assert len(people) == 7 and sum(int(row["Participant-days"]) for row in people) == 15
    evaluation = next(row for row in rows if row["Table"] == "Evaluation")
    assert (evaluation["Question code"], evaluation["Mean"]) == ("likert", "4")


def test_running_a_done_pack_job_again_does_nothing(delivered, coordinator, django_capture_on_commit_callbacks):
    job = pack_job(coordinator, "csv", django_capture_on_commit_callbacks)

    assert donor_pack_build(job.pk) == "already-done"

    again = ExportJob.objects.get(pk=job.pk)
    assert (again.file.name, again.finished_at, again.status) == (job.file.name, job.finished_at, ExportStatus.DONE)


def test_the_pdf_pack_prints_its_tables_in_azerbaijani(delivered, coordinator, django_capture_on_commit_callbacks):
    job = pack_job(coordinator, "pdf", django_capture_on_commit_callbacks, language="az")

    text = pdf_text(stored(job))

    assert job.status == ExportStatus.DONE
    assert "Azərbaycan" in text and ThematicChapter.objects.get(number=14).name_az.split(":")[0] in text
    assert "66,67" in text  # the mean gain, with the Azerbaijani decimal comma


def test_the_pack_form_queues_a_job_and_redirects_to_its_page(client, coordinator, reference_data, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("donor_pack_create"), {"date_from": "2025-03-01", "date_to": "2025-03-31", "file_format": "csv", "language": "az"}
        )

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("matrix_report_job", args=[job.pk])
    assert job.parameters == {"date_from": "2025-03-01", "date_to": "2025-03-31", "file_format": "csv"}
    assert (job.kind, job.status) == (reports.DONOR_PACK_KIND, ExportStatus.DONE)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"date_from": "", "date_to": "2025-03-31"}, "Give the first day of the period."),
        ({"date_from": "2025-03-31", "date_to": "2025-03-01"}, "The first day of the period must not be after its last day."),
        (
            {"date_from": "2015-03-01", "date_to": "2025-03-02"},
            "The period can be at most %(years)d years long: choose a later first day or an earlier last day.",
        ),
    ],
)
def test_a_bad_period_is_refused_with_400_and_nothing_is_queued(client, coordinator, reference_data, dates, message):
    client.force_login(coordinator)

    response = client.post(reverse("donor_pack_create"), {**dates, "file_format": "xlsx", "language": "en"})

    assert response.status_code == 400
    from django.utils import translation

    with translation.override(coordinator.preferred_language):  # the admin speaks the coordinator's language
        assert translation.gettext(message).split("%(")[0] in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_period_of_exactly_ten_years_is_accepted():
    reports.date_range_check(datetime.date(2015, 3, 1), datetime.date(2025, 3, 1))

    with pytest.raises(ValidationError):
        reports.date_range_check(datetime.date(2015, 3, 1), datetime.date(2025, 3, 2))


def test_the_reports_page_gives_each_field_its_own_id(client, coordinator, reference_data):
    import re

    client.force_login(coordinator)

    ids = re.findall(r'\bid="([^"]+)"', client.get(reverse("matrix_reports")).content.decode())

    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
