"""The people app's reference lists come from its CSV files, in their order; a malformed file is refused by name and line."""

from __future__ import annotations

import pytest

from lib.data_files import DataFileError
from people import reference


def test_the_files_give_the_13_countries_in_the_report_s_order_and_the_other_lists():
    assert [row[0] for row in reference.COUNTRIES] == ["AZ", "BY", "GE", "IR", "KZ", "KG", "MD", "RU", "TJ", "TR", "TM", "UA", "UZ"]
    assert reference.COUNTRIES[9] == ("TR", "Türkiyə", "Турция", "Türkiye")
    assert [row[0] for row in reference.STAKEHOLDER_CATEGORIES] == [
        "government",
        "cso",
        "media",
        "hei",
        "io",
        "migrant_association",
        "private",
    ]
    assert [(code, axis) for code, axis, *_names in reference.PARTICIPANT_LEVELS][3:5] == [
        ("researcher", "seniority"),
        ("policy", "policy_cycle"),
    ]
    assert [row[0] for row in reference.LANGUAGES][:3] == ["az", "ru", "en"] and len(reference.LANGUAGES) == 14


def test_a_country_listed_twice_is_refused_naming_the_file_and_line(tmp_path):
    path = tmp_path / "countries.csv"
    path.write_text(
        "iso_code,name_az,name_ru,name_en\nAZ,Azərbaycan,Азербайджан,Azerbaijan\nAZ,Gürcüstan,Грузия,Georgia\n", encoding="utf-8"
    )

    with pytest.raises(DataFileError) as raised:
        reference.named_rows_read(path, "iso_code")

    assert str(raised.value) == f"{path}: line 3: iso_code 'AZ' is already used on line 2"


def test_a_level_on_an_unknown_axis_is_refused(tmp_path):
    path = tmp_path / "participant-levels.csv"
    path.write_text("code,axis,name_az,name_ru,name_en\nsenior,rank,a,b,c\n", encoding="utf-8")

    with pytest.raises(DataFileError) as raised:
        reference.named_rows_read(path, "code", "axis", allowed={"axis": reference.LEVEL_AXES})

    assert str(raised.value) == f"{path}: line 2 (senior): axis must be one of seniority, policy_cycle, not 'rank'"
