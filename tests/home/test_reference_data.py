"""`load_reference_data` alone gives a production database everything it needs, idempotently, and loads nothing from a
malformed data file; `load_demo_data` adds demo content on top and changes none of it."""

from __future__ import annotations

import io
import shutil
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments import builtin
from assessments.models import (
    CellState,
    Instrument,
    InstrumentStatus,
    MatrixCell,
    MatrixSnapshot,
    Option,
    Purpose,
    Question,
    QuestionKind,
    Response,
    Round,
    Section,
    SnapshotKind,
)
from curriculum.models import ModulePage, ThematicChapter, ThematicPart
from people.models import Country, Language, Organisation, ParticipantLevel, StakeholderCategory, User

pytestmark = pytest.mark.django_db

REFERENCE_MODELS = (
    Country,
    StakeholderCategory,
    ParticipantLevel,
    Language,
    ThematicPart,
    ThematicChapter,
    Group,
    Instrument,
    Section,
    Question,
    Option,
    MatrixSnapshot,
    MatrixCell,
)
# Figures of the 2021 report's Table 7 (shared/reference/priority-matrix-2021.csv): 22 chapters x 13 countries.
TABLE_7_VALUES = {"4": 44, "3": 56, "2": 2, "1": 3, "NA": 46, "": 135}
TABLE_7_SUMS = {"AZ": 80, "BY": 37, "GE": 77, "IR": 55, "MD": 63, "TR": 39}
TABLE_7_CELLS = {(1, "AZ"): "4", (1, "IR"): "3", (10, "MD"): "NA", (18, "MD"): "1", (10, "KZ"): "", (4, "IR"): "2", (1, "UZ"): ""}


def reference_data_load() -> str:
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def reference_rows(only: dict[str, set[int]] | None = None) -> dict[str, list[dict]]:
    """Every field of every reference row (with a group's permissions), by model; `only` keeps the rows of given ids."""
    rows = {}
    for model in REFERENCE_MODELS:
        query = model.objects.order_by("pk")
        if only is not None:
            query = query.filter(pk__in=only[model.__name__])
        rows[model.__name__] = list(query.values())
        if model is Group:
            for row in rows["Group"]:
                row["permissions"] = sorted(Group.objects.get(pk=row["id"]).permissions.values_list("pk", flat=True))
    return rows


def test_load_reference_data_alone_gives_each_category_its_questionnaire_the_22_chapters_and_the_2021_baseline():
    output = reference_data_load()

    assert "survey instruments: 7" in output and "priority-matrix cells (2021 baseline): 286" in output
    for category in StakeholderCategory.objects.all():
        instrument = builtin.needs_assessment_instrument_for(category.code)
        assert instrument is not None, category.code
        assert instrument.code == builtin.NEEDS_ASSESSMENT_BY_CATEGORY.get(category.code, "na-cso")
        assert (instrument.purpose, instrument.status) == (Purpose.NEEDS_ASSESSMENT, InstrumentStatus.PUBLISHED)
        assert instrument.questions.get(code=builtin.PRIORITY_QUESTION_CODE).kind == QuestionKind.PRIORITY_GRID
    assert StakeholderCategory.objects.count() == 7
    assert ThematicChapter.objects.count() == 22 and ThematicPart.objects.count() == 2
    assert sorted(Instrument.objects.filter(is_default=True).values_list("purpose", flat=True)) == [
        Purpose.FOLLOW_UP,
        Purpose.SESSION_EVALUATION,
    ]


def test_load_reference_data_alone_stores_the_2021_baseline_with_the_figures_of_table_7():
    reference_data_load()

    baseline = MatrixSnapshot.objects.get(kind=SnapshotKind.BASELINE)
    cells = {(cell.chapter.number, cell.country.iso_code): cell for cell in baseline.cells.select_related("chapter", "country")}
    shown = {
        key: "NA" if cell.state == CellState.NOT_AVAILABLE else "" if cell.state == CellState.EMPTY else str(int(cell.value))
        for key, cell in cells.items()
    }
    assert len(cells) == 22 * 13
    assert Counter(shown.values()) == TABLE_7_VALUES
    assert {
        code: sum(int(shown[(n, code)]) for n in range(1, 23) if shown[(n, code)] not in ("", "NA")) for code in TABLE_7_SUMS
    } == TABLE_7_SUMS
    assert {key: shown[key] for key in TABLE_7_CELLS} == TABLE_7_CELLS


def test_load_reference_data_loads_no_demo_content():
    reference_data_load()

    assert (User.objects.count(), Organisation.objects.count(), ModulePage.objects.count()) == (0, 0, 0)
    assert (Round.objects.count(), Response.objects.count()) == (0, 0)


def test_load_reference_data_twice_changes_no_row_and_no_value():
    reference_data_load()
    first = reference_rows()

    reference_data_load()

    assert reference_rows() == first
    assert {name: len(rows) for name, rows in first.items()} == {
        "Country": 13,
        "StakeholderCategory": 7,
        "ParticipantLevel": 7,
        "Language": 14,
        "ThematicPart": 2,
        "ThematicChapter": 22,
        "Group": 7,  # the 5 roles and the Editors and Moderators groups of Wagtail's migrations
        "Instrument": 7,
        "Section": 27,
        "Question": 95,
        "Option": 326,
        "MatrixSnapshot": 1,
        "MatrixCell": 286,
    }


def test_a_malformed_data_file_stops_load_reference_data_with_its_name_and_loads_nothing(tmp_path, monkeypatch):
    broken = shutil.copytree(builtin.DATA_DIR, tmp_path / "instruments")
    path = broken / "30-na-media.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: likert", "kind: stars", 1), encoding="utf-8")
    monkeypatch.setattr(builtin, "DATA_DIR", broken)
    builtin.instruments.cache_clear()
    try:
        with pytest.raises(CommandError) as raised:
            reference_data_load()
    finally:
        builtin.instruments.cache_clear()

    assert str(raised.value).startswith(f"Nothing was loaded: {path}: instrument na-media, section ")
    assert "kind: must be one of" in str(raised.value)
    assert (Country.objects.count(), ThematicChapter.objects.count(), Instrument.objects.count()) == (0, 0, 0)


def test_load_demo_data_adds_demo_content_and_leaves_the_reference_rows_as_they_were():
    reference_data_load()
    before = reference_rows()
    ids = {name: {row["id"] for row in rows} for name, rows in before.items()}

    call_command("load_demo_data", stdout=io.StringIO())

    assert reference_rows(only=ids) == before
    assert User.objects.exists() and ModulePage.objects.exists() and Round.objects.exists()
