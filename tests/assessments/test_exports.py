"""Exports of survey results: columns and cells in CSV and XLSX, languages, anonymity, the background job and its download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from assessments import exports
from assessments.models import ExportJob, ExportStatus
from assessments.results import ResultFilters
from assessments.tasks import results_export
from curriculum.models import ThematicChapter
from tests.assessments.test_results import FOUR, bulk_responses, deadline_passes, submit
from tests.factories.assessments import RoundFactory, sample_instrument

pytestmark = pytest.mark.django_db


@pytest.fixture
def four(reference_data):
    """The sample instrument (not anonymous) with the four responses of the results tests; the fourth wrote a formula."""
    instrument = sample_instrument(required=False)
    survey_round = RoundFactory()
    for n, answers in enumerate(FOUR):
        submit(instrument, survey_round, {**answers, "short": ["=SUM(A1:A9)"]} if n == 3 else answers)
    return instrument


def csv_table(instrument, language: str = "en", filters: ResultFilters | None = None) -> tuple[bytes, list[dict[str, str]], list[str]]:
    header, rows = exports.export_table(instrument, filters or ResultFilters(), language)
    output = io.BytesIO()
    exports.write_csv(output, header, rows)
    content = output.getvalue()
    records = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return content, [dict(zip(records[0], record, strict=True)) for record in records[1:]], records[0]


def column(header: list[str], start: str) -> str:
    matches = [label for label in header if label.startswith(start)]
    assert len(matches) == 1, (start, matches)
    return matches[0]


def test_the_csv_starts_with_a_byte_order_mark_and_has_a_row_per_response(four):
    content, rows, header = csv_table(four)

    assert content.startswith(b"\xef\xbb\xbf")
    assert [row["Response"] for row in rows] == ["1", "2", "3", "4"]
    assert header[:8] == ["Response", "Submitted on", "Country", "Stakeholder category", "Gender", "Round", "Session", "Organisation"]


def test_a_multiple_choice_has_a_column_per_option_with_1_0_or_empty(four):
    _content, rows, header = csv_table(four)
    a, b, c = [label for label in header if label.startswith("multiple · ")]

    assert [(row[a], row[b], row[c]) for row in rows] == [("1", "0", "1"), ("1", "0", "0"), ("", "", ""), ("0", "1", "1")]


def test_a_priority_grid_keeps_not_applicable_and_no_answer_apart(four):
    _content, rows, header = csv_table(four)
    grid = [label for label in header if label.startswith("grid · ")]
    first, second, third = grid[:3]

    assert len(grid) == ThematicChapter.objects.count()
    assert [row[first] for row in rows] == ["4", "2", "NA", "1"]
    assert [row[second] for row in rows] == ["NA", "", "3", ""]
    assert [row[third] for row in rows] == ["", "", "", ""]


def test_knowledge_questions_have_the_chosen_values_and_a_points_column(four):
    _content, rows, header = csv_table(four)
    chosen, points = column(header, "knowledge · Q"), column(header, "knowledge · points")
    multi_chosen, multi_points = column(header, "knowledge_multi · Q"), column(header, "knowledge_multi · points")

    assert [(row[chosen], row[points]) for row in rows] == [("b", "2"), ("a", "0"), ("b", "2"), ("", "0")]
    assert [(row[multi_chosen], row[multi_points]) for row in rows] == [("a; c", "1"), ("a", "0"), ("a; c", "1"), ("a; b; c", "0")]


def test_single_likert_number_and_text_cells(four):
    _content, rows, header = csv_table(four)

    assert [row[column(header, "single · ")] for row in rows] == ["b", "a", "b", "c"]
    assert [row[column(header, "likert · ")] for row in rows] == ["4", "2", "5", "4"]
    assert [row[column(header, "number · ")] for row in rows] == ["12.5", "10", "3", "100"]
    # Excel would run the last one as a formula: the CSV puts an apostrophe first
    assert [row[column(header, "short · ")] for row in rows] == ["Bakı", "", "", "'=SUM(A1:A9)"]


def test_the_organisation_column_holds_the_respondents_organisations(four):
    _content, rows, _header = csv_table(four)

    assert all(row["Organisation"].startswith("Organisation ") for row in rows)


def test_headers_are_in_russian_when_asked(four):
    single = four.questions.get(code="single")
    option = single.options.order_by("sort_order").first()
    chapter = ThematicChapter.objects.get(number=1)

    _content, _rows, header = csv_table(four, "ru")

    assert f"single · {single.text_ru}" in header
    assert (
        f"multiple · {four.questions.get(code='multiple').text_ru} · {four.questions.get(code='multiple').options.first().label_ru}"
        in header
    )
    assert f"grid · 1. {chapter.name_ru}" in header
    assert option.label_ru  # single choice cells hold values; its labels appear in the results page


def test_headers_are_in_azerbaijani_when_asked(four):
    chapter = ThematicChapter.objects.get(number=1)

    _content, _rows, header = csv_table(four, "az")

    assert f"single · {four.questions.get(code='single').text_az}" in header
    assert f"grid · 1. {chapter.name_az}" in header


def test_a_filter_exports_only_its_responses(four):
    _content, rows, _header = csv_table(four, filters=ResultFilters(gender="male"))

    assert rows == []


def test_the_xlsx_has_the_same_columns_with_numbers_as_numbers_and_text_kept_as_text(four):
    header, rows = exports.export_table(four, ResultFilters(), "ru")
    output = io.BytesIO()

    exports.write_xlsx(output, header, rows)

    sheet = openpyxl.load_workbook(io.BytesIO(output.getvalue())).active
    records = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert records[0] == header
    cells = [dict(zip(header, record, strict=True)) for record in records[1:]]
    grid_first, grid_second = [label for label in header if label.startswith("grid · ")][:2]
    assert [row[grid_first] for row in cells] == [4, 2, "NA", 1]
    assert [row[grid_second] for row in cells] == ["NA", None, 3, None]
    assert [row[column(header, "number · ")] for row in cells] == [12.5, 10, 3, 100]
    assert cells[3][column(header, "short · ")] == "=SUM(A1:A9)"
    formula_cell = sheet.cell(row=5, column=header.index(column(header, "short · ")) + 1)
    assert formula_cell.data_type == "s"


def anonymous_with(responses: int):
    instrument = sample_instrument(is_anonymous=True, required=False, min_group_size=3)
    survey_round = RoundFactory()
    for answers in FOUR[:responses]:
        submit(instrument, survey_round, answers)
    return instrument


def test_an_anonymous_group_below_the_minimum_cannot_be_exported(reference_data, coordinator):
    instrument = anonymous_with(2)

    with pytest.raises(exports.ExportRefused) as raised:
        exports.export_table(instrument, ResultFilters(), "en")
    with pytest.raises(exports.ExportRefused):
        exports.results_export_request(
            instrument=instrument, filters=ResultFilters(), file_format="csv", language="en", requested_by=coordinator
        )

    assert "Fewer than 3 answers" in raised.value.message
    assert not ExportJob.objects.exists()


def test_an_anonymous_export_has_no_organisation_column(reference_data, days_pass):
    instrument = anonymous_with(3)
    deadline_passes(instrument.responses.first().round, days_pass)

    _content, rows, header = csv_table(instrument)

    assert "Organisation" not in header
    assert len(rows) == 3


def test_progress_is_reported_chunk_by_chunk(four, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    header, rows = exports.export_table(four, ResultFilters(), "en")
    calls = []

    written = exports.write_csv(io.StringIO(), header, rows, progress=lambda done, total: calls.append((done, total)))

    assert written == 4
    assert calls == [(3, 4), (4, 4)]


@pytest.mark.parametrize("count", [5, 200])
def test_rows_are_built_with_the_same_queries_for_5_and_200_responses(reference_data, django_assert_num_queries, count):
    instrument = sample_instrument()
    bulk_responses(instrument, count)

    # count, questions, options, chapters, countries, categories, rounds, sessions; then a chunk (responses, answers) and the empty end
    with django_assert_num_queries(11):
        header, rows = exports.export_table(instrument, ResultFilters(), "az")
        built = list(rows)

    assert len(built) == count
    assert all(len(row) == len(header) for row in built)


def test_the_task_builds_the_file_reports_100_percent_and_a_second_run_does_nothing(four, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = exports.results_export_request(
            instrument=four, filters=ResultFilters(), file_format="csv", language="ru", requested_by=coordinator
        )

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert (job.status, job.progress, job.kind) == (ExportStatus.DONE, 100, "survey-results")
    assert job.file.name.endswith(f"{four.code}-v1-ru-" + job.file.name.rsplit("-", 1)[-1])
    with job.file.open("rb") as file:
        content = file.read()
    assert content.startswith(b"\xef\xbb\xbf") and content.count(b"\r\n") == 5
    first_name, finished_at = job.file.name, job.finished_at

    assert results_export(job.pk) == "already-done"

    job.refresh_from_db()
    assert (job.file.name, job.finished_at, job.status) == (first_name, finished_at, ExportStatus.DONE)


def test_the_task_makes_an_xlsx_file(four, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.results_export_request(
            instrument=four, filters=ResultFilters(), file_format="xlsx", language="az", requested_by=coordinator
        )

    job.refresh_from_db()
    with job.file.open("rb") as file:
        sheet = openpyxl.load_workbook(io.BytesIO(file.read())).active
    assert sheet.max_row == 5
    assert job.file.name.endswith(".xlsx")


def test_a_job_whose_instrument_is_gone_fails_with_a_message(coordinator):
    job = ExportJob.objects.create(
        kind="survey-results", requested_by=coordinator, parameters={"instrument_id": 999999}, file_format="csv", language="en"
    )

    assert results_export(job.pk) == "refused"

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "no longer exists" in job.error


@pytest.fixture
def finished_job(four, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.results_export_request(
            instrument=four, filters=ResultFilters(), file_format="csv", language="en", requested_by=coordinator
        )
    job.refresh_from_db()
    return job


def test_the_requester_downloads_the_file(client, coordinator, finished_job):
    client.force_login(coordinator)

    response = client.get(reverse("assessments_export_download", args=[finished_job.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbf")
    assert "attachment" in response["Content-Disposition"] and response["Content-Disposition"].endswith('.csv"')


def test_an_administrator_downloads_anyone_s_export(client, administrator, finished_job):
    client.force_login(administrator)

    assert client.get(reverse("assessments_export_download", args=[finished_job.pk])).status_code == 200


@pytest.mark.parametrize("role", ["trainee", "expert"])
def test_users_without_the_admin_are_sent_away_from_the_download_and_the_job_page(client, request, finished_job, role):
    client.force_login(request.getfixturevalue(role))

    download = client.get(reverse("assessments_export_download", args=[finished_job.pk]))
    page = client.get(reverse("assessments_export_job", args=[finished_job.pk]))

    assert download.status_code == 302 and page.status_code == 302
    assert not download.has_header("Content-Disposition")


@pytest.mark.parametrize("url_name", ["assessments_export_download", "assessments_export_job"])
def test_another_user_s_export_is_not_found_for_a_trainer(client, trainer, finished_job, url_name):
    client.force_login(trainer)

    # an admin URL that is not found is sent on to the language-prefixed tree (LocaleMiddleware), which answers 404
    response = client.get(reverse(url_name, args=[finished_job.pk]), follow=True)

    assert response.status_code == 404
    assert not response.has_header("Content-Disposition")


def test_the_job_page_shows_the_download_link_once_done(client, coordinator, finished_job):
    client.force_login(coordinator)

    page = client.get(reverse("assessments_export_job", args=[finished_job.pk])).content.decode()

    assert reverse("assessments_export_download", args=[finished_job.pk]) in page
    assert 'http-equiv="refresh"' not in page


def test_the_job_page_refreshes_itself_and_shows_progress_while_running(client, coordinator, four):
    job = ExportJob.objects.create(
        kind="survey-results",
        requested_by=coordinator,
        parameters={"instrument_id": four.pk},
        file_format="csv",
        language="en",
        status=ExportStatus.RUNNING,
        progress=40,
    )
    client.force_login(coordinator)

    page = client.get(reverse("assessments_export_job", args=[job.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="export-progress" max="100" value="40">40%</progress>' in page
    assert reverse("assessments_export_download", args=[job.pk]) not in page


def test_the_export_button_queues_a_job_and_redirects_to_its_page(client, coordinator, four, django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("assessments_results_export", args=[four.pk]), {"format": "xlsx", "language": "ru", "gender": "female"}
        )

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments_export_job", args=[job.pk])
    assert (job.file_format, job.language, job.parameters) == ("xlsx", "ru", {"instrument_id": four.pk, "filters": {"gender": "female"}})
    assert len(callbacks) == 1 and job.status == ExportStatus.QUEUED


def test_the_export_button_refuses_an_unknown_format(client, coordinator, four):
    client.force_login(coordinator)

    response = client.post(reverse("assessments_results_export", args=[four.pk]), {"format": "pdf", "language": "ru"})

    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_the_export_button_of_a_too_small_anonymous_group_shows_why(client, coordinator):
    instrument = anonymous_with(2)
    client.force_login(coordinator)

    response = client.post(
        reverse("assessments_results_export", args=[instrument.pk]),
        {"format": "csv", "language": "en"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    from django.utils import translation

    from assessments.results import anonymity_message

    body = response.content.decode()
    with translation.override(body.split('<html lang="')[1][:2]):  # in the language the admin page speaks
        assert anonymity_message(instrument) in body
    assert not ExportJob.objects.exists()


def test_decimal_cells_are_written_without_trailing_zeros():
    assert exports._csv_text(Decimal("12.50")) == "12.5"
    assert exports._csv_text(Decimal("100.00")) == "100"


def test_an_anonymous_export_has_no_number_day_country_category_or_gender_column(reference_data, days_pass):
    instrument = sample_instrument(is_anonymous=True, required=False, min_group_size=3)
    survey_round = RoundFactory()
    for n, answers in enumerate(FOUR):
        submit(instrument, survey_round, answers, country="AZ" if n < 3 else "GE", gender="female" if n < 3 else "male")
    deadline_passes(survey_round, days_pass)

    _content, rows, header = csv_table(instrument)

    # a blank where a group is small would itself mark the minority: nothing that describes a person is exported
    assert header[:2] == ["Round", "Session"]
    assert not {"Response", "Submitted on", "Country", "Stakeholder category", "Gender"} & set(header)
    assert len(rows) == 4
