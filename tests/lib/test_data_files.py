"""The data-file readers: a malformed CSV or YAML file is refused with a message naming the file, the entry and the fault."""

from __future__ import annotations

import pytest

from lib.data_files import DataFileError, csv_integer, csv_rows, csv_unique, entry_keys, entry_text, entry_value, yaml_document

COLUMNS = ("code", "name_az", "name_ru", "name_en")


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_well_formed_csv_gives_its_rows_with_their_line_numbers(tmp_path):
    path = write(tmp_path, "ok.csv", "code,name_az,name_ru,name_en\nhei,Ali təhsil,Высшее образование,Higher education\n")

    assert csv_rows(path, COLUMNS) == [
        (2, {"code": "hei", "name_az": "Ali təhsil", "name_ru": "Высшее образование", "name_en": "Higher education"})
    ]


def test_a_csv_with_another_header_is_refused_naming_the_expected_columns(tmp_path):
    path = write(tmp_path, "header.csv", "code,az,ru,en\nhei,a,b,c\n")

    with pytest.raises(DataFileError) as raised:
        csv_rows(path, COLUMNS)

    assert str(raised.value) == f"{path}: line 1: the header must be code,name_az,name_ru,name_en, not code,az,ru,en"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("hei,Ali təhsil,Высшее", "line 3: a row needs exactly 4 cells"),
        ("hei,Ali təhsil,Высшее,Higher,extra", "line 3: a row needs exactly 4 cells"),
        ("hei,Ali təhsil, ,Higher education", "line 3: empty cell in column name_ru"),
    ],
)
def test_a_csv_row_with_a_missing_extra_or_empty_cell_is_refused_naming_its_line(tmp_path, row, problem):
    path = write(tmp_path, "rows.csv", f"code,name_az,name_ru,name_en\nio,a,b,c\n{row}\n")

    with pytest.raises(DataFileError, match=problem) as raised:
        csv_rows(path, COLUMNS)

    assert str(raised.value).startswith(f"{path}: line 3: ")


def test_a_csv_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"code,name_az,name_ru,name_en\nhei,T\xfcrkiye,b,c\n")  # "Türkiye" saved as Latin-1, not UTF-8

    with pytest.raises(DataFileError, match="not UTF-8 text"):
        csv_rows(path, COLUMNS)


def test_a_repeated_key_and_a_number_that_is_not_whole_are_refused_naming_both_lines(tmp_path):
    path = write(tmp_path, "twice.csv", "code,name_az,name_ru,name_en\nio,a,b,c\nhei,a,b,c\nio,d,e,f\n")
    rows = csv_rows(path, COLUMNS)

    with pytest.raises(DataFileError) as raised:
        csv_unique(path, rows, "code")
    with pytest.raises(DataFileError) as not_whole:
        csv_integer(path, 4, "number", "4.5")

    assert str(raised.value) == f"{path}: line 4: code 'io' is already used on line 2"
    assert str(not_whole.value) == f"{path}: line 4: number must be a whole number, not '4.5'"


def test_a_yaml_syntax_error_is_refused_naming_its_line(tmp_path):
    path = write(tmp_path, "broken.yaml", "code: x\ntitle:\n  az: a\n  ru: [b\n  en: c\n")

    with pytest.raises(DataFileError) as raised:
        yaml_document(path)

    assert str(raised.value).startswith(f"{path}: line ")
    assert "not valid YAML" in str(raised.value)


def test_yaml_is_read_safely_so_a_python_tag_is_refused_not_run(tmp_path):
    path = write(tmp_path, "tag.yaml", "code: !!python/object/apply:os.system ['echo hacked']\n")

    with pytest.raises(DataFileError, match="not valid YAML"):
        yaml_document(path)


def test_an_unquoted_no_read_as_false_is_refused_with_a_hint_about_quotes(tmp_path):
    path = write(tmp_path, "no.yaml", "az: Xeyr\nru: Нет\nen: No\n")

    with pytest.raises(DataFileError) as raised:
        entry_text(path, "question q, option 2", yaml_document(path))

    assert str(raised.value).startswith(f"{path}: question q, option 2, en: must be a non-empty text, not False")
    assert '"quotes"' in str(raised.value)


def test_a_text_without_one_of_the_three_languages_is_refused(tmp_path):
    with pytest.raises(DataFileError, match="title: a text needs exactly the keys az, ru and en"):
        entry_text(tmp_path / "x.yaml", "title", {"az": "a", "en": "c"})


def test_missing_and_unknown_keys_are_named(tmp_path):
    with pytest.raises(DataFileError) as raised:
        entry_keys(tmp_path / "x.yaml", "question 3", {"code": "a", "txet": "b"}, {"code", "text"}, {"help"})

    assert str(raised.value).endswith("question 3: missing text; unknown key txet")


def test_a_value_outside_the_allowed_ones_or_of_another_type_is_refused(tmp_path):
    path = tmp_path / "x.yaml"

    assert entry_value(path, "kind", "single", str, ["single", "multiple"]) == "single"
    with pytest.raises(DataFileError, match="kind: must be one of single, multiple, not 'singel'"):
        entry_value(path, "kind", "singel", str, ["single", "multiple"])
    with pytest.raises(DataFileError, match="points: must be a whole number, not True"):
        entry_value(path, "points", True, int)
    with pytest.raises(DataFileError, match="required: must be true or false, not 'yes please'"):
        entry_value(path, "required", "yes please", bool)
