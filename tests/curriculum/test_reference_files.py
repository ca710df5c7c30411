"""Parts, chapters and the 2021 draft curriculum come from curriculum/data/; a malformed file is refused by name and entry."""

from __future__ import annotations

import shutil

import pytest

from curriculum import draft_curriculum, reference
from lib.data_files import DataFileError


def test_the_files_give_the_two_parts_and_the_22_chapters():
    assert [number for number, *_names in reference.PARTS] == [1, 2]
    assert [(number, part) for number, part, *_names in reference.CHAPTERS] == [(n, 1 if n <= 9 else 2) for n in range(1, 23)]
    assert reference.CHAPTERS[2] == (3, 1, "Beynəlxalq miqrasiya hüququ", "Международное миграционное право", "International migration law")


def test_a_chapter_in_a_part_that_does_not_exist_is_refused(tmp_path):
    path = tmp_path / "chapters.csv"
    path.write_text("number,part,name_az,name_ru,name_en\n1,1,a,b,c\n23,3,d,e,f\n", encoding="utf-8")

    with pytest.raises(DataFileError) as raised:
        reference.chapters_read(path, {1, 2})

    assert str(raised.value) == f"{path}: line 3: part 3 is not in parts.csv"


def test_a_part_numbered_with_a_word_is_refused(tmp_path):
    path = tmp_path / "parts.csv"
    path.write_text("number,name_az,name_ru,name_en\none,a,b,c\n", encoding="utf-8")

    with pytest.raises(DataFileError, match="line 2: number must be a whole number, not 'one'"):
        reference.parts_read(path)


@pytest.fixture
def draft_file(tmp_path):
    """A copy of the real draft-curriculum file to break."""
    return shutil.copy(draft_curriculum.DATA_FILE, tmp_path / "draft.yaml")


def test_the_draft_file_gives_the_17_modules_and_the_chapters_without_one(draft_file):
    modules, missing = draft_curriculum.draft_curriculum_read(draft_file)

    assert len(modules) == 17 and sum(len(module["activities"]) for module in modules) == 56
    assert missing == [7, 10, 15, 17, 19]
    first = modules[0]["activities"][0]
    assert (first["number"], first["kind"], first["audience_note"], first["duplicate_of"]) == ("1.1", "policy_dialogue", None, None)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("      - number: '1.1'\n", "      - number: 1.1\n", "module M1, activity 1, number: must be a text, not 1.1"),
        ("        kind: training\n", "        kind: lecture\n", "module M1, activity 1.2, kind: must be one of training,"),
        ("    format: policy_dialogue\n", "    format: webinar\n", "module M1, format: must be one of training_course,"),
        ("    summary:\n", "    resume:\n", "module M1: missing summary; unknown key resume"),
        ("  - code: M2\n", "  - code: M1\n", "module M1: the code is used by more than one module"),
        ("        levels: [policy]\n", "        levels: policy\n", "module M1, activity 1.1, levels: must be a list of codes"),
        ("missing_chapters: [7, 10, 15, 17, 19]", "missing_chapters: [7, 10, 15, 17, 19", "not valid YAML"),
    ],
)
def test_a_malformed_draft_curriculum_is_refused_naming_the_module_and_activity(draft_file, old, new, message):
    text = draft_file.read_text(encoding="utf-8")
    assert old in text
    draft_file.write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(DataFileError) as raised:
        draft_curriculum.draft_curriculum_read(draft_file)

    assert str(raised.value).startswith(f"{draft_file}: ")
    assert message in str(raised.value)
