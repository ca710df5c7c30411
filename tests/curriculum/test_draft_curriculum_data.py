"""The 2021 draft curriculum data is complete, trilingual and uses only the platform's codes."""

import re
from collections import Counter

from curriculum.draft_curriculum import DRAFT_CURRICULUM, MISSING_CHAPTERS
from curriculum.reference import CHAPTERS

AUDIENCES = {"government", "cso", "media", "hei", "io", "migrant_association", "private"}
LEVELS = {"policy", "implementation", "research", "senior", "middle", "practitioner", "researcher"}
KINDS = {"training", "policy_dialogue", "seminar", "presentation", "good_practice_exchange", "media_briefing", "research"}
FORMATS = {"training_course", "policy_dialogue", "seminar", "media_briefing"}
KIND_FORMAT = {
    "training": "training_course",
    "policy_dialogue": "policy_dialogue",
    "seminar": "seminar",
    "presentation": "seminar",
    "good_practice_exchange": "seminar",
    "research": "seminar",
    "media_briefing": "media_briefing",
}
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

ACTIVITIES = [activity for module in DRAFT_CURRICULUM for activity in module["activities"]]


def trilingual_texts() -> list[dict]:
    texts = []
    for module in DRAFT_CURRICULUM:
        texts += [module["title"], module["summary"]]
        for activity in module["activities"]:
            texts += [activity["title"]] + [note for note in (activity["audience_note"], activity["level_note"]) if note]
    return texts


def test_draft_has_seventeen_modules():
    assert len(DRAFT_CURRICULUM) == 17


def test_draft_has_fifty_six_activity_lines():
    assert len(ACTIVITIES) == 56


def test_module_codes_follow_their_chapter_numbers():
    assert [module["code"] for module in DRAFT_CURRICULUM] == [f"M{module['chapter']}" for module in DRAFT_CURRICULUM]


def test_modules_sit_in_the_part_of_their_chapter():
    part_of_chapter = {number: part for number, part, *_ in CHAPTERS}
    assert all(module["part"] == part_of_chapter[module["chapter"]] for module in DRAFT_CURRICULUM)
    assert {module["part"] for module in DRAFT_CURRICULUM if module["chapter"] <= 9} == {1}
    assert {module["part"] for module in DRAFT_CURRICULUM if module["chapter"] >= 10} == {2}


def test_missing_chapters_are_exactly_those_without_a_module():
    chapters_with_module = {module["chapter"] for module in DRAFT_CURRICULUM}
    assert sorted(MISSING_CHAPTERS) == [7, 10, 15, 17, 19]
    assert chapters_with_module.isdisjoint(MISSING_CHAPTERS)
    assert chapters_with_module | set(MISSING_CHAPTERS) == set(range(1, 23))


def test_every_title_summary_and_note_is_written_in_az_ru_and_en():
    for text in trilingual_texts():
        assert set(text) == {"az", "ru", "en"}, text
        assert all(isinstance(value, str) and value.strip() for value in text.values()), text


def test_azerbaijani_text_carries_no_pdf_bullet_glyphs():
    assert [text["az"] for text in trilingual_texts() if PRIVATE_USE.search(text["az"])] == []


def test_azerbaijani_text_has_no_double_or_stray_spaces():
    assert [text["az"] for text in trilingual_texts() if "  " in text["az"] or text["az"] != text["az"].strip()] == []


def test_audience_and_level_codes_come_from_the_allowed_sets():
    for activity in ACTIVITIES:
        assert set(activity["audiences"]) <= AUDIENCES, activity["number"]
        assert set(activity["levels"]) <= LEVELS, activity["number"]
        assert len(set(activity["audiences"])) == len(activity["audiences"]), activity["number"]


def test_level_note_is_given_exactly_when_no_level_is_stated():
    for activity in ACTIVITIES:
        assert (activity["level_note"] is not None) == (activity["levels"] == []), activity["number"]


def test_activity_numbers_are_unique_and_start_with_their_chapter():
    assert len({activity["number"] for activity in ACTIVITIES}) == len(ACTIVITIES)
    for module in DRAFT_CURRICULUM:
        for activity in module["activities"]:
            assert activity["number"].split(".")[0] == str(module["chapter"]), activity["number"]


def test_duplicates_point_to_an_earlier_activity():
    seen: set[str] = set()
    duplicates = []
    for activity in ACTIVITIES:
        if activity["duplicate_of"] is not None:
            assert activity["duplicate_of"] in seen, activity["number"]
            duplicates.append(activity["number"])
        seen.add(activity["number"])
    assert duplicates == ["5.1", "12.3", "22.2"]


def test_kinds_and_formats_are_allowed_values():
    assert {activity["kind"] for activity in ACTIVITIES} <= KINDS
    assert {module["format"] for module in DRAFT_CURRICULUM} <= FORMATS


def test_module_format_is_the_most_common_kind_of_its_activities():
    for module in DRAFT_CURRICULUM:
        formats = [KIND_FORMAT[activity["kind"]] for activity in module["activities"]]
        counts = Counter(formats)
        top = max(counts.values())
        # A tie goes to the format of the earlier activity.
        assert module["format"] == next(fmt for fmt in formats if counts[fmt] == top), module["code"]


def test_source_lines_point_into_chapter_four_of_the_seed():
    line_ref = re.compile(r"^L(\d+)(?:-L(\d+))?$")
    for module in DRAFT_CURRICULUM:
        for ref in [module["source_lines"]] + [activity["source_lines"] for activity in module["activities"]]:
            match = line_ref.match(ref)
            assert match, ref
            first, last = int(match[1]), int(match[2] or match[1])
            assert 7724 <= first <= last <= 8404, ref
