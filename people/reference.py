"""Reference data of the 2021 needs assessment (countries, stakeholder categories, levels, languages), read from people/data/.

Source: the 2021 IOM training-needs assessment for the RTCM (section 1 of the project's digest); the
files and their sources are described in people/data/README.md. Each list keeps its file's order, which
is the sort order users see. The files are small and read once, when this module is imported.
"""

from __future__ import annotations

from pathlib import Path

from lib.data_files import DataFileError, csv_rows, csv_unique

DATA_DIR = Path(__file__).resolve().parent / "data"
NAMES = ("name_az", "name_ru", "name_en")
LEVEL_AXES = ("seniority", "policy_cycle")


def named_rows_read(path: Path, key: str, *extra: str, allowed: dict[str, tuple[str, ...]] | None = None) -> list[tuple[str, ...]]:
    """The rows of a reference file as tuples (key, *extra, az, ru, en); refuses a malformed file, a repeated key or a value not allowed."""
    columns = (key, *extra, *NAMES)
    rows = csv_rows(path, columns)
    csv_unique(path, rows, key)
    for line, row in rows:
        for column, values in (allowed or {}).items():
            if row[column] not in values:
                raise DataFileError(path, f"line {line} ({row[key]})", f"{column} must be one of {', '.join(values)}, not {row[column]!r}")
    return [tuple(row[column] for column in columns) for _line, row in rows]


# (ISO code, Azerbaijani, Russian, English), in the report's order (English alphabetical, Uzbekistan last).
COUNTRIES: list[tuple[str, ...]] = named_rows_read(DATA_DIR / "countries.csv", "iso_code")
# (code, Azerbaijani, Russian, English)
STAKEHOLDER_CATEGORIES: list[tuple[str, ...]] = named_rows_read(DATA_DIR / "stakeholder-categories.csv", "code")
# (code, axis, Azerbaijani, Russian, English)
PARTICIPANT_LEVELS: list[tuple[str, ...]] = named_rows_read(
    DATA_DIR / "participant-levels.csv", "code", "axis", allowed={"axis": LEVEL_AXES}
)
# Languages of delivery and of experts' work, the interface languages first: (ISO 639-1 code, Azerbaijani, Russian, English).
LANGUAGES: list[tuple[str, ...]] = named_rows_read(DATA_DIR / "languages.csv", "code")
