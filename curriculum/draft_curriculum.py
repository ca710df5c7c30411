"""The RTCM draft curriculum of 2021 (17 modules, 56 activities) in Azerbaijani, Russian and English.

The data is curriculum/data/draft-curriculum-2021.yaml (Chapter 4 of the 2021 IOM needs assessment,
seed lines L7724-L8404; the file's header says how it was transcribed). This module reads and checks
it once, when `DRAFT_CURRICULUM` or `MISSING_CHAPTERS` is first used: `curriculum.demo` publishes it as
pages. Each module is a dict: code, chapter, part, title and summary ({az, ru, en}), format,
source_lines and activities; each activity: number, title, kind, audiences, audience_note, levels,
level_note, duplicate_of, source_lines (the notes and duplicate_of are None when the file leaves them out).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lib.data_files import LANGUAGES, DataFileError, entry_codes, entry_keys, entry_text, entry_value, yaml_document

DATA_FILE = Path(__file__).resolve().parent / "data" / "draft-curriculum-2021.yaml"
MODULE_KEYS = {"code", "chapter", "part", "title", "summary", "format", "source_lines", "activities"}
ACTIVITY_KEYS = {"number", "title", "kind", "audiences", "levels", "source_lines"}
OPTIONAL_ACTIVITY_KEYS = {"audience_note", "level_note", "duplicate_of"}


def _text(path: Path, where: str, value: Any) -> dict[str, str]:
    return dict(zip(LANGUAGES, entry_text(path, where, value), strict=True))


def _label(entry: Any, key: str, position: int) -> str:
    """How a message names an entry: by its code or number when it has one, else by its position."""
    return entry[key] if isinstance(entry, dict) and isinstance(entry.get(key), str) else str(position)


def _activity(path: Path, module: str, position: int, entry: Any, kinds: list[str]) -> dict[str, Any]:
    where = f"{module}, activity {_label(entry, 'number', position)}"
    entry_keys(path, where, entry, ACTIVITY_KEYS, OPTIONAL_ACTIVITY_KEYS)
    note = {key: entry.get(key) for key in ("audience_note", "level_note")}
    duplicate_of = entry.get("duplicate_of")
    return {
        "number": entry_value(path, f"{where}, number", entry["number"], str),
        "title": _text(path, f"{where}, title", entry["title"]),
        "kind": entry_value(path, f"{where}, kind", entry["kind"], str, kinds),
        "audiences": entry_codes(path, f"{where}, audiences", entry["audiences"]),
        "audience_note": None if note["audience_note"] is None else _text(path, f"{where}, audience_note", note["audience_note"]),
        "levels": entry_codes(path, f"{where}, levels", entry["levels"]),
        "level_note": None if note["level_note"] is None else _text(path, f"{where}, level_note", note["level_note"]),
        "duplicate_of": None if duplicate_of is None else entry_value(path, f"{where}, duplicate_of", duplicate_of, str),
        "source_lines": entry_value(path, f"{where}, source_lines", entry["source_lines"], str),
    }


def _module(path: Path, position: int, entry: Any, formats: list[str], kinds: list[str]) -> dict[str, Any]:
    where = f"module {_label(entry, 'code', position)}"
    entry_keys(path, where, entry, MODULE_KEYS)
    activities = entry["activities"]
    if not isinstance(activities, list) or not activities:
        raise DataFileError(path, f"{where}, activities", "must be a non-empty list")
    return {
        "code": entry_value(path, f"{where}, code", entry["code"], str),
        "chapter": entry_value(path, f"{where}, chapter", entry["chapter"], int),
        "part": entry_value(path, f"{where}, part", entry["part"], int),
        "title": _text(path, f"{where}, title", entry["title"]),
        "summary": _text(path, f"{where}, summary", entry["summary"]),
        "format": entry_value(path, f"{where}, format", entry["format"], str, formats),
        "source_lines": entry_value(path, f"{where}, source_lines", entry["source_lines"], str),
        "activities": [_activity(path, where, position, activity, kinds) for position, activity in enumerate(activities, start=1)],
    }


def draft_curriculum_read(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    """The modules of a draft-curriculum file and the chapters it leaves without a module; refuses a malformed file."""
    from curriculum.models import ActivityKind, ModuleFormat

    document = yaml_document(path)
    if not isinstance(document, dict) or set(document) != {"missing_chapters", "modules"}:
        raise DataFileError(path, "", "the file needs exactly the keys missing_chapters and modules")
    missing = document["missing_chapters"]
    if not isinstance(missing, list) or not all(isinstance(number, int) and not isinstance(number, bool) for number in missing):
        raise DataFileError(path, "missing_chapters", "must be a list of chapter numbers, e.g. [7, 10]")
    if not isinstance(document["modules"], list) or not document["modules"]:
        raise DataFileError(path, "modules", "must be a non-empty list")
    formats, kinds = list(ModuleFormat.values), list(ActivityKind.values)
    modules = [_module(path, position, entry, formats, kinds) for position, entry in enumerate(document["modules"], start=1)]
    codes = [module["code"] for module in modules]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise DataFileError(path, f"module {repeated[0]}", "the code is used by more than one module")
    return modules, list(missing)


@functools.cache
def _draft_curriculum() -> tuple[list[dict[str, Any]], list[int]]:
    return draft_curriculum_read(DATA_FILE)


def __getattr__(name: str) -> Any:
    """`DRAFT_CURRICULUM` and `MISSING_CHAPTERS`, read from the data file on first use."""
    if name == "DRAFT_CURRICULUM":
        return _draft_curriculum()[0]
    if name == "MISSING_CHAPTERS":
        return _draft_curriculum()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
