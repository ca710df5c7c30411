"""Bulk enrolment: a coordinator's CSV or XLSX list of participants, checked in a dry run, then enrolled in one transaction.

The file is read the way the roster importer reads it (`experts.spreadsheets`: UTF-8 with or without
a byte order mark, comma-, semicolon- or tab-separated, or the first sheet of a workbook; header
names in any case). The dry run writes nothing and takes the same number of queries for any number
of rows. The import matches existing accounts by e-mail address (any case) and never changes them,
creates the missing organisations and accounts in bulk, and approves participants in file order
while seats and quotas allow, putting the rest on the waitlist. An import sends no e-mail.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import functools
import gc
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, Max, OuterRef, Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import ApplicationStatus, SessionApplication, SessionQuota, SessionStatus, TrainingSession
from experts.spreadsheets import (
    MAX_SCANNED_ROWS,
    InvalidRow,
    _csv_rows,
    _FileError,
    _xlsx_rows,
    checked_upload,
    header_keys,
)
from people.models import Country, Organisation, ParticipantLevel, StakeholderCategory, User
from people.roles import TRAINEE

__all__ = [
    "COLUMNS",
    "MAX_DATA_ROWS",
    "REQUIRED_COLUMNS",
    "AccountValue",
    "EnrolmentReport",
    "EnrolmentResult",
    "EnrolmentRow",
    "EnrolmentWriter",
    "RowOutcome",
    "enrolment_import_apply",
    "enrolment_import_parse",
]

MAX_DATA_ROWS = 20_000
COLUMNS = ("email", "first_name", "last_name", "gender", "country", "organisation", "organisation_type", "position_level", "language")
REQUIRED_COLUMNS = ("email", "first_name", "last_name", "country")
MAX_LENGTHS = {"email": 254, "first_name": 150, "last_name": 150, "organisation": 255}
CLOSED_TO_ENROLMENT = (SessionStatus.COMPLETED, SessionStatus.CANCELLED)


class RowOutcome(enum.StrEnum):
    """What importing a valid row does."""

    NEW_USER = "new_user"
    EXISTING_USER = "existing_user"
    ALREADY_ENROLLED = "already_enrolled"


@dataclass(frozen=True)
class EnrolmentRow:
    """A valid row in plain values (codes), with what the dry run found for it."""

    row_number: int
    email: str
    first_name: str
    last_name: str
    gender: str
    country: str
    organisation: str = ""
    # The category code given for a new organisation, or the one an existing organisation has.
    organisation_type: str = ""
    position_level: str = ""
    language: str = User.Language.AZ
    outcome: RowOutcome = RowOutcome.NEW_USER
    new_organisation: bool = False
    # The status of the application the account already has to this session, when it has one.
    application_status: str = ""
    # What the import would make of the application, as the session stands at the dry run ("" when already enrolled).
    planned_status: str = ""

    @property
    def user_exists(self) -> bool:
        """Whether an account with this e-mail address exists."""
        return self.outcome != RowOutcome.NEW_USER

    @property
    def already_enrolled(self) -> bool:
        """Whether the account already has an application to the session (the row is skipped)."""
        return self.outcome == RowOutcome.ALREADY_ENROLLED


@dataclass
class EnrolmentReport:
    """The dry run of an enrolment: a file-level error, or the valid and invalid rows."""

    session_id: int
    filename: str
    file_format: str = ""
    file_error: str = ""
    session_error: str = ""
    columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    valid_rows: list[EnrolmentRow] = field(default_factory=list)
    invalid_rows: list[InvalidRow] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        """Whether the whole file can be imported as it is."""
        return not self.file_error and not self.session_error and not self.invalid_rows

    @property
    def can_import(self) -> bool:
        """Whether anything at all could be imported (possibly only the valid rows)."""
        return not self.file_error and not self.session_error and any(not row.already_enrolled for row in self.valid_rows)

    def count(self, outcome: RowOutcome) -> int:
        """How many valid rows would create an account, use an existing one, or be skipped as already enrolled."""
        return sum(1 for row in self.valid_rows if row.outcome == outcome)

    def planned(self, status: str) -> int:
        """How many applications the import would approve or waitlist, as the session stands at the dry run."""
        return sum(1 for row in self.valid_rows if row.planned_status == status)

    @property
    def new_organisations(self) -> list[str]:
        """The names of the organisations the import would create, once per country."""
        new = {(row.country, row.organisation.casefold()): row.organisation for row in self.valid_rows if row.new_organisation}
        return list(new.values())

    @property
    def messages(self) -> list[str]:
        """Every problem of the file, in row order."""
        if self.file_error:
            return [self.file_error]
        problems = [self.session_error] if self.session_error else []
        return problems + [message for row in self.invalid_rows for message in row.messages]


@dataclass(frozen=True)
class EnrolmentResult:
    """What applying an enrolment wrote; `error` says why nothing was written when the session refused it."""

    written: bool
    users_created: int = 0
    users_matched: int = 0
    approved: int = 0
    waitlisted: int = 0
    already_enrolled: int = 0
    skipped_invalid: int = 0
    organisations_created: int = 0
    error: str = ""


# --- Reference data, accounts and organisations, each loaded in one query --------------------------


@dataclass(frozen=True)
class _References:
    """The countries, stakeholder categories and seniority levels a file names by code."""

    countries: dict[str, Country]
    categories: dict[str, StakeholderCategory]
    levels: dict[str, ParticipantLevel]

    @classmethod
    def load(cls) -> _References:
        """Three queries, whatever the size of the file."""
        return cls(
            countries={country.iso_code.upper(): country for country in Country.objects.all()},
            categories={category.code.lower(): category for category in StakeholderCategory.objects.all()},
            levels={level.code.lower(): level for level in ParticipantLevel.objects.filter(axis=ParticipantLevel.Axis.SENIORITY)},
        )


def _organisation_key(country_id: int, name: str) -> tuple[int, str]:
    """Organisations match by country and name, whatever the case and spacing of the name."""
    return country_id, " ".join(name.split()).casefold()


def _organisations(country_ids: Iterable[int]) -> dict[tuple[int, str], Organisation]:
    """The organisations of these countries by country and folded name (the oldest one when two differ only in case)."""
    found: dict[tuple[int, str], Organisation] = {}
    for organisation in Organisation.objects.filter(country_id__in=sorted(set(country_ids))).order_by("pk"):
        found.setdefault(_organisation_key(organisation.country_id, organisation.name), organisation)
    return found


class _Account(NamedTuple):
    """What the import needs of an existing account, read as plain values."""

    email: str
    pk: int
    country_id: int | None
    gender: str
    organisation_country_id: int | None
    organisation_category_id: int | None
    is_trainee: bool


def _accounts(emails: Iterable[str], *, trainees: Group | None = None) -> dict[str, _Account]:
    """The accounts of these e-mail addresses (any case), keyed by lower-case e-mail, in one query."""
    wanted = sorted({email for email in emails if email})
    accounts = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    if trainees is not None:
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group_id=trainees.pk)
        accounts = accounts.annotate(is_trainee=Exists(memberships))
    else:
        accounts = accounts.annotate(is_trainee=Value(False))
    rows = accounts.values_list(
        "email", "pk", "country_id", "gender", "organisation__country_id", "organisation__category_id", "is_trainee"
    )
    return {values[0].lower(): _Account(*values) for values in rows}


def _snapshot(account: _Account) -> tuple[int | None, int | None, str]:
    """Country, stakeholder category and gender as `session_apply` stores them with an application."""
    return account.country_id or account.organisation_country_id, account.organisation_category_id, account.gender


class _Seats:
    """The session's free seats and quota room, counted over approved applications as `seat_check` counts them, kept in memory."""

    def __init__(self, *, capacity: int, approved: list[tuple[int | None, int | None]], quotas: list[SessionQuota]) -> None:
        self.free = capacity - len(approved)
        self.country_room = {
            quota.country_id: quota.max_seats - sum(1 for country_id, _category in approved if country_id == quota.country_id)
            for quota in quotas
            if quota.country_id is not None
        }
        self.category_room = {
            quota.category_id: quota.max_seats - sum(1 for _country, category_id in approved if category_id == quota.category_id)
            for quota in quotas
            if quota.category_id is not None
        }

    def take(self, *, country_id: int | None, category_id: int | None) -> bool:
        """Take a seat for a participant from this country and category, if one is free and their quotas allow."""
        if self.free <= 0:
            return False
        if country_id in self.country_room and self.country_room[country_id] <= 0:
            return False
        if category_id in self.category_room and self.category_room[category_id] <= 0:
            return False
        self.free -= 1
        if country_id in self.country_room:
            self.country_room[country_id] -= 1
        if category_id in self.category_room:
            self.category_room[category_id] -= 1
        return True


@dataclass(frozen=True)
class _SessionState:
    """The applications a session already has (status by trainee) and its seats, in two queries."""

    statuses: dict[int, str]
    seats: _Seats

    @classmethod
    def load(cls, session: TrainingSession) -> _SessionState:
        """Read the session's applications and quotas."""
        applications = SessionApplication.objects.filter(session_id=session.pk).values_list(
            "trainee_id", "status", "country_id", "category_id"
        )
        statuses: dict[int, str] = {}
        approved: list[tuple[int | None, int | None]] = []
        for trainee_id, status, country_id, category_id in applications:
            statuses[trainee_id] = status
            if status == ApplicationStatus.APPROVED:
                approved.append((country_id, category_id))
        quotas = list(SessionQuota.objects.filter(session_id=session.pk))
        return cls(statuses=statuses, seats=_Seats(capacity=session.capacity, approved=approved, quotas=quotas))


def _session_refusal(session: TrainingSession) -> str:
    """Why nobody can be enrolled in this session, or an empty string."""
    if session.status in CLOSED_TO_ENROLMENT:
        return _("This session is completed or cancelled: nobody can be enrolled in it.")
    return ""


# --- Reading the file -------------------------------------------------------------------------------


def _too_many_rows() -> str:
    """The error for a file past this import's row limit."""
    return _("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": MAX_DATA_ROWS}


def _read_table(data: bytes, file_format: str) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[str]]:
    """The known columns, the non-blank data rows as {key: text} with their spreadsheet numbers, and the unknown column names."""
    header: list[str | None] | None = None
    unknown: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    last_number = 0
    try:
        for number, values in _xlsx_rows(data) if file_format == "xlsx" else _csv_rows(data):
            last_number = number
            if not any(values):
                continue
            if header is None:
                header = _header(values, unknown)
                continue
            record = {key: value for key, value in zip(header, values, strict=False) if key is not None}
            if not any(record.values()):
                continue
            if len(records) >= MAX_DATA_ROWS:
                raise _FileError(_too_many_rows())
            records.append((number, record))
    except _FileError as error:
        if last_number >= MAX_SCANNED_ROWS:
            # The reader's cap on scanned rows (blank ones included) speaks of the roster's limit, not this one.
            raise _FileError(_too_many_rows()) from error
        raise
    if header is None:
        raise _FileError(_("The file is empty."))
    if not records:
        raise _FileError(_("The file has no rows of participants below its column names."))
    return [key for key in header if key], records, unknown


def _header(values: list[str], unknown: list[str]) -> list[str | None]:
    """The column keys by position, as the roster importer reads them."""
    return header_keys(values, known=COLUMNS, required=REQUIRED_COLUMNS, unknown=unknown)


# --- Checking a row ---------------------------------------------------------------------------------


def _duplicate_reason(email: str, rows: list[int]) -> str:
    return _("the e-mail address “%(email)s” is on rows %(rows)s; keep one row per participant.") % {
        "email": email,
        "rows": ", ".join(str(row) for row in rows),
    }


def _type_needed_reason(organisation: str, country: Country, choices: Iterable[str]) -> str:
    return _("“%(organisation)s” is not yet registered in %(country)s: give its organisation_type (use %(choices)s).") % {
        "organisation": organisation,
        "country": country.name,
        "choices": ", ".join(choices),
    }


class _RowChecker:
    """Turns one row's text into an EnrolmentRow, collecting every problem rather than stopping at the first."""

    def __init__(self, *, references: _References, organisations: dict[tuple[int, str], Organisation]) -> None:
        self.references = references
        self.organisations = organisations
        self.category_codes = {category.pk: code for code, category in references.categories.items()}
        # The type the first valid row gave each organisation the file introduces, and that row's number.
        self.new_types: dict[tuple[int, str], tuple[str, int]] = {}

    def check(self, number: int, record: dict[str, str]) -> EnrolmentRow | InvalidRow:
        """Validate a row; a valid one knows whether its organisation is new."""
        errors: list[str] = []
        text = {key: record.get(key, "") for key in COLUMNS}
        for key, limit in MAX_LENGTHS.items():
            if len(text[key]) > limit:
                errors.append(_("“%(column)s” is longer than %(limit)s characters.") % {"column": key, "limit": limit})
                text[key] = ""
        for key in REQUIRED_COLUMNS:
            if not record.get(key, ""):
                errors.append(_("the required column “%(column)s” is empty.") % {"column": key})
        email = text["email"].lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not a valid e-mail address.") % {"value": text["email"]})
        gender = text["gender"].lower() or User.Gender.UNDISCLOSED
        if gender not in User.Gender.values:
            errors.append(
                _("unknown gender “%(value)s” (use %(choices)s).") % {"value": text["gender"], "choices": ", ".join(User.Gender.values)}
            )
        country = self.references.countries.get(text["country"].upper()) if text["country"] else None
        if text["country"] and country is None:
            errors.append(_("unknown country code “%(value)s”.") % {"value": text["country"]})
        category = text["organisation_type"].lower()
        if category and category not in self.references.categories:
            errors.append(
                _("unknown organisation type “%(value)s” (use %(choices)s).")
                % {"value": text["organisation_type"], "choices": ", ".join(self.references.categories)}
            )
        level = text["position_level"].lower()
        if level and level not in self.references.levels:
            errors.append(
                _("unknown position level “%(value)s” (use %(choices)s).")
                % {"value": text["position_level"], "choices": ", ".join(self.references.levels)}
            )
        language = text["language"].lower() or User.Language.AZ
        if language not in User.Language.values:
            errors.append(
                _("unknown language code “%(value)s” (use %(choices)s).")
                % {"value": text["language"], "choices": ", ".join(User.Language.values)}
            )
        organisation = " ".join(text["organisation"].split())
        new_organisation = False
        if organisation and country is not None:
            key = _organisation_key(country.pk, organisation)
            existing = self.organisations.get(key)
            new_organisation = existing is None
            if existing is not None:
                # An existing organisation keeps its category; a different organisation_type in the file is not applied.
                category = self.category_codes[existing.category_id]
            elif not text["organisation_type"]:
                errors.append(_type_needed_reason(organisation, country, self.references.categories))
            elif not errors:
                first_type, first_row = self.new_types.setdefault(key, (category, number))
                if first_type != category:
                    errors.append(
                        _("row %(row)s gives “%(organisation)s” the organisation_type “%(type)s”; give one type per organisation.")
                        % {"row": first_row, "organisation": organisation, "type": first_type}
                    )
        if errors:
            return InvalidRow(row_number=number, reasons=tuple(errors))
        return EnrolmentRow(
            row_number=number,
            email=email,
            first_name=text["first_name"],
            last_name=text["last_name"],
            gender=gender,
            country=country.iso_code if country else "",
            organisation=organisation,
            organisation_type=category if organisation else "",
            position_level=level,
            language=language,
            new_organisation=new_organisation,
        )


# --- The dry run ------------------------------------------------------------------------------------


def enrolment_import_parse(*, session: TrainingSession, file: UploadedFile | bytes, filename: str = "") -> EnrolmentReport:
    """Dry run of a bulk enrolment: read the file, check every row and say what the import would do, writing nothing."""
    name = filename or getattr(file, "name", "") or ""
    report = EnrolmentReport(session_id=session.pk, filename=name)
    try:
        report.file_format, data = checked_upload(file, name)
        report.columns, records, report.unknown_columns = _read_table(data, report.file_format)
    except _FileError as error:
        report.file_error = str(error)
        return report
    report.session_error = _session_refusal(session)
    references = _References.load()
    named_countries = {record.get("country", "").upper() for _number, record in records}
    organisations = _organisations(country.pk for code, country in references.countries.items() if code in named_countries)
    checker = _RowChecker(references=references, organisations=organisations)
    rows_by_email: dict[str, list[int]] = {}
    for number, record in records:
        email = record.get("email", "").lower()
        if email:
            rows_by_email.setdefault(email, []).append(number)
    checked: list[EnrolmentRow] = []
    for number, record in records:
        row = checker.check(number, record)
        shared = rows_by_email.get(record.get("email", "").lower(), [])
        if len(shared) > 1:
            reasons = row.reasons if isinstance(row, InvalidRow) else ()
            row = InvalidRow(row_number=number, reasons=(*reasons, _duplicate_reason(record["email"].lower(), shared)))
        if isinstance(row, InvalidRow):
            report.invalid_rows.append(row)
        else:
            checked.append(row)
    report.valid_rows = _forecast(session, checked, references)
    return report


def _forecast(session: TrainingSession, rows: list[EnrolmentRow], references: _References) -> list[EnrolmentRow]:
    """The rows with whether their account exists, is already enrolled, and the status the import would give it."""
    accounts = _accounts(row.email for row in rows)
    state = _SessionState.load(session)
    forecast = []
    for row in rows:
        account = accounts.get(row.email)
        if account is not None and account.pk in state.statuses:
            forecast.append(replace(row, outcome=RowOutcome.ALREADY_ENROLLED, application_status=state.statuses[account.pk]))
            continue
        if account is None:
            country_id: int | None = references.countries[row.country].pk
            category = references.categories.get(row.organisation_type)
            category_id = category.pk if category else None
        else:
            country_id, category_id, _gender = _snapshot(account)
        status = (
            ApplicationStatus.APPROVED if state.seats.take(country_id=country_id, category_id=category_id) else ApplicationStatus.WAITLISTED
        )
        outcome = RowOutcome.NEW_USER if account is None else RowOutcome.EXISTING_USER
        forecast.append(replace(row, outcome=outcome, planned_status=status))
    return forecast


# --- The import -------------------------------------------------------------------------------------


# The columns each writer fills, in order: every concrete column of the table but its id (`_insert_fields` checks it).
ORGANISATION_COLUMNS = ("name", "country_id", "category_id")
USER_COLUMNS = (
    "email",
    "password",
    "last_login",
    "is_superuser",
    "is_staff",
    "is_active",
    "first_name",
    "last_name",
    "gender",
    "country_id",
    "organisation_id",
    "position_level_id",
    "preferred_language",
    "date_joined",
    "erased_at",
)
USER_EMAIL, USER_ORGANISATION = USER_COLUMNS.index("email"), USER_COLUMNS.index("organisation_id")
MEMBERSHIP_COLUMNS = ("user_id", "group_id")
EMAIL_ADDRESS_COLUMNS = ("user_id", "email", "verified", "primary")
APPLICATION_COLUMNS = (
    "trainee_id",
    "session_id",
    "status",
    "motivation",
    "organisation_confirmed",
    "position_confirmed",
    "country_id",
    "category_id",
    "gender",
    "created_at",
    "waitlisted_at",
    "decided_at",
    "decided_by_id",
)

OrganisationKey = tuple[int, str]


class AccountValue(enum.Enum):
    """In the row a table gets for each of some accounts: where the account's own id or e-mail address goes."""

    ID = "id"
    EMAIL = "email"


class EnrolmentWriter(NamedTuple):
    """How an import stores its plan: rows of plain values in a table's column order, and a row for each of some accounts.

    `per_account(model, columns, template, accounts)` writes, for each account (id: e-mail address as
    stored), the template's values with the account's own in place of each AccountValue.
    """

    rows: Callable[[type[models.Model], tuple[str, ...], list], None]
    per_account: Callable[[type[models.Model], tuple[str, ...], tuple, dict[int, str]], None]


@dataclass
class _Plan:
    """Every row the import writes, as plain column values, and the counts.

    New accounts and organisations have no id until they are written, so the rows that point at them
    hold the account's e-mail address (`trainee_id` of an application) or the organisation's key
    (`organisation_id` of an account) until `_write` resolves them.
    """

    trainees_id: int
    organisations: dict[OrganisationKey, tuple[str, int, int]] = field(default_factory=dict)
    users: list[list] = field(default_factory=list)
    # Existing accounts that get the trainee role (new ones all get it), by id, with their e-mail addresses.
    role_for: dict[int, str] = field(default_factory=dict)
    applications: list[list] = field(default_factory=list)
    users_matched: int = 0
    already_enrolled: int = 0
    approved: int = 0
    waitlisted: int = 0


def _row_failed(row: EnrolmentRow, reason: str) -> ValidationError:
    """A row the dry run accepted that the database no longer allows (reference data changed in between)."""
    return ValidationError(
        _("Row %(row)s: %(reason)s Nothing was imported.") % {"row": row.row_number, "reason": reason}, code="row_failed"
    )


def _plan(*, rows: list[EnrolmentRow], session: TrainingSession, enrolled_by: User, trainees: Group) -> _Plan:
    """Decide, on the data as it is now (the dry run may be old), who is created, matched, approved and waitlisted."""
    references = _References.load()
    accounts = _accounts((row.email for row in rows), trainees=trainees)
    state = _SessionState.load(session)
    named_countries = {row.country for row in rows}
    organisations = _organisations(country.pk for code, country in references.countries.items() if code in named_countries)
    plan = _Plan(trainees_id=trainees.pk)
    now = timezone.now()
    motivation = _("Enrolled by the centre")
    approved, waitlisted = ApplicationStatus.APPROVED.value, ApplicationStatus.WAITLISTED.value
    for row in rows:
        user = accounts.get(row.email)
        if user is not None:
            plan.users_matched += 1
            if user.pk in state.statuses:
                plan.already_enrolled += 1
                continue
            if not user.is_trainee:
                # An existing account keeps its data, but an enrolled participant needs the trainee role for the trainee pages.
                plan.role_for[user.pk] = user.email
            trainee: int | str = user.pk
            country_id, category_id, gender = _snapshot(user)
        else:
            trainee = row.email
            country_id, category_id, gender = _new_user(row, references, organisations, plan, now)
        taken = state.seats.take(country_id=country_id, category_id=category_id)
        plan.approved += taken
        plan.waitlisted += not taken
        plan.applications.append(
            [
                trainee,
                session.pk,
                approved if taken else waitlisted,
                motivation,
                True,
                True,
                country_id,
                category_id,
                gender,
                now,
                None if taken else now,
                now,
                enrolled_by.pk,
            ]
        )
    return plan


def _unusable_password() -> str:
    """What `set_unusable_password()` stores ("!" and 40 random characters), drawn in one call rather than forty."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(UNUSABLE_PASSWORD_SUFFIX_LENGTH)[:UNUSABLE_PASSWORD_SUFFIX_LENGTH]


def _new_user(
    row: EnrolmentRow,
    references: _References,
    organisations: dict[OrganisationKey, Organisation],
    plan: _Plan,
    now: datetime.datetime,
) -> tuple[int, int | None, str]:
    """Plan a row's account, with its organisation when new; returns its country, category and gender as its application keeps them."""
    country = references.countries.get(row.country)
    if country is None:
        raise _row_failed(row, _("unknown country code “%(value)s”.") % {"value": row.country})
    organisation: int | OrganisationKey | None = None
    category_id = None
    if row.organisation:
        key = _organisation_key(country.pk, row.organisation)
        existing = organisations.get(key)
        if existing is not None:
            organisation, category_id = existing.pk, existing.category_id
        elif key in plan.organisations:
            organisation, category_id = key, plan.organisations[key][2]
        else:
            category = references.categories.get(row.organisation_type)
            if category is None:
                raise _row_failed(row, _type_needed_reason(row.organisation, country, references.categories))
            plan.organisations[key] = (row.organisation, country.pk, category.pk)
            organisation, category_id = key, category.pk
    level = None
    if row.position_level:
        level = references.levels.get(row.position_level)
        if level is None:
            raise _row_failed(
                row,
                _("unknown position level “%(value)s” (use %(choices)s).")
                % {"value": row.position_level, "choices": ", ".join(references.levels)},
            )
    plan.users.append(
        [
            row.email,
            _unusable_password(),
            None,
            False,
            False,
            True,
            row.first_name,
            row.last_name,
            row.gender,
            country.pk,
            organisation,
            level.pk if level else None,
            row.language,
            now,
            None,
        ]
    )
    return country.pk, category_id, row.gender


def _write(plan: _Plan, writer: EnrolmentWriter) -> None:
    """Write the plan table by table, giving the rows that point at new accounts and organisations their ids."""
    if plan.organisations:
        writer.rows(Organisation, ORGANISATION_COLUMNS, list(plan.organisations.values()))
        found = _organisations(country_id for country_id, _name in plan.organisations)
        for user in plan.users:
            if isinstance(user[USER_ORGANISATION], tuple):
                user[USER_ORGANISATION] = found[user[USER_ORGANISATION]].pk
    emails = [user[USER_EMAIL] for user in plan.users]
    # The new accounts' ids, read back as those above the highest id before: a range, not a list of 10,000 addresses.
    before = User.objects.aggregate(highest=Max("pk"))["highest"] or 0
    writer.rows(User, USER_COLUMNS, plan.users)
    # Others' accounts made meanwhile may be in the range on PostgreSQL: only this plan's addresses are looked up.
    in_range = dict(User.objects.filter(pk__gt=before).values_list("email", "pk")) if emails else {}
    new_accounts = {in_range[email]: email for email in emails}
    writer.per_account(User.groups.through, MEMBERSHIP_COLUMNS, (AccountValue.ID, plan.trainees_id), plan.role_for | new_accounts)
    writer.per_account(EmailAddress, EMAIL_ADDRESS_COLUMNS, (AccountValue.ID, AccountValue.EMAIL, False, True), new_accounts)
    for application in plan.applications:
        if isinstance(application[0], str):
            application[0] = in_range[application[0]]
    writer.rows(SessionApplication, APPLICATION_COLUMNS, plan.applications)


_SIMPLE_FIELDS = (models.CharField, models.TextField, models.BooleanField, models.ForeignKey, models.DateTimeField)


@functools.cache
def _insert_fields(model: type[models.Model], columns: tuple[str, ...]) -> tuple[models.Field, ...]:
    """The fields of these columns, refused unless they are all the table's columns but its id, of types written as they are."""
    by_column = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    if set(columns) != set(by_column) or len(columns) != len(by_column):
        raise ValueError(f"{model.__name__}: the bulk writer's columns {sorted(columns)} are not the table's {sorted(by_column)}.")
    fields = tuple(by_column[column] for column in columns)
    unsupported = [f.name for f in fields if not isinstance(f, _SIMPLE_FIELDS)]
    if unsupported:
        raise ValueError(f"{model.__name__}: the bulk writer does not prepare values of {unsupported}.")
    return fields


def _insert_in_bulk(model: type[models.Model], columns: tuple[str, ...], rows: list) -> None:
    """One statement for all the rows: no model instance and no per-field preparation per row.

    Plain strings, numbers, booleans and ids go to the driver as they are; the few distinct timestamps
    are prepared for the database once each, in place (a row with a timestamp is a list).
    """
    if not rows:
        return
    fields = _insert_fields(model, columns)
    for index, f in enumerate(fields):
        if isinstance(f, models.DateTimeField):
            prepared: dict[datetime.datetime | None, object] = {}
            for row in rows:
                value = row[index]
                if value not in prepared:
                    prepared[value] = f.get_db_prep_save(value, connection)
                row[index] = prepared[value]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one statement: PostgreSQL's own bulk load, several times faster than INSERTs.
            sql = f"COPY {table} ({names}) FROM STDIN"
            started = time.monotonic()
            # The driver's own errors, raised as Django's (a duplicate e-mail address is an IntegrityError).
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:
                # The driver's COPY bypasses Django's query log: record it as Django records an executemany.
                connection.queries_log.append({"sql": f"{len(rows)} times: {sql}", "time": f"{time.monotonic() - started:.3f}"})
        else:
            # The table and column names come from the model and are quoted; every value is a parameter.
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _insert_per_account_in_bulk(model: type[models.Model], columns: tuple[str, ...], template: tuple, accounts: dict[int, str]) -> None:
    """One INSERT ... SELECT from the accounts table: no row goes through Python, the accounts' ids go as one parameter."""
    if not accounts:
        return
    fields = _insert_fields(model, columns)
    quote = connection.ops.quote_name
    from_account = {AccountValue.ID: quote(User._meta.pk.column), AccountValue.EMAIL: quote(User._meta.get_field("email").column)}
    selected, params = [], []
    for f, value in zip(fields, template, strict=True):
        if isinstance(value, AccountValue):
            selected.append(from_account[value])
        else:
            selected.append("%s")
            params.append(f.get_db_prep_save(value, connection))
    if connection.vendor == "postgresql":
        chosen, ids = "= ANY(%s)", list(accounts)
    else:
        # SQLite has no array parameter: the ids go as one JSON list, read by its json_each table.
        chosen, ids = "IN (SELECT value FROM json_each(%s))", json.dumps(list(accounts))
    names = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({names}) SELECT {', '.join(selected)} "  # noqa: S608 (names from the models, quoted)
        f"FROM {quote(User._meta.db_table)} WHERE {from_account[AccountValue.ID]} {chosen}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, ids])


BULK = EnrolmentWriter(rows=_insert_in_bulk, per_account=_insert_per_account_in_bulk)


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an import builds and writes its rows, then as before.

    An import allocates tens of thousands of rows that form no reference cycles (reference counting
    frees them); meanwhile the collector would now and then scan the whole process, every loaded
    module's objects included: a pause of a tenth of a second or more at a random point. Whatever
    cyclic garbage the import leaves is collected once the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def enrolment_import_apply(
    *, report: EnrolmentReport, session: TrainingSession, enrolled_by: User, only_valid_rows: bool, writer: EnrolmentWriter = BULK
) -> EnrolmentResult:
    """Enrol a dry run's valid rows in bulk, in one transaction with the session locked; the import sends no e-mail.

    `writer` stores the rows: `BULK` (one statement a table) unless a caller passes another, such as
    the benchmark's row-by-row baseline; the checks, the lock and the decisions are the same.
    """
    if report.session_id != session.pk:
        raise ValueError(f"The report was made for session {report.session_id}, not for session {session.pk}.")
    skipped = len(report.invalid_rows)
    if report.file_error or (report.invalid_rows and not only_valid_rows):
        return EnrolmentResult(written=False, skipped_invalid=skipped)
    with _cyclic_gc_paused(), transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        refusal = _session_refusal(locked)
        if refusal:
            return EnrolmentResult(written=False, skipped_invalid=skipped, error=refusal)
        trainees, _created = Group.objects.get_or_create(name=TRAINEE.group_name)
        plan = _plan(rows=report.valid_rows, session=locked, enrolled_by=enrolled_by, trainees=trainees)
        try:
            _write(plan, writer)
        except IntegrityError as error:
            # An account or application was created by someone else since the plan was made (PostgreSQL; SQLite serialises writers).
            raise ValidationError(
                _("The participants or the session changed while the file was being imported; nothing was imported. Check the file again."),
                code="changed",
            ) from error
    return EnrolmentResult(
        written=True,
        users_created=len(plan.users),
        users_matched=plan.users_matched,
        approved=plan.approved,
        waitlisted=plan.waitlisted,
        already_enrolled=plan.already_enrolled,
        skipped_invalid=skipped,
        organisations_created=len(plan.organisations),
    )
