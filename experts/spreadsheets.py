"""The roster as a spreadsheet: import (dry run, then apply) and export of XLSX and CSV files in one column layout."""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import ThematicChapter
from experts.models import (
    BIO_MAX_LENGTH,
    AvailabilityWindow,
    ChapterDepth,
    ExpertChapter,
    ExpertLanguage,
    ExpertProfile,
    ExpertStatus,
    LanguageLevel,
)
from experts.services import PublicConsent, bio_sanitise, expert_apply, expert_set_status
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
from people.models import Country, Language, StakeholderCategory, User

LIST_SEPARATOR = "; "
WINDOW_SEPARATOR = ".."
YES_WORDS = frozenset({"yes", "y", "true", "1", "да", "bəli", "hə"})
NO_WORDS = frozenset({"no", "n", "false", "0", "нет", "xeyr", "yox"})
_ITEM_SPLIT = re.compile(r"[;,\n]")


@dataclass(frozen=True)
class Column:
    """One column of the roster spreadsheet."""

    key: str
    required: bool = False
    exported: bool = True
    # A blank cell keeps what the roster holds: the export leaves these empty when the expert has not made them public.
    blank_keeps: bool = False
    max_length: int = 0


COLUMNS: tuple[Column, ...] = (
    Column("email", required=True, max_length=254),
    Column("first_name", required=True, max_length=150),
    Column("last_name", required=True, max_length=150),
    Column("gender", required=True),
    Column("nationality", required=True, max_length=100),
    Column("country_of_residence", blank_keeps=True),
    Column("organisation", max_length=255),
    Column("organisation_type"),
    Column("chapters", required=True, blank_keeps=True),
    Column("languages", required=True, blank_keeps=True),
    Column("field_countries"),
    # Self-declared and sensitive: imported when a file has it, never exported.
    Column("migrant_background", exported=False, blank_keeps=True),
    Column("tot_experience"),
    Column("bio", blank_keeps=True),
    Column("availability"),
    Column("consent_to_be_listed"),
    Column("public_bio"),
    Column("public_chapters"),
    Column("public_languages"),
    Column("public_country"),
    Column("status", blank_keeps=True),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = tuple(column.key for column in COLUMNS if column.required)
EXPORT_COLUMNS = tuple(column.key for column in COLUMNS if column.exported)
BOOLEAN_COLUMNS = ("tot_experience", "consent_to_be_listed", "public_bio", "public_chapters", "public_languages", "public_country")


class RowAction(enum.StrEnum):
    """What importing a valid row does to the roster."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ExpertRow:
    """A valid row, in plain values (codes, numbers, dates); `keep` names the fields an update leaves as they are."""

    row_number: int
    action: RowAction
    email: str
    first_name: str
    last_name: str
    gender: str
    nationality: str
    country_of_residence: str = ""
    organisation: str = ""
    organisation_type: str = ""
    chapters: tuple[tuple[int, str], ...] = ()
    languages: tuple[tuple[str, str], ...] = ()
    field_countries: tuple[str, ...] = ()
    migrant_background: bool | None = None
    tot_experience: bool = False
    bio: str = ""
    availability: tuple[tuple[datetime.date, datetime.date], ...] = ()
    consent_to_be_listed: bool = False
    public_bio: bool = False
    public_chapters: bool = False
    public_languages: bool = False
    public_country: bool = False
    status: str = ExpertStatus.APPLIED
    keep: frozenset[str] = frozenset()
    has_account: bool = False


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


@dataclass
class ReferenceLookups:
    """The reference rows a spreadsheet names by code or number, loaded once."""

    countries: dict[str, Country]
    categories: dict[str, StakeholderCategory]
    languages: dict[str, Language]
    chapters: dict[int, ThematicChapter]

    @classmethod
    def load(cls) -> ReferenceLookups:
        """Read every country, category, language and chapter in four queries."""
        return cls(
            countries={country.iso_code.upper(): country for country in Country.objects.all()},
            categories={category.code.lower(): category for category in StakeholderCategory.objects.all()},
            languages={language.code.lower(): language for language in Language.objects.all()},
            chapters={chapter.number: chapter for chapter in ThematicChapter.objects.all()},
        )

    def country(self, code: str) -> Country:
        """The country with this ISO code, or a ValidationError if it has gone since the dry run."""
        if code not in self.countries:
            raise _gone(_("unknown country code “%(value)s”."), code)
        return self.countries[code]

    def category(self, code: str) -> StakeholderCategory:
        """The stakeholder category with this code."""
        if code not in self.categories:
            raise _gone(_("unknown organisation type “%(value)s”."), code)
        return self.categories[code]

    def language(self, code: str) -> Language:
        """The language with this code."""
        if code not in self.languages:
            raise _gone(_("unknown language code “%(value)s”."), code)
        return self.languages[code]

    def chapter(self, number: int) -> ThematicChapter:
        """The thematic chapter with this number."""
        if number not in self.chapters:
            raise _gone(_("unknown chapter number “%(value)s”."), number)
        return self.chapters[number]


def _gone(message: str, value: object) -> ValidationError:
    """The error for a reference row deleted between the dry run and the import."""
    return ValidationError(message % {"value": value}, code="unknown_reference")


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


# --- Validating a row ---------------------------------------------------------------------------


def _erased_reason() -> str:
    """Why a row cannot bring back an expert who deleted their personal data."""
    return _("the expert with this e-mail address deleted their roster profile; only they can apply again.")


def _split(text: str) -> list[str]:
    """The items of a list cell ("a; b; c"); commas and line breaks separate too."""
    return [item.strip() for item in _ITEM_SPLIT.split(text) if item.strip()]


class _RowParser:
    """Turns one row's text into an ExpertRow, collecting every problem rather than stopping at the first."""

    def __init__(self, *, lookups: ReferenceLookups, present: frozenset[str]) -> None:
        self.lookups = lookups
        self.present = present
        self.errors: list[str] = []
        numbers = sorted(lookups.chapters)
        self.chapter_range = (numbers[0], numbers[-1]) if numbers else (0, 0)

    def parse(self, *, number: int, record: dict[str, str], account: User | None, profile: ExpertProfile | None) -> ExpertRow | InvalidRow:
        """Validate a row; `profile` is the expert its e-mail already has, if any."""
        self.errors = []
        values: dict[str, object] = {}
        keep: set[str] = set()
        for column in COLUMNS:
            text = record.get(column.key, "")
            if column.max_length and len(text) > column.max_length:
                self.errors.append(
                    _("“%(column)s” is longer than %(limit)s characters.") % {"column": column.key, "limit": column.max_length}
                )
                continue
            absent = column.key not in self.present
            if profile is not None and (absent or (not text and column.blank_keeps)):
                keep.add(column.key)
                continue
            if not text and column.required:
                self.errors.append(_("the required column “%(column)s” is empty.") % {"column": column.key})
                continue
            parsed = self._field(column.key, text)
            if parsed is not None or column.key == "migrant_background":
                values[column.key] = parsed
        if profile is not None and profile.anonymised_at is not None:
            self.errors.append(_erased_reason())
        if self.errors:
            return InvalidRow(row_number=number, reasons=tuple(self.errors))
        row = ExpertRow(
            row_number=number,
            action=RowAction.CREATE,
            keep=frozenset(keep),
            has_account=account is not None,
            **values,  # type: ignore[arg-type]
        )
        if profile is not None:
            action = RowAction.UPDATE if _row_differs(profile, row) else RowAction.UNCHANGED
            row = replace(row, action=action)
        return row

    def _field(self, key: str, text: str) -> object:
        """The value of one cell, or None after recording why it is wrong (or when a blank cell means the default)."""
        if key in BOOLEAN_COLUMNS:
            return self._boolean(key, text, blank=False)
        method = getattr(self, f"_parse_{key}", None)
        return method(text) if method is not None else text

    def _boolean(self, key: str, text: str, *, blank: bool | None) -> bool | None:
        """A yes/no cell; `blank` is what an empty cell means."""
        word = text.lower()
        if not word:
            return blank
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        self.errors.append(_("“%(value)s” in “%(column)s” is not yes or no.") % {"value": text, "column": key})
        return None

    def _parse_email(self, text: str) -> str | None:
        email = text.lower()
        try:
            validate_email(email)
        except ValidationError:
            self.errors.append(_("“%(value)s” is not a valid e-mail address.") % {"value": text})
            return None
        return email

    def _parse_gender(self, text: str) -> str | None:
        if text.lower() in User.Gender.values:
            return text.lower()
        self.errors.append(_("unknown gender “%(value)s” (use %(choices)s).") % {"value": text, "choices": ", ".join(User.Gender.values)})
        return None

    def _country(self, text: str, column: str) -> str | None:
        code = text.upper()
        if code in self.lookups.countries:
            return code
        self.errors.append(
            _("unknown country code “%(value)s” in “%(column)s” (use a two-letter ISO code of an RTCM country, such as AZ).")
            % {"value": text, "column": column}
        )
        return None

    def _parse_country_of_residence(self, text: str) -> str:
        return (self._country(text, "country_of_residence") or "") if text else ""

    def _parse_organisation_type(self, text: str) -> str:
        if not text:
            return ""
        if text.lower() in self.lookups.categories:
            return text.lower()
        self.errors.append(
            _("unknown organisation type “%(value)s” (use %(choices)s).") % {"value": text, "choices": ", ".join(self.lookups.categories)}
        )
        return ""

    def _parse_chapters(self, text: str) -> tuple[tuple[int, str], ...]:
        chapters: dict[int, str] = {}
        for item in _split(text):
            number_text, separator, depth = (part.strip() for part in item.partition(":"))
            if not separator or not number_text.isdigit() or not depth:
                self.errors.append(_("“%(value)s” in “chapters” is not “number:depth”, such as “3:lead”.") % {"value": item})
                continue
            number = int(number_text)
            if number not in self.lookups.chapters:
                first, last = self.chapter_range
                self.errors.append(
                    _("unknown chapter number “%(value)s” (%(first)s–%(last)s).") % {"value": number_text, "first": first, "last": last}
                )
                continue
            if depth.lower() not in ChapterDepth.values:
                self.errors.append(
                    _("unknown depth “%(value)s” for chapter %(number)s (use %(choices)s).")
                    % {"value": depth, "number": number, "choices": ", ".join(ChapterDepth.values)}
                )
                continue
            if number in chapters:
                self.errors.append(_("chapter %(number)s is listed more than once.") % {"number": number})
                continue
            chapters[number] = depth.lower()
        return tuple(sorted(chapters.items()))

    def _parse_languages(self, text: str) -> tuple[tuple[str, str], ...]:
        languages: dict[str, str] = {}
        for item in _split(text):
            code, separator, level = (part.strip().lower() for part in item.partition(":"))
            if not separator or not code or not level:
                self.errors.append(_("“%(value)s” in “languages” is not “code:level”, such as “ru:native”.") % {"value": item})
                continue
            if code not in self.lookups.languages:
                self.errors.append(
                    _("unknown language code “%(value)s” (use %(choices)s).")
                    % {"value": code, "choices": ", ".join(self.lookups.languages)}
                )
                continue
            if level not in LanguageLevel.values:
                self.errors.append(
                    _("unknown level “%(value)s” for language “%(code)s” (use %(choices)s).")
                    % {"value": level, "code": code, "choices": ", ".join(LanguageLevel.values)}
                )
                continue
            if code in languages:
                self.errors.append(_("language “%(code)s” is listed more than once.") % {"code": code})
                continue
            languages[code] = level
        return tuple(sorted(languages.items()))

    def _parse_field_countries(self, text: str) -> tuple[str, ...]:
        codes = [self._country(item, "field_countries") for item in _split(text)]
        return tuple(sorted({code for code in codes if code}))

    def _parse_migrant_background(self, text: str) -> bool | None:
        return self._boolean("migrant_background", text, blank=None)

    def _parse_bio(self, text: str) -> str:
        bio = bio_sanitise(text)
        if len(bio) > BIO_MAX_LENGTH:
            self.errors.append(
                _("the bio has %(length)s characters; at most %(limit)s are allowed.") % {"length": len(bio), "limit": BIO_MAX_LENGTH}
            )
        return bio

    def _date(self, text: str) -> datetime.date | None:
        try:
            return datetime.date.fromisoformat(text.strip())
        except ValueError:
            self.errors.append(_("“%(value)s” in “availability” is not a valid date (use YYYY-MM-DD).") % {"value": text.strip()})
            return None

    def _parse_availability(self, text: str) -> tuple[tuple[datetime.date, datetime.date], ...]:
        windows: set[tuple[datetime.date, datetime.date]] = set()
        for item in _split(text):
            start_text, separator, end_text = item.partition(WINDOW_SEPARATOR)
            if not separator or not start_text.strip() or not end_text.strip():
                self.errors.append(_("“%(value)s” in “availability” is not “YYYY-MM-DD..YYYY-MM-DD”.") % {"value": item})
                continue
            start, end = self._date(start_text), self._date(end_text)
            if start is None or end is None:
                continue
            if end < start:
                self.errors.append(_("the availability “%(value)s” ends before it starts.") % {"value": item})
                continue
            windows.add((start, end))
        return tuple(sorted(windows))

    def _parse_status(self, text: str) -> str | None:
        if not text:
            return ExpertStatus.APPLIED
        if text.lower() in ExpertStatus.values:
            return text.lower()
        self.errors.append(_("unknown status “%(value)s” (use %(choices)s).") % {"value": text, "choices": ", ".join(ExpertStatus.values)})
        return None


# --- Comparing a row with the roster -----------------------------------------------------------


def _profiles_with_everything(queryset: QuerySet[ExpertProfile] | None = None) -> QuerySet[ExpertProfile]:
    """Experts with the account, references and every list the layout holds, in a fixed number of queries."""
    queryset = ExpertProfile.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("user", "country_of_residence", "organisation_type")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("chapter_links", queryset=ExpertChapter.objects.select_related("chapter")),
            Prefetch("language_links", queryset=ExpertLanguage.objects.select_related("language")),
            "field_countries",
            "availability",
        )
    )


def _accounts_and_profiles(emails: Iterable[str]) -> tuple[dict[str, User], dict[str, ExpertProfile]]:
    """The accounts these e-mail addresses have (any case) and the expert profiles among them, keyed by lower-case e-mail."""
    wanted = {email.lower() for email in emails if email}
    accounts = {user.email.lower(): user for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)}
    profiles = {profile.user.email.lower(): profile for profile in _profiles_with_everything().filter(user__in=list(accounts.values()))}
    return accounts, profiles


def _profile_values(profile: ExpertProfile) -> dict[str, object]:
    """A stored expert in the row's terms, for comparison."""
    user = profile.user
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "gender": user.gender,
        "nationality": profile.nationality,
        "country_of_residence": profile.country_of_residence.iso_code if profile.country_of_residence else "",
        "organisation": profile.organisation_name,
        "organisation_type": profile.organisation_type.code if profile.organisation_type else "",
        "chapters": {(link.chapter.number, link.depth) for link in profile.chapter_links.all()},
        "languages": {(link.language.code, link.level) for link in profile.language_links.all()},
        "field_countries": {country.iso_code for country in profile.field_countries.all()},
        "migrant_background": profile.migrant_or_diaspora_background,
        "tot_experience": profile.tot_experience,
        "bio": profile.short_bio,
        "availability": {(window.start, window.end) for window in profile.availability.all()},
        "consent_to_be_listed": profile.consent_to_be_listed,
        "public_bio": profile.public_bio,
        "public_chapters": profile.public_chapters,
        "public_languages": profile.public_languages,
        "public_country": profile.public_country,
        "status": profile.status,
    }


def _changed_fields(profile: ExpertProfile, row: ExpertRow) -> set[str]:
    """The fields the row would change on this expert."""
    stored = _profile_values(profile)
    changed = set()
    for key, current in stored.items():
        if key in row.keep:
            continue
        wanted = getattr(row, key)
        if isinstance(current, set):
            wanted = set(wanted)
        if wanted != current:
            changed.add(key)
    return changed


def _row_differs(profile: ExpertProfile, row: ExpertRow) -> bool:
    """Whether importing the row would change anything on this expert."""
    return bool(_changed_fields(profile, row))


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
