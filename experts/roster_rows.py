"""The roster spreadsheet's column layout and the checking of one row against it and against the roster."""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from curriculum.models import ThematicChapter
from experts.models import BIO_MAX_LENGTH, ChapterDepth, ExpertChapter, ExpertLanguage, ExpertProfile, ExpertStatus, LanguageLevel
from experts.services import bio_sanitise
from lib.tables import InvalidRow
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
