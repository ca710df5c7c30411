"""The roster as a spreadsheet: import (dry run, then apply) and export of XLSX and CSV files in one column layout.

The layout and the checking of a row are in `experts.roster_rows`; reading and writing the files in `lib.tables`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from experts.models import AvailabilityWindow, ExpertChapter, ExpertLanguage, ExpertProfile
from experts.roster_rows import (
    COLUMNS,
    EXPORT_COLUMNS,
    LIST_SEPARATOR,
    REQUIRED_COLUMNS,
    WINDOW_SEPARATOR,
    ExpertRow,
    ReferenceLookups,
    RowAction,
    _accounts_and_profiles,
    _changed_fields,
    _erased_reason,
    _profiles_with_everything,
    _row_differs,
    _RowParser,
)
from experts.services import PublicConsent, expert_apply, expert_set_status
from lib.tables import (
    FORMATS,
    MAX_DATA_ROWS,
    MAX_FILE_SIZE,  # noqa: F401  (curriculum.bulk_enrolment and its tests still import it from here)
    MAX_SCANNED_ROWS,  # noqa: F401  (as above)
    InvalidRow,
    _csv_bytes,
    _csv_rows,
    _FileError,
    _xlsx_bytes,
    _xlsx_rows,
    checked_upload,
    header_keys,
)
from people.models import User


@dataclass
class ImportReport:
    """The dry run of an import: a file-level error, or the valid and invalid rows."""

    filename: str
    file_format: str = ""
    file_error: str = ""
    columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    valid_rows: list[ExpertRow] = field(default_factory=list)
    invalid_rows: list[InvalidRow] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        """Whether the whole file can be imported as it is."""
        return not self.file_error and not self.invalid_rows

    @property
    def can_import(self) -> bool:
        """Whether anything at all could be imported (possibly only the valid rows)."""
        return not self.file_error and bool(self.valid_rows)

    def count(self, action: RowAction) -> int:
        """How many valid rows would create, update or leave an expert unchanged."""
        return sum(1 for row in self.valid_rows if row.action == action)

    @property
    def messages(self) -> list[str]:
        """Every problem of the file, in row order."""
        if self.file_error:
            return [self.file_error]
        return [message for row in self.invalid_rows for message in row.messages]


@dataclass(frozen=True)
class ImportResult:
    """What applying an import wrote."""

    written: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_invalid: int = 0


# --- Reading a file into rows of text ----------------------------------------------------------


def _read_table(data: bytes, file_format: str) -> tuple[list[str | None], list[tuple[int, dict[str, str]]], list[str]]:
    """The known column keys by position, the non-blank data rows as {key: text}, and the unknown column names."""
    rows = _xlsx_rows(data) if file_format == "xlsx" else _csv_rows(data)
    header: list[str | None] | None = None
    unknown: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    for number, values in rows:
        if not any(values):
            continue
        if header is None:
            header = header_keys(values, known=[column.key for column in COLUMNS], required=REQUIRED_COLUMNS, unknown=unknown)
            continue
        record = {key: value for key, value in zip(header, values, strict=False) if key is not None}
        if not any(record.values()):
            continue
        if len(records) >= MAX_DATA_ROWS:
            raise _FileError(_("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": MAX_DATA_ROWS})
        records.append((number, record))
    if header is None:
        raise _FileError(_("The file is empty."))
    if not records:
        raise _FileError(_("The file has no rows of experts below its column names."))
    return header, records, unknown


# --- The public functions ------------------------------------------------------------------------


def roster_import_parse(*, file: UploadedFile | bytes, filename: str = "") -> ImportReport:
    """Dry run of an import: read the file and validate every row, writing nothing."""
    name = filename or getattr(file, "name", "") or ""
    report = ImportReport(filename=name)
    try:
        report.file_format, data = checked_upload(file, name)
        header, records, report.unknown_columns = _read_table(data, report.file_format)
    except _FileError as error:
        report.file_error = str(error)
        return report
    report.columns = [key for key in header if key]
    lookups = ReferenceLookups.load()
    parser = _RowParser(lookups=lookups, present=frozenset(report.columns))
    emails_by_row = {number: record.get("email", "").lower() for number, record in records}
    accounts, profiles = _accounts_and_profiles(emails_by_row.values())
    rows_by_email: dict[str, list[int]] = {}
    for number, email in emails_by_row.items():
        if email:
            rows_by_email.setdefault(email, []).append(number)
    for number, record in records:
        email = emails_by_row[number]
        parsed = parser.parse(number=number, record=record, account=accounts.get(email), profile=profiles.get(email))
        shared = rows_by_email.get(email, [])
        if len(shared) > 1:
            duplicate = _("the e-mail address “%(email)s” is on rows %(rows)s; keep one row per expert.") % {
                "email": email,
                "rows": ", ".join(str(row) for row in shared),
            }
            reasons = parsed.reasons if isinstance(parsed, InvalidRow) else ()
            parsed = InvalidRow(row_number=number, reasons=(*reasons, duplicate))
        if isinstance(parsed, InvalidRow):
            report.invalid_rows.append(parsed)
        else:
            report.valid_rows.append(parsed)
    return report


def _import_reason() -> str:
    """The reason logged with a status an import sets."""
    return _("Imported from a spreadsheet")


def _consent_date(*, consent: bool, profile: ExpertProfile) -> datetime.datetime | None:
    """When consent was given: kept if it was already given, now if it is new, none if it is withdrawn."""
    if not consent:
        return None
    return profile.consent_given_at if profile.consent_to_be_listed and profile.consent_given_at else timezone.now()


@transaction.atomic
def expert_update_from_import(
    *, expert: ExpertProfile, row: ExpertRow, lookups: ReferenceLookups, changed_by: User | None
) -> ExpertProfile:
    """Bring an expert in line with a spreadsheet row: fields, lists replaced, status changed with a logged reason."""
    changed = _changed_fields(expert, row)
    user = expert.user
    user_fields = [name for name in ("first_name", "last_name", "gender") if name in changed]
    for name in user_fields:
        setattr(user, name, getattr(row, name))
    if user_fields:
        user.save(update_fields=user_fields)
    profile_fields: dict[str, object] = {}
    if "nationality" in changed:
        profile_fields["nationality"] = row.nationality
    if "country_of_residence" in changed:
        profile_fields["country_of_residence"] = lookups.country(row.country_of_residence) if row.country_of_residence else None
    if "organisation" in changed:
        profile_fields["organisation_name"] = row.organisation
    if "organisation_type" in changed:
        profile_fields["organisation_type"] = lookups.category(row.organisation_type) if row.organisation_type else None
    if "migrant_background" in changed:
        profile_fields["migrant_or_diaspora_background"] = row.migrant_background
    if "tot_experience" in changed:
        profile_fields["tot_experience"] = row.tot_experience
    if "bio" in changed:
        profile_fields["short_bio"] = row.bio
    if "consent_to_be_listed" in changed:
        profile_fields["consent_given_at"] = _consent_date(consent=row.consent_to_be_listed, profile=expert)
        profile_fields["consent_to_be_listed"] = row.consent_to_be_listed
    for name in ("public_bio", "public_chapters", "public_languages", "public_country"):
        if name in changed:
            profile_fields[name] = getattr(row, name)
    for name, value in profile_fields.items():
        setattr(expert, name, value)
    if profile_fields or user_fields:
        # Saving the profile also refreshes its search text, which holds the account's names.
        expert.save(update_fields=list(profile_fields))
    if "chapters" in changed:
        chapters = {lookups.chapter(number): depth for number, depth in row.chapters}
        if not chapters:
            raise ValidationError(_("Choose at least one thematic chapter."), code="no_chapters")
        expert.chapter_links.all().delete()
        ExpertChapter.objects.bulk_create(ExpertChapter(expert=expert, chapter=chapter, depth=depth) for chapter, depth in chapters.items())
    if "languages" in changed:
        languages = {lookups.language(code): level for code, level in row.languages}
        if not languages:
            raise ValidationError(_("Choose at least one working language."), code="no_languages")
        expert.language_links.all().delete()
        ExpertLanguage.objects.bulk_create(
            ExpertLanguage(expert=expert, language=language, level=level) for language, level in languages.items()
        )
    if "field_countries" in changed:
        expert.field_countries.set([lookups.country(code) for code in row.field_countries])
    if "availability" in changed:
        expert.availability.all().delete()
        AvailabilityWindow.objects.bulk_create(AvailabilityWindow(expert=expert, start=start, end=end) for start, end in row.availability)
    if "status" in changed:
        expert_set_status(expert=expert, status=row.status, reason=_import_reason(), changed_by=changed_by, notify=False)
    return expert


def _expert_create_from_import(
    *, row: ExpertRow, account: User | None, lookups: ReferenceLookups, changed_by: User | None
) -> ExpertProfile:
    """A new expert from a row, through the same service as the public application, without e-mails."""
    expert = expert_apply(
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        gender=row.gender,
        nationality=row.nationality,
        chapters={lookups.chapter(number): depth for number, depth in row.chapters},
        languages={lookups.language(code): level for code, level in row.languages},
        user=account,
        country_of_residence=lookups.country(row.country_of_residence) if row.country_of_residence else None,
        organisation_name=row.organisation,
        organisation_type=lookups.category(row.organisation_type) if row.organisation_type else None,
        field_countries=[lookups.country(code) for code in row.field_countries],
        migrant_or_diaspora_background=row.migrant_background,
        tot_experience=row.tot_experience,
        short_bio=row.bio,
        availability=list(row.availability),
        consent_to_be_listed=row.consent_to_be_listed,
        public=PublicConsent(bio=row.public_bio, chapters=row.public_chapters, languages=row.public_languages, country=row.public_country),
        notify=False,
    )
    if row.status != expert.status:
        expert_set_status(expert=expert, status=row.status, reason=_import_reason(), changed_by=changed_by, notify=False)
    return expert


def roster_import_apply(*, report: ImportReport, imported_by: User, only_valid_rows: bool) -> ImportResult:
    """Import the valid rows of a dry run in one transaction; nothing while the file has errors the coordinator has not accepted."""
    skipped = len(report.invalid_rows)
    if report.file_error or (report.invalid_rows and not only_valid_rows):
        return ImportResult(written=False, skipped_invalid=skipped)
    lookups = ReferenceLookups.load()
    created = updated = unchanged = 0
    with transaction.atomic():
        # The roster may have changed since the dry run: create or update is decided again, on the data as it is now.
        accounts, profiles = _accounts_and_profiles(row.email for row in report.valid_rows)
        for row in report.valid_rows:
            try:
                profile = profiles.get(row.email)
                if profile is not None and profile.anonymised_at is not None:
                    raise ValidationError(_erased_reason(), code="erased")
                if profile is None:
                    _expert_create_from_import(row=row, account=accounts.get(row.email), lookups=lookups, changed_by=imported_by)
                    created += 1
                elif _row_differs(profile, row):
                    expert_update_from_import(expert=profile, row=row, lookups=lookups, changed_by=imported_by)
                    updated += 1
                else:
                    unchanged += 1
            except ValidationError as error:
                reason = " ".join(error.messages)
                raise ValidationError(
                    _("Row %(row)s: %(reason)s Nothing was imported.") % {"row": row.row_number, "reason": reason}, code="row_failed"
                ) from error
    return ImportResult(written=True, created=created, updated=updated, unchanged=unchanged, skipped_invalid=skipped)


# --- Export ---------------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    """A boolean the way the layout spells it."""
    return "yes" if value else "no"


def _export_values(expert: ExpertProfile) -> dict[str, str]:
    """One expert in the layout, with what they have not made public left empty."""
    user = expert.user
    values = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "gender": user.gender,
        "nationality": expert.nationality,
        "country_of_residence": "",
        "organisation": expert.organisation_name,
        "organisation_type": expert.organisation_type.code if expert.organisation_type else "",
        "chapters": "",
        "languages": "",
        "field_countries": LIST_SEPARATOR.join(country.iso_code for country in expert.field_countries.all()),
        "tot_experience": _yes_no(expert.tot_experience),
        "bio": "",
        "availability": LIST_SEPARATOR.join(
            f"{window.start.isoformat()}{WINDOW_SEPARATOR}{window.end.isoformat()}" for window in expert.availability.all()
        ),
        "consent_to_be_listed": _yes_no(expert.consent_to_be_listed),
        "public_bio": _yes_no(expert.public_bio),
        "public_chapters": _yes_no(expert.public_chapters),
        "public_languages": _yes_no(expert.public_languages),
        "public_country": _yes_no(expert.public_country),
        "status": expert.status,
    }
    if expert.public_country and expert.country_of_residence:
        values["country_of_residence"] = expert.country_of_residence.iso_code
    if expert.public_chapters:
        values["chapters"] = LIST_SEPARATOR.join(f"{link.chapter.number}:{link.depth}" for link in expert.chapter_links.all())
    if expert.public_languages:
        values["languages"] = LIST_SEPARATOR.join(f"{link.language.code}:{link.level}" for link in expert.language_links.all())
    if expert.public_bio:
        values["bio"] = expert.short_bio
    return {key: values[key] for key in EXPORT_COLUMNS}


def _export_rows(queryset: QuerySet[ExpertProfile]) -> Iterator[list[str]]:
    """The header and one row per consenting expert."""
    experts = _profiles_with_everything(queryset.filter(consent_to_be_listed=True, anonymised_at__isnull=True))
    yield list(EXPORT_COLUMNS)
    for expert in experts:
        yield list(_export_values(expert).values())


def roster_export(*, queryset: QuerySet[ExpertProfile], file_format: str) -> bytes:
    """The experts of a queryset who consent to be listed, as XLSX or CSV, in the import's layout."""
    if file_format not in FORMATS:
        raise ValueError(f"Unknown export format {file_format!r}; use one of {', '.join(FORMATS)}.")
    rows = _export_rows(queryset)
    if file_format == "csv":
        return _csv_bytes(rows)
    return _xlsx_bytes(rows, title="Experts", widths=[40 if key in {"bio", "chapters"} else 18 for key in EXPORT_COLUMNS])
