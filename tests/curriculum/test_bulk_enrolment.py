"""Bulk enrolment: the dry run reports every broken row, the import matches accounts, fills seats in file order and writes in bulk."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import re
from collections.abc import Callable, Iterator

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import Workbook

from bench.baselines.bulk_enrolment import enrolment_import_apply_row_by_row
from curriculum.bulk_enrolment import (
    MAX_DATA_ROWS,
    EnrolmentReport,
    EnrolmentResult,
    RowOutcome,
    enrolment_import_apply,
    enrolment_import_parse,
)
from curriculum.models import (
    ApplicationNotice,
    ApplicationStatus,
    CurriculumPartPage,
    ModulePage,
    SessionApplication,
    SessionQuota,
    SessionStatus,
    TrainingSession,
)
from experts.spreadsheets import MAX_FILE_SIZE
from people.models import Country, Language, Organisation, OutboundEmail, StakeholderCategory, User
from people.roles import TRAINEE
from tests.factories.curriculum import ModulePageFactory
from tests.factories.people import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["email", "first_name", "last_name", "gender", "country", "organisation", "organisation_type", "position_level", "language"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Read the report's messages in English, whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def module(part_one: CurriculumPartPage) -> ModulePage:
    return ModulePageFactory(parent=part_one, code="M7", title="Labour migration governance")


@pytest.fixture
def make_session(module: ModulePage) -> Callable[..., TrainingSession]:
    """Open sessions of the module, a month away in Baku, with the seats asked for."""

    def make(capacity: int = 20, status: str = SessionStatus.OPEN) -> TrainingSession:
        start = timezone.localdate() + datetime.timedelta(days=30)
        return TrainingSession.objects.create(
            module=module,
            language=Language.objects.get(code="az"),
            start_date=start,
            end_date=start + datetime.timedelta(days=2),
            application_deadline=start - datetime.timedelta(days=10),
            venue_city="Baku",
            venue_country=Country.objects.get(iso_code="AZ"),
            capacity=capacity,
            status=status,
        )

    return make


@pytest.fixture
def session(make_session: Callable[..., TrainingSession]) -> TrainingSession:
    return make_session()


def participant(n: int = 1, **overrides: str) -> dict[str, str]:
    row = {
        "email": f"participant{n}@example.org",
        "first_name": f"Aysel{n}",
        "last_name": "Məmmədova",
        "gender": "female",
        "country": "AZ",
        "organisation": "State Migration Service",
        "organisation_type": "government",
        "position_level": "practitioner",
        "language": "az",
    }
    row.update(overrides)
    return row


def cells(rows: list[dict[str, str]], header: list[str]) -> list[list[str]]:
    return [header] + [[row.get(key, "") for key in header] for row in rows]


def csv_upload(
    rows: list[dict[str, str]], header: list[str] = HEADER, name: str = "participants.csv", bom: bool = True, delimiter: str = ","
) -> SimpleUploadedFile:
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=delimiter).writerows(cells(rows, header))
    return SimpleUploadedFile(name, output.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def xlsx_upload(rows: list[dict[str, str]], header: list[str] = HEADER, name: str = "participants.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for values in cells(rows, header):
        workbook.active.append(values)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def enrol(session: TrainingSession, coordinator: User, upload: SimpleUploadedFile, only_valid_rows: bool = False) -> EnrolmentResult:
    report = enrolment_import_parse(session=session, file=upload)
    return enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=only_valid_rows)


def reasons_by_row(report: EnrolmentReport) -> dict[int, list[str]]:
    return {row.row_number: list(row.reasons) for row in report.invalid_rows}


def statuses_by_email(session: TrainingSession) -> dict[str, str]:
    return dict(session.applications.order_by("pk").values_list("trainee__email", "status"))


# --- A clean file ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("bom", "delimiter"), [(True, ","), (False, ";")])
def test_a_clean_csv_enrols_everyone_as_approved_trainees(session, coordinator, bom, delimiter):
    rows = [participant(1), participant(2, gender="male", language="ru"), participant(3, gender="", language="")]

    result = enrol(session, coordinator, csv_upload(rows, bom=bom, delimiter=delimiter))

    assert result == EnrolmentResult(written=True, users_created=3, approved=3, organisations_created=1)
    users = User.objects.filter(email__startswith="participant").order_by("email")
    assert [(user.email, user.gender, user.preferred_language) for user in users] == [
        ("participant1@example.org", "female", "az"),
        ("participant2@example.org", "male", "ru"),
        ("participant3@example.org", "undisclosed", "az"),
    ]
    assert all(list(user.groups.values_list("name", flat=True)) == ["Trainees"] for user in users)
    assert not any(user.has_usable_password() for user in users)
    assert statuses_by_email(session) == dict.fromkeys([user.email for user in users], ApplicationStatus.APPROVED)


def test_a_clean_xlsx_enrols_everyone_as_approved_trainees(session, coordinator):
    result = enrol(session, coordinator, xlsx_upload([participant(1), participant(2, country="GE", organisation="")]))

    assert (result.users_created, result.approved, result.waitlisted) == (2, 2, 0)
    assert User.objects.filter(groups__name="Trainees", email__startswith="participant").count() == 2
    assert statuses_by_email(session) == {
        "participant1@example.org": ApplicationStatus.APPROVED,
        "participant2@example.org": ApplicationStatus.APPROVED,
    }


def test_a_created_account_has_its_profile_and_one_unverified_primary_address(session, coordinator):
    enrol(session, coordinator, csv_upload([participant(1, email="Nigar.Aliyeva@Example.org", first_name="Nigar", last_name="Əliyeva")]))

    user = User.objects.select_related("country", "organisation__category", "position_level").exclude(pk=coordinator.pk).get()
    assert (user.email, user.first_name, user.last_name) == ("nigar.aliyeva@example.org", "Nigar", "Əliyeva")
    assert (user.country.iso_code, user.organisation.name, user.organisation.category.code) == (
        "AZ",
        "State Migration Service",
        "government",
    )
    assert user.position_level.code == "practitioner"
    assert list(EmailAddress.objects.exclude(user=coordinator).values_list("user_id", "email", "verified", "primary")) == [
        (user.pk, "nigar.aliyeva@example.org", False, True)
    ]


def test_an_enrolment_application_is_confirmed_and_holds_the_selection_snapshot(session, coordinator):
    enrol(
        session,
        coordinator,
        csv_upload([participant(1, gender="male", country="KZ", organisation="Fictional NGO", organisation_type="cso")]),
    )

    application = SessionApplication.objects.select_related("country", "category").get()
    assert application.motivation == "Enrolled by the centre"
    assert application.organisation_confirmed is True and application.position_confirmed is True
    assert (application.country.iso_code, application.category.code, application.gender) == ("KZ", "cso", "male")
    assert (application.decided_by, application.waitlisted_at) == (coordinator, None)


def test_an_import_queues_no_email(session, coordinator):
    enrol(session, coordinator, csv_upload([participant(1), participant(2)]))

    assert SessionApplication.objects.count() == 2
    assert OutboundEmail.objects.count() == 0
    assert ApplicationNotice.objects.count() == 0


def test_the_dry_run_says_what_each_row_would_do_and_writes_nothing(session, coordinator):
    UserFactory(email="participant2@example.org")
    enrolled = UserFactory(email="participant3@example.org")
    SessionApplication.objects.create(session=session, trainee=enrolled, motivation="Mine", status=ApplicationStatus.WITHDRAWN)

    report = enrolment_import_parse(session=session, file=csv_upload([participant(1), participant(2), participant(3)]))

    assert report.is_clean and report.can_import
    assert [(row.row_number, row.outcome, row.application_status) for row in report.valid_rows] == [
        (2, RowOutcome.NEW_USER, ""),
        (3, RowOutcome.EXISTING_USER, ""),
        (4, RowOutcome.ALREADY_ENROLLED, ApplicationStatus.WITHDRAWN),
    ]
    assert [report.count(outcome) for outcome in RowOutcome] == [1, 1, 1]
    assert report.new_organisations == ["State Migration Service"]
    assert (User.objects.count(), SessionApplication.objects.count(), Organisation.objects.count()) == (3, 1, 0)


# --- Broken rows and files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"email": "not-an-address"}, "“not-an-address” is not a valid e-mail address."),
        ({"first_name": ""}, "the required column “first_name” is empty."),
        ({"email": ""}, "the required column “email” is empty."),
        ({"country": ""}, "the required column “country” is empty."),
        ({"gender": "f"}, "unknown gender “f” (use female, male, another, undisclosed)."),
        ({"country": "XX"}, "unknown country code “XX”."),
        (
            {"organisation_type": "church"},
            "unknown organisation type “church” (use government, cso, media, hei, io, migrant_association, private).",
        ),
        ({"position_level": "policy"}, "unknown position level “policy” (use senior, middle, practitioner, researcher)."),
        ({"language": "tr"}, "unknown language code “tr” (use az, ru, en)."),
        (
            {"organisation_type": ""},
            "“State Migration Service” is not yet registered in Azerbaijan: give its organisation_type (use government,",
        ),
        ({"first_name": "A" * 151}, "“first_name” is longer than 150 characters."),
    ],
)
def test_a_broken_row_is_reported_with_its_number_and_reason(session, overrides, reason):
    report = enrolment_import_parse(session=session, file=csv_upload([participant(1), participant(2, **overrides)]))

    assert [row.row_number for row in report.valid_rows] == [2]
    assert [row.row_number for row in report.invalid_rows] == [3]
    assert report.invalid_rows[0].reasons[0].startswith(reason)
    assert report.messages[0].startswith(f"Row 3: {reason}")


def test_a_file_with_broken_rows_reports_each_and_writes_nothing(session, coordinator):
    rows = [
        participant(1),
        participant(2, country="XX"),
        participant(3, email="twice@example.org"),
        participant(4),
        participant(5, email="TWICE@example.org", gender="unknown"),
    ]
    report = enrolment_import_parse(session=session, file=csv_upload(rows))

    result = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)

    assert report.messages == [
        "Row 3: unknown country code “XX”.",
        "Row 4: the e-mail address “twice@example.org” is on rows 4, 6; keep one row per participant.",
        "Row 6: unknown gender “unknown” (use female, male, another, undisclosed).",
        "Row 6: the e-mail address “twice@example.org” is on rows 4, 6; keep one row per participant.",
    ]
    assert result == EnrolmentResult(written=False, skipped_invalid=3)
    assert (User.objects.exclude(pk=coordinator.pk).count(), SessionApplication.objects.count()) == (0, 0)
    assert Organisation.objects.count() == 0


def test_only_valid_rows_imports_the_valid_ones_and_counts_the_skipped(session, coordinator):
    rows = [participant(1), participant(2, country="XX"), participant(3), participant(4, language="de")]

    result = enrol(session, coordinator, csv_upload(rows), only_valid_rows=True)

    assert (result.written, result.users_created, result.approved, result.skipped_invalid) == (True, 2, 2, 2)
    assert set(statuses_by_email(session)) == {"participant1@example.org", "participant3@example.org"}


def _too_many_rows() -> bytes:
    lines = ["email,first_name,last_name,country"] + [f"p{n}@example.org,A,B,AZ" for n in range(MAX_DATA_ROWS + 1)]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("content", "filename", "error"),
    [
        (b"email,first_name,last_name,country\n", "participants.xls", "Upload an .xlsx or .csv file; “participants.xls” is neither."),
        (b"", "participants.csv", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "participants.csv", "The file is empty."),
        (b"", "participants.xlsx", "The file is empty."),
        (b"PK\x03\x04 not really a workbook", "participants.xlsx", "could not be read as an Excel workbook"),
        (b"\xff\xfee\x00m\x00", "participants.csv", "is not UTF-8 text"),
        (b"email,first_name,last_name,country\n", "participants.csv", "The file has no rows of participants below its column names."),
        (b"email,first_name,last_name\np@example.org,A,B\n", "participants.csv", "Required columns are missing: country."),
        (b"x" * (MAX_FILE_SIZE + 1), "participants.csv", "The file is larger than 5 MB"),
        (_too_many_rows(), "participants.csv", "The file has more than 20000 rows"),
        (b"email,first_name,last_name,country\n" + b",,,\n" * 100_001, "participants.csv", "The file has more than 20000 rows"),
    ],
)
def test_a_file_that_cannot_be_read_gives_a_file_error_and_writes_nothing(session, coordinator, content, filename, error):
    report = enrolment_import_parse(session=session, file=SimpleUploadedFile(filename, content))

    result = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=True)

    assert error in report.file_error
    assert report.messages == [report.file_error]
    assert (report.valid_rows, report.invalid_rows) == ([], [])
    assert result.written is False
    assert SessionApplication.objects.count() == 0


def test_a_file_of_exactly_20000_rows_is_read(session):
    lines = ["email,first_name,last_name,country"] + [f"p{n}@example.org,A,B,AZ" for n in range(MAX_DATA_ROWS)]

    report = enrolment_import_parse(session=session, file="\n".join(lines).encode(), filename="participants.csv")

    assert report.file_error == ""
    assert len(report.valid_rows) == MAX_DATA_ROWS


def test_column_names_match_whatever_their_case_and_spaces(session):
    header = [" Email ", "FIRST_NAME", "Last Name", "Country", "Phone"]
    rows = [{" Email ": "a@example.org", "FIRST_NAME": "A", "Last Name": "B", "Country": "az", "Phone": "+994"}]

    report = enrolment_import_parse(session=session, file=csv_upload(rows, header=header))

    assert report.unknown_columns == ["Phone"]
    assert [(row.email, row.country, row.gender, row.language) for row in report.valid_rows] == [
        ("a@example.org", "AZ", "undisclosed", "az")
    ]


# --- Accounts and organisations -----------------------------------------------------------------


def test_existing_users_are_matched_not_duplicated_and_not_modified(session, coordinator):
    georgia = Country.objects.get(iso_code="GE")
    existing = UserFactory(email="Nigar@Example.org", first_name="Nigar", last_name="Stored", gender="female", country=georgia)
    row = participant(1, email="nigar@example.org", first_name="Other", last_name="Name", gender="male", country="AZ", language="ru")

    result = enrol(session, coordinator, csv_upload([row]))

    existing.refresh_from_db()
    assert (result.users_created, result.users_matched, result.approved) == (0, 1, 1)
    assert User.objects.filter(email__iexact="nigar@example.org").count() == 1
    assert (existing.first_name, existing.last_name, existing.gender, existing.country, existing.organisation) == (
        "Nigar",
        "Stored",
        "female",
        georgia,
        None,
    )
    assert existing.preferred_language == "az"
    application = SessionApplication.objects.get()
    assert (application.trainee, application.country, application.gender) == (existing, georgia, "female")
    assert EmailAddress.objects.filter(user=existing).count() == 1  # the factory's verified one, untouched


def test_a_matched_account_without_the_trainee_role_is_given_it(session, coordinator, expert):
    enrol(session, coordinator, csv_upload([participant(1, email=expert.email)]))

    assert sorted(expert.groups.values_list("name", flat=True)) == ["Experts", "Trainees"]


def test_reimporting_the_same_file_creates_nothing(session, coordinator):
    rows = [participant(1), participant(2, organisation="New Org", organisation_type="cso"), participant(3)]
    first = enrol(session, coordinator, csv_upload(rows))
    counts = (User.objects.count(), Organisation.objects.count(), EmailAddress.objects.count(), SessionApplication.objects.count())

    report = enrolment_import_parse(session=session, file=csv_upload(rows))
    second = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)

    assert (first.users_created, first.organisations_created) == (3, 2)
    assert [row.outcome for row in report.valid_rows] == [RowOutcome.ALREADY_ENROLLED] * 3
    assert report.new_organisations == []
    assert second == EnrolmentResult(written=True, users_matched=3, already_enrolled=3)
    assert (User.objects.count(), Organisation.objects.count(), EmailAddress.objects.count(), SessionApplication.objects.count()) == counts


def test_an_organisation_is_matched_whatever_its_case_and_a_new_one_is_created_once(session, coordinator):
    existing = OrganisationFactory(name="State Migration Service", category=StakeholderCategory.objects.get(code="government"))
    rows = [
        participant(1, organisation="state  migration SERVICE", organisation_type="cso"),
        participant(2, organisation="Baku Migration Lab", organisation_type="hei"),
        participant(3, organisation="Baku Migration Lab", organisation_type="hei"),
    ]

    result = enrol(session, coordinator, csv_upload(rows))

    assert result.organisations_created == 1
    users = User.objects.filter(email__startswith="participant").order_by("email")
    assert [user.organisation.name for user in users] == ["State Migration Service", "Baku Migration Lab", "Baku Migration Lab"]
    assert users[0].organisation == existing
    assert Organisation.objects.get(name="Baku Migration Lab").category.code == "hei"
    existing.refresh_from_db()
    assert existing.category.code == "government"


def test_a_new_organisation_given_two_types_is_reported(session):
    rows = [
        participant(1, organisation="Baku Migration Lab", organisation_type="hei"),
        participant(2, organisation="Baku Migration Lab", organisation_type="cso"),
    ]

    report = enrolment_import_parse(session=session, file=csv_upload(rows))

    assert reasons_by_row(report) == {
        3: ["row 2 gives “Baku Migration Lab” the organisation_type “hei”; give one type per organisation."],
    }


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_azerbaijani_and_cyrillic_names_survive(session, coordinator, file_format):
    rows = [
        participant(1, first_name="Şəhla", last_name="Ağayeva-Güləliyeva", organisation="Qaçqınlar və Məcburi Köçkünlər Komitəsi"),
        participant(
            2, first_name="Жанар", last_name="Нұрланқызы", country="KZ", organisation="Миграционная служба", organisation_type="government"
        ),
    ]
    upload = csv_upload(rows) if file_format == "csv" else xlsx_upload(rows)

    enrol(session, coordinator, upload)

    users = User.objects.filter(email__startswith="participant").order_by("email")
    assert [(user.first_name, user.last_name, user.organisation.name) for user in users] == [
        ("Şəhla", "Ağayeva-Güləliyeva", "Qaçqınlar və Məcburi Köçkünlər Komitəsi"),
        ("Жанар", "Нұрланқызы", "Миграционная служба"),
    ]


# --- Seats and quotas -----------------------------------------------------------------------------


def test_a_session_of_5_seats_approves_the_first_5_rows_and_waitlists_the_other_3_in_file_order(make_session, coordinator):
    session = make_session(capacity=5)
    rows = [participant(n) for n in range(1, 9)]
    report = enrolment_import_parse(session=session, file=csv_upload(rows))

    result = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)

    assert [row.planned_status for row in report.valid_rows] == ["approved"] * 5 + ["waitlisted"] * 3
    assert (report.planned(ApplicationStatus.APPROVED), report.planned(ApplicationStatus.WAITLISTED)) == (5, 3)
    assert (result.approved, result.waitlisted) == (5, 3)
    assert list(statuses_by_email(session).items()) == [
        (f"participant{n}@example.org", ApplicationStatus.APPROVED if n <= 5 else ApplicationStatus.WAITLISTED) for n in range(1, 9)
    ]
    waitlist = session.applications.filter(status=ApplicationStatus.WAITLISTED).order_by("waitlisted_at", "created_at", "pk")
    assert [application.trainee.email for application in waitlist] == [f"participant{n}@example.org" for n in (6, 7, 8)]
    assert all(application.waitlisted_at is not None for application in waitlist)


def test_seats_already_confirmed_count_against_the_capacity(make_session, coordinator):
    session = make_session(capacity=3)
    for _approved in range(2):
        SessionApplication.objects.create(session=session, trainee=UserFactory(), motivation="Mine", status=ApplicationStatus.APPROVED)
    SessionApplication.objects.create(session=session, trainee=UserFactory(), motivation="Mine", status=ApplicationStatus.WAITLISTED)

    result = enrol(session, coordinator, csv_upload([participant(1), participant(2)]))

    assert (result.approved, result.waitlisted) == (1, 1)
    assert session.confirmed_count() == 3


def test_a_country_quota_is_respected_counting_the_seats_already_confirmed(session, coordinator):
    georgia = Country.objects.get(iso_code="GE")
    SessionQuota.objects.create(session=session, country=georgia, max_seats=2)
    SessionApplication.objects.create(
        session=session, trainee=UserFactory(country=georgia), motivation="Mine", status=ApplicationStatus.APPROVED, country=georgia
    )
    UserFactory(email="participant4@example.org", country=georgia)
    rows = [
        participant(1, country="GE", organisation=""),
        participant(2, country="GE", organisation=""),
        participant(3, organisation=""),
        # an existing account counts with the country it holds, not the one the file gives
        participant(4, country="AZ", organisation=""),
    ]
    report = enrolment_import_parse(session=session, file=csv_upload(rows))

    result = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)

    assert [row.planned_status for row in report.valid_rows] == ["approved", "waitlisted", "approved", "waitlisted"]
    assert (result.approved, result.waitlisted) == (2, 2)
    assert {email: status for email, status in statuses_by_email(session).items() if email.startswith("participant")} == {
        "participant1@example.org": ApplicationStatus.APPROVED,
        "participant2@example.org": ApplicationStatus.WAITLISTED,
        "participant3@example.org": ApplicationStatus.APPROVED,
        "participant4@example.org": ApplicationStatus.WAITLISTED,
    }


def test_a_category_quota_is_respected(session, coordinator):
    SessionQuota.objects.create(session=session, category=StakeholderCategory.objects.get(code="media"), max_seats=1)
    rows = [
        participant(1, organisation="Baku Post", organisation_type="media"),
        participant(2, organisation="Baku Post", organisation_type="media"),
        participant(3),
    ]

    enrol(session, coordinator, csv_upload(rows))

    assert statuses_by_email(session) == {
        "participant1@example.org": ApplicationStatus.APPROVED,
        "participant2@example.org": ApplicationStatus.WAITLISTED,
        "participant3@example.org": ApplicationStatus.APPROVED,
    }


@pytest.mark.parametrize("status", [SessionStatus.COMPLETED, SessionStatus.CANCELLED])
def test_nobody_is_enrolled_in_a_completed_or_cancelled_session(make_session, coordinator, status):
    session = make_session(status=status)
    report = enrolment_import_parse(session=session, file=csv_upload([participant(1)]))

    result = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=True)

    assert report.session_error == "This session is completed or cancelled: nobody can be enrolled in it."
    assert report.can_import is False
    assert (result.written, result.error) == (False, report.session_error)
    assert (User.objects.filter(email="participant1@example.org").exists(), SessionApplication.objects.count()) == (False, 0)


def test_a_report_cannot_be_applied_to_another_session(make_session, coordinator):
    first, second = make_session(), make_session()
    report = enrolment_import_parse(session=first, file=csv_upload([participant(1)]))

    with pytest.raises(ValueError, match="made for session"):
        enrolment_import_apply(report=report, session=second, enrolled_by=coordinator, only_valid_rows=True)
    assert SessionApplication.objects.count() == 0


# --- Queries and the naive baseline ---------------------------------------------------------------


def _mixed_rows(count: int, prefix: str) -> list[dict[str, str]]:
    """New and existing accounts, several organisations (one of them new), names in three scripts."""
    rows = []
    for n in range(count):
        row = participant(n, email=f"{prefix}{n}@example.org", first_name=["Aysel", "Ирина", "Timur"][n % 3])
        if n % 4 == 1:
            row.update(organisation=f"{prefix} new organisation", organisation_type="cso")
        if n % 5 == 2:
            row.update(country="UZ", organisation="")
        rows.append(row)
    for n in range(0, count, 7):
        UserFactory(email=f"{prefix}{n}@example.org")
    return rows


_MANY = re.compile(r"^(\d+) times: ")


def _inserts(captured: list[dict]) -> list[tuple[str, int | str]]:
    """The INSERT and COPY statements among captured queries as (table, rows written): one statement may write many rows.

    An INSERT ... SELECT writes the rows the database selects: its count is "select".
    """
    found = []
    for query in captured:
        sql = query["sql"].lstrip()
        many = _MANY.match(sql)
        statement = sql[many.end() :] if many else sql
        words = statement.split()
        if words[0].upper() in ("INSERT", "COPY"):
            table = words[2 if words[0].upper() == "INSERT" else 1].strip('"')
            selected = words[0].upper() == "INSERT" and " SELECT " in statement.upper()
            found.append((table, int(many.group(1)) if many else "select" if selected else 1))
    return found


def test_parse_and_apply_take_the_same_number_of_queries_for_10_and_200_rows(make_session, coordinator):
    OrganisationFactory(name="State Migration Service")

    def queries(count: int) -> tuple[int, int, int, EnrolmentResult]:
        session = make_session(capacity=150)
        upload = csv_upload(_mixed_rows(count, prefix=f"size{count}-"))
        with CaptureQueriesContext(connection) as parsing:
            report = enrolment_import_parse(session=session, file=upload)
        with CaptureQueriesContext(connection) as applying:
            result = enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)
        inserts = _inserts(applying.captured_queries)
        return len(parsing), len(applying) - len(inserts), inserts, result

    parse_10, other_10, inserts_10, result_10 = queries(10)
    parse_200, other_200, inserts_200, result_200 = queries(200)

    created, matched = result_200.users_created, result_200.users_matched
    assert (created, matched, result_200.approved, result_200.waitlisted) == (171, 29, 150, 50)
    assert result_10.organisations_created == result_200.organisations_created == 1
    assert parse_10 == parse_200
    assert other_10 == other_200
    # one statement per table, whatever the number of rows; roles and addresses selected from the accounts table
    assert inserts_200 == [
        ("people_organisation", 1),
        ("people_user", created),
        ("people_user_groups", "select"),
        ("account_emailaddress", "select"),
        ("curriculum_sessionapplication", created + matched),
    ]
    # what those two statements selected: the role for every enrolled account, one primary address for every new one
    enrolled = User.objects.filter(email__startswith="size200-")
    assert enrolled.count() == created + matched
    assert enrolled.filter(groups__name=TRAINEE.group_name).count() == created + matched
    addresses = EmailAddress.objects.filter(user__email__startswith="size200-")
    # one address per account (the factory gives the existing ones theirs), the new ones primary and not yet verified
    assert sorted(addresses.values_list("user__email", "email")) == sorted(
        (email, email) for email in enrolled.values_list("email", flat=True)
    )
    made_before = {f"size200-{n}@example.org" for n in range(0, 200, 7)}  # the accounts `_mixed_rows` makes first
    new = addresses.exclude(email__in=made_before)
    assert new.count() == new.filter(primary=True, verified=False).count() == created
    assert [table for table, _rows in inserts_10] == [table for table, _rows in inserts_200]


class _Rollback(Exception):
    """Undo what a block wrote, so the next block starts from the same database."""


def _outcome(apply: Callable[..., EnrolmentResult], session: TrainingSession, coordinator: User, upload: SimpleUploadedFile) -> tuple:
    """What an import wrote, in terms that do not depend on primary keys; rolled back afterwards."""
    with contextlib.suppress(_Rollback), transaction.atomic():
        report = enrolment_import_parse(session=session, file=upload)
        result = apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=True)
        users = [
            (
                user.email,
                user.first_name,
                user.last_name,
                user.gender,
                user.country.iso_code,
                user.organisation.name if user.organisation else "",
                user.position_level.code if user.position_level else "",
                user.preferred_language,
                user.has_usable_password(),
                (user.is_active, user.is_staff, user.is_superuser, user.last_login),
                abs(timezone.now() - user.date_joined) < datetime.timedelta(minutes=5),
                tuple(sorted(user.groups.values_list("name", flat=True))),
                tuple(user.emailaddress_set.values_list("email", "verified", "primary")),
            )
            for user in User.objects.order_by("email")
        ]
        organisations = list(Organisation.objects.order_by("name").values_list("name", "country__iso_code", "category__code"))
        applications = list(
            session.applications.order_by("trainee__email").values_list(
                "trainee__email",
                "status",
                "motivation",
                "organisation_confirmed",
                "position_confirmed",
                "country__iso_code",
                "category__code",
                "gender",
                "decided_by__email",
            )
        )
        waitlist = [
            a.trainee.email for a in session.applications.filter(waitlisted_at__isnull=False).order_by("waitlisted_at", "created_at", "pk")
        ]
        outcome = (result, users, organisations, applications, waitlist)
        raise _Rollback
    return outcome


def test_the_bulk_and_row_by_row_imports_give_the_same_outcome(make_session, coordinator):
    session = make_session(capacity=14)
    SessionQuota.objects.create(session=session, country=Country.objects.get(iso_code="UZ"), max_seats=1)
    rows = [*_mixed_rows(20, prefix="same-"), participant(99, country="XX")]
    upload = csv_upload(rows)

    bulk = _outcome(enrolment_import_apply, session, coordinator, upload)
    row_by_row = _outcome(enrolment_import_apply_row_by_row, session, coordinator, upload)

    result, users, organisations, applications, waitlist = bulk
    assert (result.users_created, result.users_matched, result.approved, result.waitlisted, result.skipped_invalid) == (17, 3, 14, 6, 1)
    assert len(users) == 21 and len(applications) == 20
    # the second Uzbek participant waits for the quota, though seats were still free
    assert waitlist == [f"same-{n}@example.org" for n in (12, 15, 16, 17, 18, 19)]
    assert ("same- new organisation", "AZ", "cso") in organisations
    assert bulk == row_by_row
    assert SessionApplication.objects.count() == 0


def test_the_bulk_writer_refuses_a_column_list_that_is_not_the_whole_table():
    """A column added to a table later must be added to the writer: it has no model to fill the default in."""
    from curriculum.bulk_enrolment import _insert_fields

    with pytest.raises(ValueError, match="not the table's"):
        _insert_fields(Organisation, ("name", "country_id"))
    with pytest.raises(ValueError, match="not the table's"):
        _insert_fields(Organisation, ("name", "country_id", "category_id", "notes"))


@pytest.mark.parametrize("apply", [enrolment_import_apply, enrolment_import_apply_row_by_row], ids=["bulk", "row_by_row"])
def test_an_account_made_while_the_file_is_written_stops_the_import_with_a_message_and_nothing_written(
    make_session, coordinator, monkeypatch, apply
):
    from curriculum import bulk_enrolment

    session = make_session(capacity=5)
    report = enrolment_import_parse(session=session, file=csv_upload([participant(1), participant(2)]))
    planned = bulk_enrolment._plan

    def plan_then_someone_signs_up(**kwargs: object) -> object:
        plan = planned(**kwargs)
        UserFactory(email="participant2@example.org")  # after the plan saw no such account, before the writing
        return plan

    monkeypatch.setattr(bulk_enrolment, "_plan", plan_then_someone_signs_up)

    with pytest.raises(ValidationError) as raised:
        apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)

    assert raised.value.code == "changed"
    assert not User.objects.filter(email__in=["participant1@example.org", "participant2@example.org"]).exists()
    assert not session.applications.exists()


@pytest.mark.parametrize("fails", [False, True], ids=["imported", "refused"])
@pytest.mark.parametrize("enabled", [True, False], ids=["collector_on", "collector_off"])
def test_the_cyclic_collector_is_paused_while_an_import_writes_then_as_it_was(make_session, coordinator, monkeypatch, fails, enabled):
    import gc

    from curriculum import bulk_enrolment

    session = make_session(capacity=5)
    report = enrolment_import_parse(session=session, file=csv_upload([participant(1)]))
    written = bulk_enrolment._write
    seen = []

    def write_and_look(plan: object, writer: object) -> None:
        seen.append(gc.isenabled())
        written(plan, writer)
        if fails:
            raise IntegrityError("someone else wrote meanwhile")

    monkeypatch.setattr(bulk_enrolment, "_write", write_and_look)
    if not enabled:
        gc.disable()
    try:
        with contextlib.suppress(ValidationError):
            enrolment_import_apply(report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)
        after = gc.isenabled()
    finally:
        gc.enable()

    assert seen == [False]
    assert after is enabled
    assert session.applications.count() == (0 if fails else 1)
