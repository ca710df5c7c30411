"""Reading the apps' reference data files (CSV and YAML), refusing a malformed one with a message that names the file and entry."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("az", "ru", "en")


class DataFileError(ValueError):
    """A reference data file that cannot be loaded as it is; the message says which file, which entry and why."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        super().__init__(f"{path}: {where}: {problem}" if where else f"{path}: {problem}")


def csv_rows(path: Path, columns: tuple[str, ...], *, optional: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    """The rows of a UTF-8 CSV file whose header is exactly `columns`, with their line numbers; every cell but `optional` filled in."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, restkey="\0extra", restval=None)
            header = tuple(reader.fieldnames or ())
            if header != columns:
                raise DataFileError(path, "line 1", f"the header must be {','.join(columns)}, not {','.join(header) or 'empty'}")
            rows = []
            for row in reader:
                where = f"line {reader.line_num}"
                if "\0extra" in row or any(value is None for value in row.values()):
                    raise DataFileError(path, where, f"a row needs exactly {len(columns)} cells ({','.join(columns)})")
                cells = {name: value.strip() for name, value in row.items()}
                empty = [name for name in columns if not cells[name] and name not in optional]
                if empty:
                    raise DataFileError(path, where, f"empty cell in column {', '.join(empty)}")
                rows.append((reader.line_num, cells))
    except UnicodeDecodeError as error:
        raise DataFileError(path, "", f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    except csv.Error as error:
        raise DataFileError(path, "", f"not a readable CSV file ({error})") from error
    return rows


def csv_integer(path: Path, line: int, column: str, text: str) -> int:
    """A whole number read from a CSV cell."""
    if not text.isdigit():
        raise DataFileError(path, f"line {line}", f"{column} must be a whole number, not {text!r}")
    return int(text)


def csv_unique(path: Path, rows: list[tuple[int, dict[str, str]]], column: str) -> None:
    """Refuse a file in which two rows share the value of `column` (their key)."""
    seen: dict[str, int] = {}
    for line, row in rows:
        if row[column] in seen:
            raise DataFileError(path, f"line {line}", f"{column} {row[column]!r} is already used on line {seen[row[column]]}")
        seen[row[column]] = line


def yaml_document(path: Path) -> Any:
    """The content of a YAML file, read with `yaml.safe_load` (no tags, no code); a syntax error names its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataFileError(path, "", f"not UTF-8 text ({error.reason} at byte {error.start})") from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DataFileError(path, where, f"not valid YAML: {problem}") from error


QUOTES_HINT = 'put words such as yes, no, on and off, and numbers meant as text, in "quotes"'


def entry_keys(path: Path, where: str, entry: Any, required: set[str], optional: set[str] | None = None) -> dict[str, Any]:
    """An entry of a YAML file that must be a mapping with all the `required` keys and no key outside `optional`."""
    if not isinstance(entry, dict):
        raise DataFileError(path, where, "must be a mapping of keys to values")
    missing, unknown = required - set(entry), set(entry) - required - (optional or set())
    problems = [
        f"missing {', '.join(sorted(missing))}" if missing else "",
        f"unknown key {', '.join(sorted(map(str, unknown)))}" if unknown else "",
    ]
    if missing or unknown:
        raise DataFileError(path, where, "; ".join(problem for problem in problems if problem))
    return entry


def entry_text(path: Path, where: str, value: Any) -> tuple[str, str, str]:
    """A text given in az, ru and en: a mapping with exactly these three keys, each a non-empty text."""
    if not isinstance(value, dict) or set(value) != set(LANGUAGES):
        raise DataFileError(path, where, "a text needs exactly the keys az, ru and en")
    for language in LANGUAGES:
        if not isinstance(value[language], str) or not value[language].strip():
            raise DataFileError(path, f"{where}, {language}", f"must be a non-empty text, not {value[language]!r} ({QUOTES_HINT})")
    return (value["az"], value["ru"], value["en"])


def entry_value(path: Path, where: str, value: Any, kind: type, allowed: Iterable[str] | None = None) -> Any:
    """A value of one type (yes/no for bool, a whole number for int, a text for str), from `allowed` when given."""
    allowed = list(allowed) if allowed is not None else None
    right_type = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if not right_type or (allowed is not None and value not in allowed):
        expected = (
            f"one of {', '.join(allowed)}" if allowed is not None else {bool: "true or false", int: "a whole number", str: "a text"}[kind]
        )
        hint = f" ({QUOTES_HINT})" if kind is str else ""
        raise DataFileError(path, where, f"must be {expected}, not {value!r}{hint}")
    return value


def entry_codes(path: Path, where: str, value: Any) -> list[str]:
    """A list of codes, e.g. [government, cso]."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise DataFileError(path, where, f"must be a list of codes, e.g. [government, cso], not {value!r}")
    return list(value)
