"""Spreadsheet files as rows of text and back: XLSX and CSV reading, writing, and Excel formula escaping.

A file-level problem (wrong format, too large, damaged, a control character) is a `_FileError` whose message is shown
to the person who uploaded the file; a data row that cannot be used is an `InvalidRow` with every reason.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from lib.uploads import xlsx_archive_check

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_DATA_ROWS = 5000
# Rows read before giving up on a sheet, blank ones included: a small compressed file can hold millions of empty rows.
MAX_SCANNED_ROWS = 100_000
FORMATS = ("xlsx", "csv")
# Excel runs a cell that starts with one of these as a formula; CSV exports quote them with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class InvalidRow:
    """A row that cannot be imported, with every reason."""

    row_number: int
    reasons: tuple[str, ...]

    @property
    def messages(self) -> list[str]:
        """The reasons as sentences that name the row."""
        return [_("Row %(row)s: %(reason)s") % {"row": self.row_number, "reason": reason} for reason in self.reasons]


# --- Reading a file into rows of text ----------------------------------------------------------


class _FileError(Exception):
    """A problem with the whole file; its message is shown to the coordinator."""


def _cell_text(value: object) -> str:
    """A spreadsheet cell as trimmed NFC text (Excel numbers, dates and booleans written the way the layout spells them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat()
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return unicodedata.normalize("NFC", text).strip()


def _row_texts(number: int, values: Iterable[object]) -> list[str]:
    """A row's cells as text; a control character (a NUL above all, which PostgreSQL refuses) makes the file invalid."""
    texts = [_cell_text(value) for value in values]
    for text in texts:
        found = _CONTROL_CHARACTERS.search(text)
        if found:
            raise _FileError(
                _("Row %(row)s holds a control character (U+%(code)04X), which no field accepts; remove it and upload the file again.")
                % {"row": number, "code": ord(found.group())}
            )
    return texts


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The rows of the workbook's first sheet, numbered as Excel numbers them."""
    from openpyxl import load_workbook

    try:
        xlsx_archive_check(data)
    except ValidationError as error:
        raise _FileError(error.messages[0]) from error
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises a dozen types (zip, XML, key, value) for a damaged file
        raise _FileError(_("The file could not be read as an Excel workbook (.xlsx); it may be damaged or in another format.")) from error
    try:
        if not workbook.worksheets:
            raise _FileError(_("The file is empty."))
        sheet = workbook.worksheets[0]
        # The stored dimensions may claim thousands of columns (a whole formatted column): read the cells that exist.
        sheet.reset_dimensions()
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_SCANNED_ROWS:
                    raise _FileError(_("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": MAX_DATA_ROWS})
                yield number, _row_texts(number, values)
        except _FileError:
            raise
        except Exception as error:  # a damaged sheet fails while it is being read, with the same variety of errors
            raise _FileError(
                _("The file could not be read as an Excel workbook (.xlsx); it may be damaged or in another format.")
            ) from error
    finally:
        workbook.close()


def _csv_unquote(text: str) -> str:
    """Undo the apostrophe the export puts before text Excel would run as a formula."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The records of a UTF-8 CSV file (with or without BOM), comma-, semicolon- or tab-separated."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _FileError(_("The file is not UTF-8 text; in Excel, save it as “CSV UTF-8 (comma delimited)”.")) from error
    first_line = text.split("\n", 1)[0]
    # Excel in Russian and Azerbaijani settings separates CSV columns with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            if number > MAX_SCANNED_ROWS:
                raise _FileError(_("The file has more than %(limit)s rows; split it into smaller files.") % {"limit": MAX_DATA_ROWS})
            yield number, [_csv_unquote(text) for text in _row_texts(number, values)]
    except csv.Error as error:
        raise _FileError(_("The file could not be read as CSV: %(error)s") % {"error": error}) from error


def _header_key(text: str) -> str:
    """A column name as the layout spells it: trimmed, lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def header_keys(values: list[str], *, known: list[str] | tuple[str, ...], required: Iterable[str], unknown: list[str]) -> list[str | None]:
    """A spreadsheet's column keys by position (None for a column not in `known`, whose name goes to `unknown`).

    A repeated column, or a required one missing, makes the whole file invalid (`_FileError`).
    """
    header: list[str | None] = []
    for name in values:
        key = _header_key(name)
        if key in known:
            if key in header:
                raise _FileError(_("The column “%(column)s” appears more than once.") % {"column": key})
            header.append(key)
        else:
            header.append(None)
            if name:
                unknown.append(name)
    missing = [key for key in required if key not in header]
    if missing:
        raise _FileError(
            _("Required columns are missing: %(columns)s. The first row must name the columns: %(layout)s.")
            % {"columns": ", ".join(missing), "layout": ", ".join(known)}
        )
    return header


# --- Checking an upload ----------------------------------------------------------------------------


def _file_bytes(file: UploadedFile | bytes) -> bytes:
    """The content of the upload, reading at most one byte past the size limit."""
    if isinstance(file, bytes | bytearray):
        return bytes(file)
    if file.size is not None and file.size > MAX_FILE_SIZE:
        raise _FileError(_("The file is larger than 5 MB; split it into smaller files."))
    file.seek(0)
    return file.read(MAX_FILE_SIZE + 1)


def checked_upload(file: UploadedFile | bytes, name: str) -> tuple[str, bytes]:
    """An uploaded spreadsheet's format and bytes; a wrong extension, a file over 5 MB or an empty one is a `_FileError`."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise _FileError(_("Upload an .xlsx or .csv file; “%(name)s” is neither.") % {"name": name or "?"})
    data = _file_bytes(file)
    if len(data) > MAX_FILE_SIZE:
        raise _FileError(_("The file is larger than 5 MB; split it into smaller files."))
    if not data.strip():
        raise _FileError(_("The file is empty."))
    return extension, data


# --- Writing rows to a file ----------------------------------------------------------------------


def _xlsx_bytes(rows: Iterable[list[str]], *, title: str, widths: Iterable[int]) -> bytes:
    """The rows as a one-sheet workbook named `title`, header in bold and frozen, columns `widths` characters wide."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row_index, values in enumerate(rows, start=1):
        for column_index, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_index, column=column_index, value=_CONTROL_CHARACTERS.sub("", value) or None)
            # Text stays text: a bio that starts with "=" must not become a formula in the coordinator's Excel.
            if cell.value is not None:
                cell.data_type = "s"
            if row_index == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column_index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column_index)].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _csv_quote(text: str) -> str:
    """Put an apostrophe before text Excel would otherwise run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_bytes(rows: Iterable[list[str]]) -> bytes:
    """The rows as comma-separated UTF-8 with a byte order mark."""
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    for values in rows:
        writer.writerow([_csv_quote(value) for value in values])
    # The BOM tells Excel the file is UTF-8, so Azerbaijani and Cyrillic letters open correctly.
    return output.getvalue().encode("utf-8-sig")
