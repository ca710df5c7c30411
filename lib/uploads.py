"""Checks on uploaded workbooks before a parser opens them: an XLSX file is a zip archive, and a zip can be a bomb."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Members this small cannot exhaust anything, whatever their compression ratio (an empty sheet packs 100 to 1).
RATIO_CHECKED_FROM = 1024 * 1024


def xlsx_archive_check(data: bytes) -> None:
    """Refuse (ValidationError) a workbook that unpacks to more than the limits allow, before any parser reads it.

    The sizes are those the archive declares: Python's zipfile, which openpyxl reads through, stops a member at its
    declared size and fails its checksum, so an archive that lies about them fails to read instead of growing.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ValidationError(
            _("The file could not be read as an Excel workbook (.xlsx); it may be damaged or in another format."), code="not_a_workbook"
        ) from error
    if len(members) > settings.SPREADSHEET_MAX_MEMBERS:
        raise _too_big()
    total = sum(member.file_size for member in members)
    if total > settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    for member in members:
        if member.file_size >= RATIO_CHECKED_FROM and member.file_size > settings.SPREADSHEET_MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise _too_big()


def _too_big() -> ValidationError:
    return ValidationError(
        _(
            "The workbook unpacks to far more data than a spreadsheet of this size holds (over %(limit)s MB, or packed "
            "unusually tightly), so it was not opened. Save it again from Excel, or split it into smaller files."
        )
        % {"limit": settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)},
        code="workbook_too_big",
    )
