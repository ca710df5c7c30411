"""The priority matrix in a real browser: a coordinator reads the 2021 baseline on the heatmap, drills into a cell,
recomputes the matrix from a needs-assessment round, reads the new values and downloads the Azerbaijani PDF report;
on a phone the heatmap scrolls inside its own frame, not the page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from assessments import matrix, services
from assessments.models import CellState, MatrixCell, MatrixRule, MatrixSnapshot, Purpose, QuestionKind, SnapshotKind, SnapshotStatus
from curriculum.models import ThematicChapter
from people.models import Country, StakeholderCategory
from tests.e2e.conftest import PHONE
from tests.e2e.test_curriculum import sign_in_to_the_admin
from tests.factories.assessments import InstrumentFactory, QuestionFactory, RespondentFactory, RoundFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000
COORDINATOR = "coordinator@example.org"


def _needs_assessment_round() -> None:
    """A round of a needs-assessment questionnaire whose priority grid Azerbaijan and Georgia answered.

    Chapter 1: Azerbaijan 2 and 3 (median 2.5; 4 in 2021), Georgia 1 and 2 (median 1.5; 4 in 2021).
    Chapter 10: Georgia "not applicable" only (NA).
    """
    instrument = InstrumentFactory(
        purpose=Purpose.NEEDS_ASSESSMENT,
        title_az="Ehtiyacların qiymətləndirilməsi sorğusu",
        title_ru="Анкета оценки потребностей",
        title_en="Needs-assessment questionnaire",
    )
    grid = QuestionFactory(instrument=instrument, code="priorities", kind=QuestionKind.PRIORITY_GRID, required=False)
    survey_round = RoundFactory(title_en="Needs assessment 2026")
    survey_round.instruments.add(instrument)
    government = StakeholderCategory.objects.get(code="government")
    given = [("AZ", {1: "2", 2: "4"}), ("AZ", {1: "3"}), ("GE", {1: "1", 10: "na"}), ("GE", {1: "2", 10: "na"})]
    for code, ratings in given:
        respondent = RespondentFactory(
            round=survey_round, instrument=instrument, country=Country.objects.get(iso_code=code), category=government, language="en"
        )
        data = {f"{grid.field_name}-c{chapter}": [value] for chapter, value in ratings.items()}
        services.response_submit(respondent=respondent, data=data, language="en")


def _heatmap(page: Page) -> Locator:
    return page.locator("div.matrix-scroll[role=region] table.matrix-table")


def _heatmap_cell(page: Page, chapter: int, country: str) -> Locator:
    """The cell of the heatmap at a chapter's row and a country's column, found as a reader finds it."""
    table = _heatmap(page)
    codes = [code.strip() for code in table.locator("thead th abbr").all_text_contents()]
    assert country in codes, codes
    name = ThematicChapter.objects.get(number=chapter).name_en
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=f"{chapter}. {name}", exact=True))
    expect(row).to_have_count(1)
    return row.locator("td").nth(codes.index(country))


def _cell_of(snapshot: MatrixSnapshot, chapter: int, country: str) -> MatrixCell:
    return snapshot.cells.get(chapter__number=chapter, country__iso_code=country, category__isnull=True)


def _pdf_text(path: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def test_a_coordinator_reads_the_baseline_recomputes_the_matrix_and_downloads_the_azerbaijani_pdf(demo_site, new_page):
    baseline = matrix.baseline_load()
    _needs_assessment_round()
    UserFactory(role="coordinator", email=COORDINATOR, preferred_language="en")

    page = new_page()
    page.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(page, COORDINATOR)
    page.get_by_role("button", name="Surveys").click()
    page.get_by_role("link", name="Priority matrix", exact=True).click()
    page.wait_for_url("**/admin/matrix/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Priority matrix")

    # the 2021 values, printed in the cells: a 4, an NA, an empty cell
    expect(_heatmap(page).locator("caption")).to_contain_text(matrix.BASELINE_LABEL)
    az_one = _heatmap_cell(page, 1, "AZ")
    expect(az_one).to_have_text("4")
    expect(az_one).to_have_class(re.compile(r"\bcell-step-4\b"))
    expect(_heatmap_cell(page, 10, "MD")).to_have_text("NA")
    expect(_heatmap_cell(page, 10, "MD")).to_have_class(re.compile(r"\bcell-na\b"))
    kz_ten = _heatmap_cell(page, 10, "KZ")
    expect(kz_ten).to_have_class(re.compile(r"\bcell-empty\b"))
    expect(kz_ten.locator("[aria-hidden=true]")).to_have_text("—")
    expect(kz_ten.locator(".w-sr-only")).to_have_text("no answer")
    # not by colour alone: the page says so and the legend gives each colour and mark in words
    expect(page.get_by_text("Each cell prints its value; the colour repeats it.", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Legend", exact=True)).to_be_visible()
    legend = page.get_by_role("list", name="Legend")
    expect(legend).to_contain_text("3.5 to 4")
    expect(legend).to_contain_text("NA: not available (hatched)")
    expect(legend).to_contain_text("—: no answer")

    # drilling into chapter 1 × Azerbaijan
    baseline_cell = _cell_of(baseline, 1, "AZ")
    az_one.get_by_role("link").click()
    page.wait_for_url(f"**/admin/matrix/cells/{baseline_cell.pk}/")
    facts = page.locator("section[aria-labelledby=cell-heading]")
    expect(facts).to_contain_text(re.compile(r"Stated priority\s*4\s*\(Score\)", re.I))
    answers = page.locator("section[aria-labelledby=answers-heading]")
    expect(answers.get_by_role("heading", name="The answers behind it")).to_be_visible()
    # the platform's own answers for the cell, shown beside the printed value: one 2, one 3
    distribution = answers.get_by_role("table", name=re.compile(r"^Answers per questionnaire and stakeholder category"))
    row = distribution.get_by_role("row").filter(has_text="Needs-assessment questionnaire")
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_have_text(StakeholderCategory.objects.get(code="government").name_en)
    expect(row.locator("td")).to_have_text(["Needs-assessment questionnaire", "0", "1", "1", "0", "0", "2"])
    # the questionnaire is not anonymous: the two Azerbaijani organisations are listed with their answers
    expect(answers.get_by_role("table", name="Responding organisations and their answers").locator("tbody tr")).to_have_count(2)
    override = page.locator("section[aria-labelledby=override-heading]")
    expect(override.get_by_role("heading", name="Change this cell")).to_be_visible()
    expect(override.get_by_label("Justification")).to_be_editable()
    expect(override.get_by_role("button", name="Save the change")).to_be_visible()

    # back to the heatmap; a recompute by the median
    page.go_back()
    page.wait_for_url("**/admin/matrix/")
    recompute = page.locator("section[aria-labelledby=recompute-heading]")
    with translation.override("en"):
        median_label, done_label = str(MatrixRule.MEDIAN.label), str(SnapshotStatus.DONE.label)
    recompute.get_by_label(median_label, exact=True).check()
    recompute.get_by_role("button", name="Recompute", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/matrix/snapshots/\d+/$"))
    snapshot = MatrixSnapshot.objects.get(kind=SnapshotKind.RECOMPUTE)
    assert page.url.endswith(f"/admin/matrix/snapshots/{snapshot.pk}/")
    # Celery runs eagerly here, so it may be done already; otherwise the page refreshes itself until it is
    expect(page.get_by_role("status").filter(has_text="The snapshot is ready.")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("heading", name=f"Status: {done_label}", exact=True)).to_be_visible()
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.DONE and snapshot.rule == MatrixRule.MEDIAN

    page.get_by_role("link", name="Open its heatmap").click()
    page.wait_for_url(f"**/admin/matrix/?snapshot={snapshot.pk}")
    with translation.override("en"):  # the coordinator's admin language
        expect(_heatmap(page).locator("caption")).to_contain_text(snapshot.title)
    expect(_heatmap_cell(page, 1, "AZ")).to_have_text("2.5")
    expect(_heatmap_cell(page, 1, "GE")).to_have_text("1.5")
    expect(_heatmap_cell(page, 2, "AZ")).to_have_text("4")
    expect(_heatmap_cell(page, 10, "GE")).to_have_text("NA")
    expect(_heatmap_cell(page, 10, "KZ").locator(".w-sr-only")).to_have_text("no answer")
    assert _cell_of(snapshot, 1, "AZ").state == CellState.SCORE

    # the PDF report of that snapshot, in Azerbaijani
    page.get_by_role("navigation", name="Priority matrix pages").get_by_role("link", name="Reports (PDF, donor pack)").click()
    page.wait_for_url("**/admin/matrix/reports/")
    report_form = page.locator("section[aria-labelledby=matrix-report-heading] form")
    report_form.get_by_label("Snapshot").select_option(str(snapshot.pk))
    report_form.get_by_label("Language of the report").select_option("az")
    report_form.get_by_role("button", name="Make the PDF report").click()
    page.wait_for_url(re.compile(r"/admin/matrix/reports/jobs/\d+/$"))
    download_link = page.get_by_role("link", name="Download the PDF file")
    expect(download_link).to_be_visible(timeout=TIMEOUT)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    path = Path(download.value.path())
    assert path.read_bytes().startswith(b"%PDF")
    text = _pdf_text(path)
    if text is not None:
        chapter_one = ThematicChapter.objects.get(number=1).name_az
        assert "ə" in chapter_one
        assert chapter_one in text
        assert Country.objects.get(iso_code="AZ").name_az in text  # "Azərbaycan"
        assert Country.objects.get(iso_code="GE").name_az in text
        with translation.override("az"):  # the report's language
            assert snapshot.title in text


def test_on_a_phone_the_heatmap_scrolls_inside_its_frame_not_the_page(demo_site, new_page):
    matrix.baseline_load()
    UserFactory(role="coordinator", email=COORDINATOR, preferred_language="en")

    phone = new_page(viewport=PHONE)
    phone.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(phone, COORDINATOR)
    phone.goto("/admin/matrix/")
    expect(_heatmap_cell(phone, 1, "AZ")).to_have_text("4")
    frame = phone.locator("div.matrix-scroll[role=region]")
    expect(frame).to_have_attribute("tabindex", "0")
    overflow = phone.evaluate(
        """() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth,
                   frame: document.querySelector('div.matrix-scroll').scrollWidth,
                   frameBox: document.querySelector('div.matrix-scroll').clientWidth})"""
    )
    # the table is wider than a phone: it scrolls in its own frame, the page itself does not
    assert overflow["frame"] > overflow["frameBox"], overflow
    assert overflow["page"] <= overflow["viewport"] + 1, overflow
