"""Roster spreadsheets: the dry run reports every broken row, the import writes all or only the valid rows, the export keeps private parts out."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from experts.models import AvailabilityWindow, ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus, StatusChange, fold_for_search
from experts.roster_rows import RowAction
from experts.spreadsheets import (
    ImportReport,
    roster_export,
    roster_import_apply,
    roster_import_parse,
)
from lib.tables import MAX_DATA_ROWS, MAX_FILE_SIZE
from people.models import Country, OutboundEmail, User
from tests.factories.experts import ExpertProfileFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "email",
    "first_name",
    "last_name",
    "gender",
    "nationality",
    "country_of_residence",
    "organisation",
    "organisation_type",
    "chapters",
    "languages",
    "field_countries",
    "migrant_background",
    "tot_experience",
    "bio",
    "availability",
    "consent_to_be_listed",
    "public_bio",
    "public_chapters",
    "public_languages",
    "public_country",
    "status",
]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Read the report's messages in English, whatever the default language."""
    with translation.override("en"):
        yield


def expert_row(**overrides: str) -> dict[str, str]:
    row = {
        "email": "nigar@example.org",
        "first_name": "Nigar",
        "last_name": "Fictional",
        "gender": "female",
        "nationality": "Azerbaijani",
        "country_of_residence": "AZ",
        "organisation": "Fictional Migration Institute",
        "organisation_type": "cso",
        "chapters": "3:lead; 12:practitioner",
        "languages": "ru:native; en:fluent",
        "field_countries": "AZ; GE",
        "migrant_background": "",
        "tot_experience": "yes",
        "bio": "Labour migration researcher.",
        "availability": "2027-01-01..2027-01-28; 2027-05-01..2027-05-31",
        "consent_to_be_listed": "yes",
        "public_bio": "yes",
        "public_chapters": "yes",
        "public_languages": "yes",
        "public_country": "no",
        "status": "vetted",
    }
    row.update(overrides)
    return row


def second_row(**overrides: str) -> dict[str, str]:
    row = {
        "email": "timur@example.org",
        "first_name": "Timur",
        "gender": "male",
        "chapters": "7:practitioner",
        "languages": "kk:native",
        "availability": "",
        "status": "",
    }
    return expert_row(**{**row, **overrides})


def cells(rows: list[dict[str, str] | None], header: list[str]) -> list[list[str]]:
    return [header] + [[""] * len(header) if row is None else [row.get(key, "") for key in header] for row in rows]


def xlsx_upload(rows: list[dict[str, str] | None], header: list[str] = HEADER, name: str = "roster.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for values in cells(rows, header):
        workbook.active.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_content(rows: list[dict[str, str] | None], header: list[str] = HEADER, bom: bool = True, delimiter: str = ",") -> bytes:
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=delimiter).writerows(cells(rows, header))
    return output.getvalue().encode("utf-8-sig" if bom else "utf-8")


def exported_rows(content: bytes, file_format: str) -> list[dict[str, str]]:
    if file_format == "csv":
        return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def reasons_by_row(report: ImportReport) -> dict[int, list[str]]:
    return {row.row_number: list(row.reasons) for row in report.invalid_rows}


# --- Import -------------------------------------------------------------------------------------


def test_a_clean_xlsx_import_creates_experts_with_their_chapters_languages_and_availability(reference_data, coordinator):
    report = roster_import_parse(file=xlsx_upload([expert_row(), second_row()]))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    assert report.is_clean
    assert (result.written, result.created, result.updated, result.skipped_invalid) == (True, 2, 0, 0)
    nigar = ExpertProfile.objects.get(user__email="nigar@example.org")
    assert (nigar.user.first_name, nigar.user.gender, nigar.nationality) == ("Nigar", "female", "Azerbaijani")
    assert (nigar.country_of_residence.iso_code, nigar.organisation_type.code) == ("AZ", "cso")
    assert {(link.chapter.number, link.depth) for link in nigar.chapter_links.all()} == {(3, "lead"), (12, "practitioner")}
    assert {(link.language.code, link.level) for link in nigar.language_links.all()} == {("ru", "native"), ("en", "fluent")}
    assert sorted(country.iso_code for country in nigar.field_countries.all()) == ["AZ", "GE"]
    assert [(window.start, window.end) for window in nigar.availability.all()] == [
        (datetime.date(2027, 1, 1), datetime.date(2027, 1, 28)),
        (datetime.date(2027, 5, 1), datetime.date(2027, 5, 31)),
    ]
    assert nigar.tot_experience and nigar.consent_to_be_listed and nigar.consent_given_at is not None
    assert (nigar.public_bio, nigar.public_chapters, nigar.public_country) == (True, True, False)
    assert nigar.migrant_or_diaspora_background is None
    assert nigar.user.groups.filter(name="Experts").exists()
    timur = ExpertProfile.objects.get(user__email="timur@example.org")
    assert timur.availability.count() == 0
    assert {(link.language.code, link.level) for link in timur.language_links.all()} == {("kk", "native")}


def test_an_imported_status_is_logged_with_the_importing_coordinator_and_no_email(reference_data, coordinator):
    report = roster_import_parse(file=xlsx_upload([expert_row(status="vetted"), second_row()]))

    roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    assert ExpertProfile.objects.get(user__email="nigar@example.org").status == ExpertStatus.VETTED
    assert ExpertProfile.objects.get(user__email="timur@example.org").status == ExpertStatus.APPLIED
    change = StatusChange.objects.get()
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        "applied",
        "vetted",
        coordinator,
        "Imported from a spreadsheet",
    )
    assert OutboundEmail.objects.count() == 0


def test_the_dry_run_reports_what_each_row_would_do_and_writes_nothing(reference_data):
    ExpertProfileFactory(user__email="Timur@Example.org")

    report = roster_import_parse(file=xlsx_upload([expert_row(), second_row()]))

    assert [(row.row_number, row.email, row.action) for row in report.valid_rows] == [
        (2, "nigar@example.org", RowAction.CREATE),
        (3, "timur@example.org", RowAction.UPDATE),
    ]
    assert (report.count(RowAction.CREATE), report.count(RowAction.UPDATE)) == (1, 1)
    assert ExpertProfile.objects.count() == 1
    assert not User.objects.filter(email="nigar@example.org").exists()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"email": "not-an-address"}, "“not-an-address” is not a valid e-mail address."),
        ({"gender": "f"}, "unknown gender “f” (use female, male, another, undisclosed)."),
        ({"country_of_residence": "XX"}, "unknown country code “XX” in “country_of_residence”"),
        ({"field_countries": "AZ; ZZ"}, "unknown country code “ZZ” in “field_countries”"),
        ({"organisation_type": "ngo"}, "unknown organisation type “ngo” (use government, cso, media"),
        ({"chapters": "3-lead"}, "“3-lead” in “chapters” is not “number:depth”, such as “3:lead”."),
        ({"chapters": "3:lead; 23:lead"}, "unknown chapter number “23” (1–22)."),
        ({"chapters": "3:expert"}, "unknown depth “expert” for chapter 3 (use lead, practitioner)."),
        ({"chapters": "3:lead; 3:practitioner"}, "chapter 3 is listed more than once."),
        ({"languages": "russian"}, "“russian” in “languages” is not “code:level”, such as “ru:native”."),
        ({"languages": "xx:native"}, "unknown language code “xx” (use az, ru, en"),
        ({"languages": "ru:perfect"}, "unknown level “perfect” for language “ru” (use native, fluent, working, basic)."),
        ({"availability": "2027-02-30..2027-03-10"}, "“2027-02-30” in “availability” is not a valid date (use YYYY-MM-DD)."),
        ({"availability": "2027-03-01"}, "“2027-03-01” in “availability” is not “YYYY-MM-DD..YYYY-MM-DD”."),
        ({"availability": "2027-03-10..2027-03-01"}, "the availability “2027-03-10..2027-03-01” ends before it starts."),
        ({"bio": "x" * 1501}, "the bio has 1501 characters; at most 1500 are allowed."),
        ({"status": "active"}, "unknown status “active” (use applied, vetted, paused, withdrawn)."),
        ({"first_name": ""}, "the required column “first_name” is empty."),
        ({"chapters": ""}, "the required column “chapters” is empty."),
        ({"tot_experience": "maybe"}, "“maybe” in “tot_experience” is not yes or no."),
        ({"last_name": "L" * 151}, "“last_name” is longer than 150 characters."),
    ],
)
def test_a_broken_row_is_reported_with_its_row_number_and_a_specific_reason(reference_data, overrides, reason):
    report = roster_import_parse(file=xlsx_upload([second_row(), expert_row(**overrides)]))

    assert [row.row_number for row in report.valid_rows] == [2]
    assert [row.row_number for row in report.invalid_rows] == [3]
    (found,) = report.invalid_rows[0].reasons
    assert reason in found
    assert report.invalid_rows[0].messages == [f"Row 3: {found}"]


def test_a_file_with_several_broken_rows_reports_each_and_imports_nothing(reference_data, coordinator):
    rows = [
        expert_row(),
        second_row(email="broken@"),
        None,
        expert_row(email="NIGAR@example.org", first_name="Nigar again"),
        second_row(email="third@example.org", chapters="23:lead", languages="xx:native"),
        second_row(email="fine@example.org"),
    ]
    report = roster_import_parse(file=xlsx_upload(rows))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    duplicate = "the e-mail address “nigar@example.org” is on rows 2, 5; keep one row per expert."
    found = reasons_by_row(report)
    assert sorted(found) == [2, 3, 5, 6]
    assert found[2] == [duplicate] and found[5] == [duplicate]
    assert found[3] == ["“broken@” is not a valid e-mail address."]
    assert found[6][0] == "unknown chapter number “23” (1–22)."
    assert found[6][1].startswith("unknown language code “xx”")
    assert [row.row_number for row in report.valid_rows] == [7]
    assert not report.is_clean
    assert (result.written, result.created, result.skipped_invalid) == (False, 0, 4)
    assert ExpertProfile.objects.count() == 0
    assert not User.objects.filter(email__in=["fine@example.org", "nigar@example.org"]).exists()


def test_only_valid_rows_imports_the_valid_ones_and_counts_the_skipped(reference_data, coordinator):
    report = roster_import_parse(file=xlsx_upload([expert_row(), second_row(gender="unknown"), second_row(email="fine@example.org")]))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=True)

    assert (result.written, result.created, result.updated, result.skipped_invalid) == (True, 2, 0, 1)
    assert set(ExpertProfile.objects.values_list("user__email", flat=True)) == {"nigar@example.org", "fine@example.org"}


def test_reimporting_the_same_file_creates_no_duplicates(reference_data, coordinator):
    upload = xlsx_upload([expert_row(), second_row()])
    roster_import_apply(report=roster_import_parse(file=upload), imported_by=coordinator, only_valid_rows=False)
    counts = (
        ExpertProfile.objects.count(),
        ExpertChapter.objects.count(),
        ExpertLanguage.objects.count(),
        AvailabilityWindow.objects.count(),
    )

    again = roster_import_parse(file=upload)
    result = roster_import_apply(report=again, imported_by=coordinator, only_valid_rows=False)

    assert [row.action for row in again.valid_rows] == [RowAction.UNCHANGED, RowAction.UNCHANGED]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert counts == (2, 3, 3, 2)
    assert (
        ExpertProfile.objects.count(),
        ExpertChapter.objects.count(),
        ExpertLanguage.objects.count(),
        AvailabilityWindow.objects.count(),
    ) == counts
    assert User.objects.filter(email__in=["nigar@example.org", "timur@example.org"]).count() == 2
    assert StatusChange.objects.count() == 1


def test_a_changed_row_updates_the_expert_and_replaces_their_lists(reference_data, coordinator):
    expert = ExpertProfileFactory(user__email="nigar@example.org", chapter_numbers=[1, 2], language_codes=["tr"])
    AvailabilityWindow.objects.create(expert=expert, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 1, 2))
    report = roster_import_parse(file=xlsx_upload([expert_row(email="Nigar@Example.org", last_name="Məmmədova", status="paused")]))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    expert.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert ExpertProfile.objects.count() == 1
    assert expert.user.last_name == "Məmmədova"
    assert fold_for_search("Məmmədova") in expert.search_text
    assert {(link.chapter.number, link.depth) for link in expert.chapter_links.all()} == {(3, "lead"), (12, "practitioner")}
    assert {link.language.code for link in expert.language_links.all()} == {"ru", "en"}
    assert [window.start for window in expert.availability.all()] == [datetime.date(2027, 1, 1), datetime.date(2027, 5, 1)]
    assert expert.country_of_residence.iso_code == "AZ"
    assert expert.status == ExpertStatus.PAUSED
    assert StatusChange.objects.get(expert=expert).reason == "Imported from a spreadsheet"


def test_blank_cells_the_export_may_withhold_keep_what_the_roster_holds(reference_data, coordinator):
    expert = ExpertProfileFactory(
        user__email="nigar@example.org", chapter_numbers=[5], migrant_or_diaspora_background=True, short_bio="Kept bio."
    )
    row = expert_row(chapters="", languages="", bio="", country_of_residence="", migrant_background="", status="")
    report = roster_import_parse(file=xlsx_upload([row]))

    roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    expert.refresh_from_db()
    assert report.valid_rows[0].action == RowAction.UPDATE
    assert [link.chapter.number for link in expert.chapter_links.all()] == [5]
    assert [link.language.code for link in expert.language_links.all()] == ["ru"]
    assert (expert.short_bio, expert.country_of_residence.iso_code, expert.migrant_or_diaspora_background) == ("Kept bio.", "GE", True)
    assert expert.status == ExpertStatus.VETTED
    assert expert.organisation_name == "Fictional Migration Institute"


def test_an_account_without_a_profile_becomes_an_expert_with_that_account(reference_data, coordinator):
    trainer = UserFactory(role="trainer", email="nigar@example.org", first_name="Old")
    users = User.objects.count()
    report = roster_import_parse(file=xlsx_upload([expert_row(email="NIGAR@example.org")]))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    assert (report.valid_rows[0].action, report.valid_rows[0].has_account) == (RowAction.CREATE, True)
    assert result.created == 1
    assert User.objects.count() == users
    expert = ExpertProfile.objects.get()
    assert expert.user == trainer
    assert expert.user.first_name == "Nigar"
    assert set(trainer.groups.values_list("name", flat=True)) >= {"Experts", "Trainers"}


def test_a_row_cannot_bring_back_an_expert_who_deleted_their_personal_data(reference_data, coordinator):
    erased = ExpertProfileFactory(
        user__email="nigar@example.org", anonymised_at=timezone.now(), consent_to_be_listed=False, consent_given_at=None, nationality=""
    )
    report = roster_import_parse(file=xlsx_upload([expert_row(), second_row()]))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    erased.refresh_from_db()
    assert reasons_by_row(report) == {2: ["the expert with this e-mail address deleted their roster profile; only they can apply again."]}
    assert result.written is False
    assert (erased.nationality, ExpertProfile.objects.count()) == ("", 1)


@pytest.mark.parametrize("bom", [True, False])
def test_a_csv_file_imports_with_or_without_a_byte_order_mark(reference_data, coordinator, bom):
    content = csv_content([expert_row(first_name="Şəhla", last_name="Əliyeva"), second_row(last_name="Жумабаев")], bom=bom)

    report = roster_import_parse(file=content, filename="roster.CSV")
    roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    assert content.startswith(b"\xef\xbb\xbf") is bom
    assert (report.file_format, report.file_error, report.invalid_rows) == ("csv", "", [])
    assert report.valid_rows[0].email == "nigar@example.org"
    assert ExpertProfile.objects.get(user__first_name="Şəhla").user.last_name == "Əliyeva"
    assert ExpertProfile.objects.filter(user__last_name="Жумабаев").exists()


def test_a_semicolon_separated_csv_from_a_russian_excel_imports(reference_data):
    report = roster_import_parse(file=csv_content([expert_row()], delimiter=";"), filename="roster.csv")

    assert report.file_error == ""
    assert report.valid_rows[0].chapters == ((3, "lead"), (12, "practitioner"))


def test_column_names_match_whatever_their_case_and_surrounding_spaces(reference_data):
    header = [f"  {key.upper()} " for key in HEADER]
    rows = [{f"  {key.upper()} ": value for key, value in expert_row().items()}]

    report = roster_import_parse(file=xlsx_upload(rows, header=header))

    assert (report.file_error, report.invalid_rows, len(report.valid_rows)) == ("", [], 1)
    assert report.valid_rows[0].languages == (("en", "fluent"), ("ru", "native"))


def test_unknown_columns_are_reported_and_ignored(reference_data):
    header = [*HEADER, "Phone", "notes"]
    rows = [{**expert_row(), "Phone": "+994 50 000 00 00", "notes": "met in Baku"}]

    report = roster_import_parse(file=xlsx_upload(rows, header=header))

    assert report.unknown_columns == ["Phone", "notes"]
    assert report.is_clean and len(report.valid_rows) == 1


def _header_only() -> bytes:
    return csv_content([])


def _too_many_rows() -> bytes:
    return csv_content([second_row(email=f"expert{n}@example.org") for n in range(MAX_DATA_ROWS + 1)])


@pytest.mark.parametrize(
    ("content", "filename", "error"),
    [
        (b"email,first_name\n", "roster.xls", "Upload an .xlsx or .csv file; “roster.xls” is neither."),
        (b"%PDF-1.4", "roster.pdf", "Upload an .xlsx or .csv file"),
        (b"PK\x03\x04 not really a workbook", "roster.xlsx", "could not be read as an Excel workbook"),
        (b"", "roster.xlsx", "The file is empty."),
        (b"", "roster.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "roster.csv", "The file is empty."),
        (b"\xff\xfee\x00m\x00", "roster.csv", "is not UTF-8 text"),
        (_header_only(), "roster.csv", "The file has no rows of experts below its column names."),
        (b"x" * (MAX_FILE_SIZE + 1), "roster.csv", "The file is larger than 5 MB"),
        (_too_many_rows(), "roster.csv", "The file has more than 5000 rows"),
    ],
)
def test_a_file_that_cannot_be_read_gives_a_file_error(reference_data, coordinator, content, filename, error):
    report = roster_import_parse(file=SimpleUploadedFile(filename, content))

    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=True)

    assert error in report.file_error
    assert report.messages == [report.file_error]
    assert (report.valid_rows, report.invalid_rows) == ([], [])
    assert result.written is False
    assert ExpertProfile.objects.count() == 0


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_file_without_a_required_column_is_invalid_as_a_whole(reference_data, file_format):
    header = [key for key in HEADER if key not in {"languages", "gender"}]
    rows = [expert_row()]
    upload = (
        xlsx_upload(rows, header=header) if file_format == "xlsx" else SimpleUploadedFile("roster.csv", csv_content(rows, header=header))
    )

    report = roster_import_parse(file=upload)

    assert report.file_error.startswith("Required columns are missing: gender, languages.")
    assert report.valid_rows == [] and report.invalid_rows == []


def test_a_corrupt_workbook_with_a_valid_zip_gives_a_file_error(reference_data):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-xml")
    report = roster_import_parse(file=output.getvalue(), filename="roster.xlsx")

    assert "could not be read as an Excel workbook" in report.file_error


# --- Export -------------------------------------------------------------------------------------


def public_expert(**fields: object) -> ExpertProfile:
    return ExpertProfileFactory(public_bio=True, public_chapters=True, public_languages=True, public_country=True, **fields)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_azerbaijani_and_cyrillic_text_survive_the_round_trip(reference_data, coordinator, file_format):
    public_expert(
        user__email="shahla@example.org",
        user__first_name="Şəhla",
        user__last_name="Əliyeva-Ğülüşova",
        nationality="Азербайджанка",
        organisation_name="Miqrasiya Tədqiqatları Mərkəzi",
        short_bio="Исследует трудовую миграцию; işçi miqrasiyası, ı ö ü ç ş ə.",
        chapter_numbers=[4, 9],
        language_codes=["az", "ru"],
    )
    content = roster_export(queryset=ExpertProfile.objects.all(), file_format=file_format)
    ExpertProfile.objects.all().delete()
    User.objects.filter(email="shahla@example.org").delete()

    report = roster_import_parse(file=content, filename=f"export.{file_format}")
    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    assert (report.invalid_rows, result.created) == ([], 1)
    expert = ExpertProfile.objects.get()
    assert (expert.user.first_name, expert.user.last_name) == ("Şəhla", "Əliyeva-Ğülüşova")
    assert (expert.nationality, expert.organisation_name) == ("Азербайджанка", "Miqrasiya Tədqiqatları Mərkəzi")
    assert expert.short_bio == "Исследует трудовую миграцию; işçi miqrasiyası, ı ö ü ç ş ə."
    assert sorted(link.chapter.number for link in expert.chapter_links.all()) == [4, 9]
    assert expert.country_of_residence.iso_code == "GE"
    assert expert.status == ExpertStatus.VETTED


def test_a_csv_export_starts_with_a_byte_order_mark_for_excel(reference_data):
    public_expert(user__first_name="Şəhla")

    content = roster_export(queryset=ExpertProfile.objects.all(), file_format="csv")

    assert content.startswith(b"\xef\xbb\xbf")
    assert "Şəhla" in content.decode("utf-8-sig")


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_reimporting_an_export_changes_nothing_even_where_parts_were_withheld(reference_data, coordinator, file_format):
    expert = ExpertProfileFactory(migrant_or_diaspora_background=True, chapter_numbers=[6], language_codes=["ka"])
    expert.field_countries.set(Country.objects.filter(iso_code__in=["GE", "TR"]))
    AvailabilityWindow.objects.create(expert=expert, start=datetime.date(2027, 6, 1), end=datetime.date(2027, 6, 30))
    content = roster_export(queryset=ExpertProfile.objects.all(), file_format=file_format)

    report = roster_import_parse(file=content, filename=f"export.{file_format}")
    result = roster_import_apply(report=report, imported_by=coordinator, only_valid_rows=False)

    expert.refresh_from_db()
    assert [row.action for row in report.valid_rows] == [RowAction.UNCHANGED]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert (expert.short_bio, expert.migrant_or_diaspora_background) == ("A fictional expert who writes about labour migration.", True)
    assert [link.chapter.number for link in expert.chapter_links.all()] == [6]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_export_leaves_out_experts_who_have_not_consented(reference_data, file_format):
    public_expert(user__email="listed@example.org")
    ExpertProfileFactory(user__email="unlisted@example.org", consent_to_be_listed=False, consent_given_at=None)
    ExpertProfileFactory(user__email="erased@example.org", anonymised_at=timezone.now())

    rows = exported_rows(roster_export(queryset=ExpertProfile.objects.all(), file_format=file_format), file_format)

    assert [row["email"] for row in rows] == ["listed@example.org"]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_export_leaves_parts_the_expert_has_not_made_public_empty(reference_data, file_format):
    public_expert(user__email="public@example.org", user__last_name="A", chapter_numbers=[2], language_codes=["en"])
    ExpertProfileFactory(user__email="private@example.org", user__last_name="B", chapter_numbers=[2], language_codes=["en"])

    public, private = exported_rows(roster_export(queryset=ExpertProfile.objects.all(), file_format=file_format), file_format)

    withheld = ("bio", "chapters", "languages", "country_of_residence")
    assert [public[key] for key in withheld] == ["A fictional expert who writes about labour migration.", "2:lead", "en:fluent", "GE"]
    assert [private[key] for key in withheld] == ["", "", "", ""]
    assert (private["email"], private["nationality"], private["public_bio"]) == ("private@example.org", "Georgian", "no")


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_export_never_contains_migrant_background(reference_data, file_format):
    public_expert(migrant_or_diaspora_background=True)

    rows = exported_rows(roster_export(queryset=ExpertProfile.objects.all(), file_format=file_format), file_format)

    assert list(rows[0]) == [key for key in HEADER if key != "migrant_background"]


def test_a_bio_that_looks_like_a_formula_is_exported_as_text(reference_data, coordinator):
    public_expert(short_bio='=HYPERLINK("http://evil.example","cv")')

    workbook = load_workbook(io.BytesIO(roster_export(queryset=ExpertProfile.objects.all(), file_format="xlsx")))
    csv_export = roster_export(queryset=ExpertProfile.objects.all(), file_format="csv")

    header = [cell.value for cell in workbook.active[1]]
    bio = workbook.active.cell(row=2, column=header.index("bio") + 1)
    assert (bio.value, bio.data_type) == ('=HYPERLINK("http://evil.example","cv")', "s")
    assert exported_rows(csv_export, "csv")[0]["bio"] == '\'=HYPERLINK("http://evil.example","cv")'
    assert roster_import_parse(file=csv_export, filename="roster.csv").valid_rows[0].action == RowAction.UNCHANGED


def test_the_export_takes_the_same_number_of_queries_for_5_and_50_experts(reference_data):
    countries = list(Country.objects.filter(iso_code__in=["AZ", "TR"]))

    def add_experts(count: int) -> None:
        for _ in range(count):
            expert = public_expert(chapter_numbers=[1, 2], language_codes=["ru", "en"])
            expert.field_countries.set(countries)
            AvailabilityWindow.objects.create(expert=expert, start=datetime.date(2027, 1, 1), end=datetime.date(2027, 1, 31))

    def export_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            roster_export(queryset=ExpertProfile.objects.all(), file_format="xlsx")
        return len(queries)

    add_experts(5)
    with_5 = export_queries()
    add_experts(45)
    with_50 = export_queries()

    assert ExpertProfile.objects.count() == 50
    assert with_5 == with_50 == 5
