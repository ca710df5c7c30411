"""Bulk enrolment: a coordinator's CSV or XLSX list of participants, checked in a dry run, then enrolled in one transaction.

The file is read the way the roster importer reads it (`experts.spreadsheets`: UTF-8 with or without
a byte order mark, comma-, semicolon- or tab-separated, or the first sheet of a workbook; header
names in any case). The dry run writes nothing and takes the same number of queries for any number
of rows. The import matches existing accounts by e-mail address (any case) and never changes them,
creates the missing organisations and accounts in bulk, and approves participants in file order
while seats and quotas allow, putting the rest on the waitlist. An import sends no e-mail.
"""

from __future__ import annotations

import datetime
import enum
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, UNUSABLE_PASSWORD_SUFFIX_LENGTH
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
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
    "EnrolmentReport",
    "EnrolmentResult",
    "EnrolmentRow",
    "RowOutcome",
    "enrolment_import_apply",
    "enrolment_import_apply_row_by_row",
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


def _accounts(emails: Iterable[str], *, trainees: Group | None = None) -> dict[str, User]:
    """The accounts of these e-mail addresses (any case) with their organisation, keyed by lower-case e-mail."""
    wanted = sorted({email for email in emails if email})
    accounts = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted).select_related("organisation")
    if trainees is not None:
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"), group_id=trainees.pk)
        accounts = accounts.annotate(is_trainee=Exists(memberships))
    return {account.email.lower(): account for account in accounts}


def _snapshot(user: User) -> tuple[int | None, int | None, str]:
    """Country, stakeholder category and gender as `session_apply` stores them with an application."""
    organisation = user.organisation
    country_id = user.country_id or (organisation.country_id if organisation else None)
    return country_id, (organisation.category_id if organisation else None), user.gender


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


@dataclass
class _Plan:
    """Every row the import writes, as unsaved model instances that point at each other, and the counts."""

    trainees: Group
    organisations: list[Organisation] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    memberships: list[models.Model] = field(default_factory=list)
    email_addresses: list[EmailAddress] = field(default_factory=list)
    applications: list[SessionApplication] = field(default_factory=list)
    users_matched: int = 0
    already_enrolled: int = 0

    def count(self, status: str) -> int:
        """How many of the new applications have this status."""
        return sum(1 for application in self.applications if application.status == status)


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
    plan = _Plan(trainees=trainees)
    now = timezone.now()
    motivation = _("Enrolled by the centre")
    # Foreign keys by id where the row already exists: assigning model instances costs more than the INSERTs themselves.
    common = {"session_id": session.pk, "motivation": motivation, "organisation_confirmed": True, "position_confirmed": True}
    for row in rows:
        user = accounts.get(row.email)
        if user is not None:
            plan.users_matched += 1
            if user.pk in state.statuses:
                plan.already_enrolled += 1
                continue
            if not user.is_trainee:
                # An existing account keeps its data, but an enrolled participant needs the trainee role for the trainee pages.
                plan.memberships.append(User.groups.through(user=user, group_id=trainees.pk))
        else:
            user = _new_user(row, references, organisations, plan, now)
        country_id, category_id, gender = _snapshot(user)
        approved = state.seats.take(country_id=country_id, category_id=category_id)
        plan.applications.append(
            SessionApplication(
                trainee=user,
                status=ApplicationStatus.APPROVED if approved else ApplicationStatus.WAITLISTED,
                country_id=country_id,
                category_id=category_id,
                gender=gender,
                waitlisted_at=None if approved else now,
                decided_at=now,
                decided_by_id=enrolled_by.pk,
                **common,
            )
        )
    return plan


def _unusable_password() -> str:
    """What `set_unusable_password()` stores ("!" and 40 random characters), drawn in one call rather than forty."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(UNUSABLE_PASSWORD_SUFFIX_LENGTH)[:UNUSABLE_PASSWORD_SUFFIX_LENGTH]


def _new_user(
    row: EnrolmentRow,
    references: _References,
    organisations: dict[tuple[int, str], Organisation],
    plan: _Plan,
    now: datetime.datetime,
) -> User:
    """An account for a row, with its organisation (planned for creation when new), its trainee role and its e-mail address."""
    country = references.countries.get(row.country)
    if country is None:
        raise _row_failed(row, _("unknown country code “%(value)s”.") % {"value": row.country})
    organisation = None
    if row.organisation:
        key = _organisation_key(country.pk, row.organisation)
        organisation = organisations.get(key)
        if organisation is None:
            category = references.categories.get(row.organisation_type)
            if category is None:
                raise _row_failed(row, _type_needed_reason(row.organisation, country, references.categories))
            organisation = organisations[key] = Organisation(name=row.organisation, country_id=country.pk, category_id=category.pk)
            plan.organisations.append(organisation)
    level = None
    if row.position_level:
        level = references.levels.get(row.position_level)
        if level is None:
            raise _row_failed(
                row,
                _("unknown position level “%(value)s” (use %(choices)s).")
                % {"value": row.position_level, "choices": ", ".join(references.levels)},
            )
    user = User(
        email=row.email,
        password=_unusable_password(),
        first_name=row.first_name,
        last_name=row.last_name,
        gender=row.gender,
        country_id=country.pk,
        position_level_id=level.pk if level else None,
        preferred_language=row.language,
        date_joined=now,
    )
    # The organisation may be new (no id yet): assigned as an instance, its id is taken when the user is saved.
    user.organisation = organisation
    plan.users.append(user)
    plan.memberships.append(User.groups.through(user=user, group_id=plan.trainees.pk))
    plan.email_addresses.append(EmailAddress(user=user, email=row.email, verified=False, primary=True))
    return user


def _write_in_bulk(plan: _Plan) -> None:
    """One INSERT per table (Django splits it only at the database's limit of parameters per query)."""
    Organisation.objects.bulk_create(plan.organisations)
    User.objects.bulk_create(plan.users)
    User.groups.through.objects.bulk_create(plan.memberships)
    EmailAddress.objects.bulk_create(plan.email_addresses)
    SessionApplication.objects.bulk_create(plan.applications)


def _write_row_by_row(plan: _Plan) -> None:
    """The naive way, for comparison: one save per organisation, account, e-mail address and application, and `groups.add` per role."""
    for organisation in plan.organisations:
        organisation.save()
    for user in plan.users:
        user.save()
    for membership in plan.memberships:
        membership.user.groups.add(plan.trainees)
    for address in plan.email_addresses:
        address.save()
    for application in plan.applications:
        application.save()


def _apply(
    *, report: EnrolmentReport, session: TrainingSession, enrolled_by: User, only_valid_rows: bool, write: Callable[[_Plan], None]
) -> EnrolmentResult:
    """The import with either writer: the same checks, the same lock and the same decisions."""
    if report.session_id != session.pk:
        raise ValueError(f"The report was made for session {report.session_id}, not for session {session.pk}.")
    skipped = len(report.invalid_rows)
    if report.file_error or (report.invalid_rows and not only_valid_rows):
        return EnrolmentResult(written=False, skipped_invalid=skipped)
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        refusal = _session_refusal(locked)
        if refusal:
            return EnrolmentResult(written=False, skipped_invalid=skipped, error=refusal)
        trainees, _created = Group.objects.get_or_create(name=TRAINEE.group_name)
        plan = _plan(rows=report.valid_rows, session=locked, enrolled_by=enrolled_by, trainees=trainees)
        try:
            write(plan)
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
        approved=plan.count(ApplicationStatus.APPROVED),
        waitlisted=plan.count(ApplicationStatus.WAITLISTED),
        already_enrolled=plan.already_enrolled,
        skipped_invalid=skipped,
        organisations_created=len(plan.organisations),
    )


def enrolment_import_apply(
    *, report: EnrolmentReport, session: TrainingSession, enrolled_by: User, only_valid_rows: bool
) -> EnrolmentResult:
    """Enrol a dry run's valid rows in bulk, in one transaction with the session locked; the import sends no e-mail."""
    return _apply(report=report, session=session, enrolled_by=enrolled_by, only_valid_rows=only_valid_rows, write=_write_in_bulk)


def enrolment_import_apply_row_by_row(
    *, report: EnrolmentReport, session: TrainingSession, enrolled_by: User, only_valid_rows: bool
) -> EnrolmentResult:
    """The same import saving one row at a time: the naive baseline the benchmark and a test compare with; sends no e-mail."""
    return _apply(report=report, session=session, enrolled_by=enrolled_by, only_valid_rows=only_valid_rows, write=_write_row_by_row)
