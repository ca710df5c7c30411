"""Uploaded workbooks are measured before they are opened: a zip bomb is refused with a message, not unpacked."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from curriculum.models import SessionApplication
from experts.models import ExpertProfile
from lib.uploads import xlsx_archive_check
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory, TrainingSessionFactory

REPOSITORY = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEMORY_BUDGET_MB = 200
TOO_BIG = "unpacks to far more data"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook_bytes(*, rows: int, cells_per_row: int, extra_members: int = 0) -> bytes:
    """A valid one-sheet workbook whose sheet repeats `rows` rows of `cells_per_row` text cells, deflated at the highest level."""
    cell = b'<c t="inlineStr"><is><t>x</t></is></c>'
    row = b"<row>" + cell * cells_per_row + b"</row>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELATIONSHIPS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONSHIPS)
        for number in range(extra_members):
            archive.writestr(f"xl/media/note{number}.txt", "")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for _row in range(rows):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 240 MB of sheet XML (16 rows of 400,000 cells) packed into a few hundred KB: openpyxl would build each row whole."""
    data = workbook_bytes(rows=16, cells_per_row=400_000)
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    path.write_bytes(data)
    return path


def test_the_crafted_bomb_is_a_small_file_that_unpacks_to_hundreds_of_megabytes(zip_bomb):
    members = zipfile.ZipFile(zip_bomb).infolist()

    assert zip_bomb.stat().st_size < 1024 * 1024
    assert sum(member.file_size for member in members) > 200 * 1024 * 1024


def test_an_ordinary_workbook_passes_the_archive_check():
    xlsx_archive_check(workbook_bytes(rows=200, cells_per_row=9))


def test_a_workbook_over_the_uncompressed_limit_is_refused(settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 100_000

    with pytest.raises(ValidationError) as refused:
        xlsx_archive_check(workbook_bytes(rows=5_000, cells_per_row=1))

    assert refused.value.code == "workbook_too_big"


def test_a_workbook_packed_beyond_the_ratio_is_refused_even_under_the_size_limit(settings):
    # 2.4 MB of identical cells pack about 500 to 1: within 50 MB, but no spreadsheet of real data packs so tightly
    data = workbook_bytes(rows=64, cells_per_row=1_000)

    with pytest.raises(ValidationError) as refused:
        xlsx_archive_check(data)

    assert refused.value.code == "workbook_too_big"
    settings.SPREADSHEET_MAX_COMPRESSION_RATIO = 10_000
    xlsx_archive_check(data)


def test_a_workbook_of_too_many_members_is_refused(settings):
    settings.SPREADSHEET_MAX_MEMBERS = 20

    with pytest.raises(ValidationError) as refused:
        xlsx_archive_check(workbook_bytes(rows=1, cells_per_row=1, extra_members=20))

    assert refused.value.code == "workbook_too_big"


def test_a_file_that_is_not_a_zip_archive_is_refused_as_not_a_workbook():
    with pytest.raises(ValidationError) as refused:
        xlsx_archive_check(b"email,first_name\n")

    assert refused.value.code == "not_a_workbook"


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_roster_import_refuses_the_bomb_with_a_message(as_coordinator, zip_bomb):
    upload = SimpleUploadedFile("roster.xlsx", zip_bomb.read_bytes(), content_type=XLSX)

    response = as_coordinator.post("/admin/roster/import/", {"file": upload})

    assert response.status_code == 400
    # the message names the limit, in the admin's language
    assert "50 MB" in response.context["report"].file_error
    assert "50 MB" in response.content.decode()
    assert not ExpertProfile.objects.exists()


def test_the_session_enrolment_import_refuses_the_bomb_with_a_message(as_coordinator, zip_bomb, site):
    module = ModulePageFactory(parent=CurriculumPartPageFactory(parent=CurriculumIndexPageFactory()))
    session = TrainingSessionFactory(module=module)
    upload = SimpleUploadedFile("participants.xlsx", zip_bomb.read_bytes(), content_type=XLSX)

    response = as_coordinator.post(f"/admin/sessions/{session.pk}/enrol/", {"file": upload})

    assert response.status_code == 400
    # the message names the limit, in the admin's language
    assert "50 MB" in response.context["report"].file_error
    assert "50 MB" in response.content.decode()
    assert not SessionApplication.objects.exists()


# Runs in a fresh interpreter, so its peak resident memory is the import's alone; the parsers and Django are loaded first.
_MEASURE = """
import json, resource, sys
import django
django.setup()
from django.utils import translation
translation.activate("en")
import openpyxl  # noqa: F401
from curriculum.bulk_enrolment import enrolment_import_parse
from curriculum.models import TrainingSession
from experts.spreadsheets import roster_import_parse
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "roster":
    report = roster_import_parse(file=data, filename="roster.xlsx")
else:
    report = enrolment_import_parse(session=TrainingSession(), file=data, filename="participants.xlsx")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grown_mb": (after - before) / 1024, "error": report.file_error}))
"""


@pytest.mark.parametrize("importer", ["roster", "enrolment"])
def test_reading_the_bomb_grows_the_process_by_less_than_200_mb(zip_bomb, importer):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(REPOSITORY)}

    finished = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(zip_bomb), importer],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )

    measured = json.loads(finished.stdout.strip().splitlines()[-1])
    assert measured["grown_mb"] < MEMORY_BUDGET_MB, measured
    assert TOO_BIG in measured["error"]
