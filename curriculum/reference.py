"""The 22 thematic chapters of the 2021 priority matrix (Table 7) in their two parts, read from curriculum/data/.

Source: the 2021 needs assessment, section 3.1 of the project's digest. Part 1 holds chapters 1-9,
part 2 chapters 10-22, as in the draft curriculum. The files are small and read once, when this
module is imported.
"""

from __future__ import annotations

from pathlib import Path

from lib.data_files import DataFileError, csv_integer, csv_rows, csv_unique

DATA_DIR = Path(__file__).resolve().parent / "data"
NAMES = ("name_az", "name_ru", "name_en")


def parts_read(path: Path) -> list[tuple[int, str, str, str]]:
    """The parts: (number, az, ru, en)."""
    rows = csv_rows(path, ("number", *NAMES))
    csv_unique(path, rows, "number")
    return [(csv_integer(path, line, "number", row["number"]), row["name_az"], row["name_ru"], row["name_en"]) for line, row in rows]


def chapters_read(path: Path, part_numbers: set[int]) -> list[tuple[int, int, str, str, str]]:
    """The chapters: (number, part, az, ru, en), each in one of the parts."""
    rows = csv_rows(path, ("number", "part", *NAMES))
    csv_unique(path, rows, "number")
    chapters = []
    for line, row in rows:
        part = csv_integer(path, line, "part", row["part"])
        if part not in part_numbers:
            raise DataFileError(path, f"line {line}", f"part {part} is not in parts.csv")
        chapters.append((csv_integer(path, line, "number", row["number"]), part, row["name_az"], row["name_ru"], row["name_en"]))
    return chapters


# (number, Azerbaijani, Russian, English)
PARTS: list[tuple[int, str, str, str]] = parts_read(DATA_DIR / "parts.csv")
# (number, part, Azerbaijani, Russian, English)
CHAPTERS: list[tuple[int, int, str, str, str]] = chapters_read(DATA_DIR / "chapters.csv", {number for number, *_names in PARTS})
