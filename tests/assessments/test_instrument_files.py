"""The built-in instruments as data files: the files give the checked questionnaires, and a malformed file is refused
with a message naming the file and the entry, before anything is written."""

from __future__ import annotations

import shutil

import pytest

from assessments import builtin
from assessments.instrument_files import instruments_read
from assessments.models import Instrument
from lib.data_files import DataFileError

# (sections, questions, options) of each instrument, counted when the instruments moved from Python to the files.
SHAPES = {
    "na-government": (11, 41, 118),
    "na-cso": (7, 15, 50),
    "na-media": (3, 11, 51),
    "session-evaluation": (3, 10, 30),
    "knowledge-test-template-pre": (1, 6, 24),
    "knowledge-test-template-post": (1, 6, 24),
    "follow-up": (1, 6, 29),
}


@pytest.fixture
def instruments_dir(tmp_path):
    """A copy of the real instrument files to break."""
    return shutil.copytree(builtin.DATA_DIR, tmp_path / "instruments")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def shape(spec: dict) -> tuple[int, int, int]:
    questions = [question for section in spec["sections"] for question in section["questions"]]
    return len(spec["sections"]), len(questions), sum(len(question["options"]) for question in questions)


def test_the_files_give_the_seven_instruments_in_their_order_and_shape():
    specs = instruments_read(builtin.DATA_DIR)

    assert {spec["code"]: shape(spec) for spec in specs} == SHAPES
    assert [spec["code"] for spec in specs] == list(SHAPES)


def test_shared_scales_and_texts_are_filled_in_where_a_question_names_them():
    government = instruments_read(builtin.DATA_DIR)[0]
    questions = {question["code"]: question for section in government["sections"] for question in section["questions"]}

    assert questions["sdg_guidance"]["options"][1] == (
        "to_some_extent",
        "Bəli, müəyyən dərəcədə",
        "Да, в некоторой степени",
        "Yes, to some extent",
    )
    assert questions["challenges"]["help"][2] == "Choose all that apply."


def test_the_post_test_repeats_the_pre_test_s_questions_and_both_intros_start_with_the_template_note():
    specs = {spec["code"]: spec for spec in instruments_read(builtin.DATA_DIR)}
    pre, post = specs["knowledge-test-template-pre"], specs["knowledge-test-template-post"]

    assert post["sections"] == pre["sections"]
    assert post["pass_mark_percent"] == 60 and "pass_mark_percent" not in pre
    for index, note in enumerate(builtin.TEMPLATE_NOTE):
        assert note.startswith(("Şablon:", "Шаблон:", "Template:")[index])
        assert pre["intro"][index].startswith(note + " ") and post["intro"][index].startswith(note + " ")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "10-na-government.yaml",
            "            en: 'No'\n",
            "            en: No\n",
            "instrument na-government, section 1, question migration_strategy, option 3, en: must be a non-empty text, not False",
        ),
        (
            "20-na-cso.yaml",
            "kind: single",
            "kind: singel",
            "instrument na-cso, section 1, question organisation_type, kind: must be one of",
        ),
        (
            "10-na-government.yaml",
            "options: guidance",
            "options: guidence",
            "question sdg_guidance, option: 'guidence' is not a scale of shared.yaml",
        ),
        (
            "10-na-government.yaml",
            "help: all_that_apply\n",
            "help: all_that_aply\n",
            "help: 'all_that_aply' is not a shared text of shared.yaml",
        ),
        (
            "50-knowledge-test-template-pre.yaml",
            "            correct: true\n",
            "            correct: false\n",
            "question gcm, option: a knowledge question needs at least one correct option",
        ),
        ("70-follow-up.yaml", "- code: use_ways", "- code: use_extent", "question use_extent: the code is used twice in this instrument"),
        (
            "10-na-government.yaml",
            "audience: [government]",
            "audience: [goverment]",
            "instrument na-government, audience: must be one of government,",
        ),
        (
            "60-knowledge-test-template-post.yaml",
            "sections_from: knowledge-test-template-pre",
            "sections_from: knowledge-test-template",
            "sections_from: no instrument 'knowledge-test-template' with sections of its own",
        ),
        ("20-na-cso.yaml", "        options:\n", "        choices:\n", "question organisation_type: unknown key choices"),
        (
            "70-follow-up.yaml",
            "- code: example\n        kind: long_text",
            "- code: example\n        kind: single",
            "question example: a single question needs options",
        ),
        ("70-follow-up.yaml", "code: follow-up", "code: na-cso", "instrument na-cso: the code is already used by 20-na-cso.yaml"),
        (
            "40-session-evaluation.yaml",
            "purpose: session_evaluation",
            "purpose: needs_assessment",
            "is_default: only a session evaluation or a follow-up",
        ),
    ],
)
def test_a_malformed_instrument_file_is_refused_naming_the_file_and_the_entry(instruments_dir, file, old, new, message):
    edit(instruments_dir / file, old, new)

    with pytest.raises(DataFileError) as raised:
        instruments_read(instruments_dir)

    assert str(raised.value).startswith(f"{instruments_dir / file}: ")
    assert message in str(raised.value)


def test_a_yaml_syntax_error_in_the_shared_file_names_the_file_and_line(instruments_dir):
    edit(instruments_dir / "shared.yaml", "  yes_no:\n", "  yes_no: [\n")

    with pytest.raises(DataFileError) as raised:
        instruments_read(instruments_dir)

    assert str(raised.value).startswith(f"{instruments_dir / 'shared.yaml'}: line ")


@pytest.mark.django_db
def test_a_malformed_file_stops_the_load_before_any_instrument_is_written(reference_data, instruments_dir, monkeypatch):
    edit(instruments_dir / "70-follow-up.yaml", "kind: likert", "kind: stars")
    monkeypatch.setattr(builtin, "DATA_DIR", instruments_dir)
    builtin.instruments.cache_clear()
    try:
        with pytest.raises(DataFileError) as raised:
            builtin.load()
    finally:
        builtin.instruments.cache_clear()

    assert str(raised.value).startswith(f"{instruments_dir / '70-follow-up.yaml'}: instrument follow-up, section 1, question ")
    assert not Instrument.objects.exists()
