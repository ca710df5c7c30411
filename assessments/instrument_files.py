"""Reading the built-in instruments from assessments/data/instruments/ and refusing a malformed file.

One YAML file per instrument, loaded in the order of the file names; shared.yaml holds the answer
scales and texts that several questionnaires use, which a question names instead of repeating them
(`options: quality_scale`, `help: all_that_apply`). The result has the shape `assessments.builtin`
loads: texts as (az, ru, en), options as (value, az, ru, en) plus whether a knowledge option is correct.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assessments.models import CHOICE_KINDS, Purpose, QuestionKind
from lib.data_files import DataFileError, entry_codes, entry_keys, entry_text, entry_value, yaml_document
from people.reference import STAKEHOLDER_CATEGORIES

Text = tuple[str, str, str]  # (Azerbaijani, Russian, English)

SHARED_FILE = "shared.yaml"
CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # question codes and option values are slugs of the models
INSTRUMENT_KEYS = {"code", "purpose", "audience", "title", "intro"}
INSTRUMENT_OPTIONAL_KEYS = {"intro_note", "is_anonymous", "min_group_size", "is_default", "pass_mark_percent", "sections", "sections_from"}
QUESTION_KEYS = {"code", "kind", "text"}
QUESTION_OPTIONAL_KEYS = {"help", "options", "required", "points", "min_value"}
OPTION_KEYS = {"value", "az", "ru", "en"}
DEFAULT_PURPOSES = (Purpose.SESSION_EVALUATION, Purpose.FOLLOW_UP)
NOT_REQUIRED_KINDS = (QuestionKind.NUMBER, QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
NO_HELP: Text = ("", "", "")


class _Reader:
    """Checks one file's entries, resolving the names of shared scales and texts."""

    def __init__(self, path: Path, shared: dict[str, dict[str, Any]]) -> None:
        self.path = path
        self.scales = shared.get("scales", {})
        self.texts = shared.get("texts", {})

    def fail(self, where: str, problem: str) -> DataFileError:
        return DataFileError(self.path, where, problem)

    def text(self, where: str, value: Any) -> Text:
        """A text in three languages, or the name of a shared text."""
        if isinstance(value, str):
            if value not in self.texts:
                raise self.fail(where, f"{value!r} is not a shared text of {SHARED_FILE} (known: {', '.join(self.texts)})")
            return self.texts[value]
        return entry_text(self.path, where, value)

    def options(self, where: str, value: Any, kind: str) -> tuple[tuple[Any, ...], ...]:
        """A list of options, or the name of a shared scale; a knowledge option says whether it is correct."""
        is_knowledge = kind == QuestionKind.KNOWLEDGE
        if isinstance(value, str):
            if value not in self.scales:
                raise self.fail(where, f"{value!r} is not a scale of {SHARED_FILE} (known: {', '.join(self.scales)})")
            if is_knowledge:
                raise self.fail(where, "a knowledge question lists its own options, each saying whether it is correct")
            return self.scales[value]
        if not isinstance(value, list):
            raise self.fail(where, "must be a list of options or the name of a scale")
        choices = []
        for position, entry in enumerate(value, start=1):
            at = f"{where} {position}"
            entry_keys(self.path, at, entry, OPTION_KEYS | ({"correct"} if is_knowledge else set()))
            option_value = self.code(f"{at}, value", entry["value"])
            labels = entry_text(self.path, at, {language: entry[language] for language in ("az", "ru", "en")})
            correct = (entry_value(self.path, f"{at}, correct", entry["correct"], bool),) if is_knowledge else ()
            choices.append((option_value, *labels, *correct))
        values = [choice[0] for choice in choices]
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise self.fail(where, f"the value {repeated[0]!r} is used twice")
        if len(choices) < 2:
            raise self.fail(where, "a choice question needs at least two options")
        if is_knowledge and not any(choice[4] for choice in choices):
            raise self.fail(where, "a knowledge question needs at least one correct option")
        return tuple(choices)

    def code(self, where: str, value: Any) -> str:
        if not isinstance(value, str) or not CODE.match(value):
            raise self.fail(where, f"must be a code of letters, digits, _ or - (at most 40), not {value!r}")
        return value

    def question(self, section: str, position: int, entry: Any) -> dict[str, Any]:
        named = isinstance(entry, dict) and isinstance(entry.get("code"), str)
        where = f"{section}, question {entry['code'] if named else position}"
        entry_keys(self.path, where, entry, QUESTION_KEYS, QUESTION_OPTIONAL_KEYS)
        code = self.code(f"{where}, code", entry["code"])
        kind = QuestionKind(entry_value(self.path, f"{where}, kind", entry["kind"], str, QuestionKind.values))
        if kind in CHOICE_KINDS and "options" not in entry:
            raise self.fail(where, f"a {kind.value} question needs options")
        if kind not in CHOICE_KINDS and "options" in entry:
            raise self.fail(where, f"a {kind.value} question has no options")
        required = entry.get("required", kind not in NOT_REQUIRED_KINDS)
        points = entry_value(self.path, f"{where}, points", entry.get("points", 0), int)
        min_value = entry.get("min_value")
        if points < 0:
            raise self.fail(f"{where}, points", "must be 0 or more")
        return {
            "code": code,
            "kind": kind,
            "text": self.text(f"{where}, text", entry["text"]),
            "help": self.text(f"{where}, help", entry["help"]) if "help" in entry else NO_HELP,
            "options": self.options(f"{where}, option", entry["options"], kind) if "options" in entry else (),
            "required": entry_value(self.path, f"{where}, required", required, bool),
            "points": points,
            "min_value": None if min_value is None else entry_value(self.path, f"{where}, min_value", min_value, int),
        }

    def sections(self, where: str, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, "must be a non-empty list of sections")
        sections, codes = [], set()
        for number, entry in enumerate(value, start=1):
            at = f"{where} {number}"
            entry_keys(self.path, at, entry, {"title", "questions"})
            if not isinstance(entry["questions"], list) or not entry["questions"]:
                raise self.fail(f"{at}, questions", "must be a non-empty list")
            questions = [self.question(at, position, question) for position, question in enumerate(entry["questions"], start=1)]
            for question in questions:
                if question["code"] in codes:
                    raise self.fail(f"{at}, question {question['code']}", "the code is used twice in this instrument")
                codes.add(question["code"])
            sections.append({"title": self.text(f"{at}, title", entry["title"]), "questions": questions})
        return sections

    def instrument(self, entry: Any) -> dict[str, Any]:
        entry_keys(self.path, "", entry, INSTRUMENT_KEYS, INSTRUMENT_OPTIONAL_KEYS)
        code = self.code("code", entry["code"])
        where = f"instrument {code}"
        purpose = Purpose(entry_value(self.path, f"{where}, purpose", entry["purpose"], str, Purpose.values))
        categories = [category[0] for category in STAKEHOLDER_CATEGORIES]
        audience = entry_codes(self.path, f"{where}, audience", entry["audience"])
        for category in audience:
            entry_value(self.path, f"{where}, audience", category, str, categories)
        if ("sections" in entry) == ("sections_from" in entry):
            raise self.fail(where, "give either sections or sections_from (the code of the instrument whose sections it repeats)")
        intro = self.text(f"{where}, intro", entry["intro"])
        if "intro_note" in entry:
            note = self.text(f"{where}, intro_note", entry["intro_note"])
            intro = (f"{note[0]} {intro[0]}", f"{note[1]} {intro[1]}", f"{note[2]} {intro[2]}")
        spec: dict[str, Any] = {"code": code, "purpose": purpose, "audience": tuple(audience)}
        for key, kind in (("is_anonymous", bool), ("min_group_size", int), ("is_default", bool), ("pass_mark_percent", int)):
            if key in entry:
                spec[key] = entry_value(self.path, f"{where}, {key}", entry[key], kind)
        if spec.get("is_default") and purpose not in DEFAULT_PURPOSES:
            raise self.fail(f"{where}, is_default", "only a session evaluation or a follow-up can be the default for sessions")
        if not 0 <= spec.get("pass_mark_percent", 0) <= 100 or spec.get("min_group_size", 1) < 1:
            raise self.fail(where, "pass_mark_percent must be 0 to 100 and min_group_size at least 1")
        spec["title"] = self.text(f"{where}, title", entry["title"])
        spec["intro"] = intro
        if "sections" in entry:
            spec["sections"] = self.sections(f"{where}, section", entry["sections"])
        else:
            spec["sections_from"] = self.code(f"{where}, sections_from", entry["sections_from"])
        return spec


def shared_read(path: Path) -> dict[str, dict[str, Any]]:
    """The shared scales and texts, checked."""
    document = entry_keys(path, "", yaml_document(path), {"scales", "texts"})
    reader = _Reader(path, {})
    for group in ("scales", "texts"):
        if not isinstance(document[group], dict):
            raise DataFileError(path, group, "must be a mapping of names to entries")
    texts = {name: entry_text(path, f"text {name}", value) for name, value in document["texts"].items()}
    scales = {}
    for name, value in document["scales"].items():
        if not isinstance(value, list):
            raise DataFileError(path, f"scale {name}", "must be a list of options")
        scales[name] = reader.options(f"scale {name}, option", value, QuestionKind.SINGLE)
    return {"scales": scales, "texts": texts}


def instruments_read(directory: Path) -> list[dict[str, Any]]:
    """Every instrument of the directory's YAML files, in the order of the file names; refuses a malformed file."""
    shared = shared_read(directory / SHARED_FILE)
    files = sorted(path for path in directory.glob("*.yaml") if path.name != SHARED_FILE)
    if not files:
        raise DataFileError(directory, "", "holds no instrument file (*.yaml)")
    specs, paths = [], {}
    for path in files:
        spec = _Reader(path, shared).instrument(yaml_document(path))
        if spec["code"] in paths:
            raise DataFileError(path, f"instrument {spec['code']}", f"the code is already used by {paths[spec['code']].name}")
        paths[spec["code"]] = path
        specs.append(spec)
    by_code = {spec["code"]: spec for spec in specs}
    for spec in specs:
        source = spec.pop("sections_from", None)
        if source is None:
            continue
        if source not in by_code or "sections" not in by_code[source]:
            raise DataFileError(
                paths[spec["code"]], f"instrument {spec['code']}, sections_from", f"no instrument {source!r} with sections of its own"
            )
        spec["sections"] = by_code[source]["sections"]
    return specs
