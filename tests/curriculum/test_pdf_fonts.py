"""The PDF pack's fonts: every Azerbaijani and Russian letter has a glyph, and no family is split over files."""

import re
from collections import Counter

import pytest
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

from curriculum.pdf import FONT_STACK, _font_faces

FACE = re.compile(r'font-family: "(?P<family>[^"]+)"; font-weight: (?P<weight>\d+); src: url\("[^"]*/static/(?P<name>[^"]+)"\)')
AZERBAIJANI = "ABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZabcçdeəfgğhxıijkqlmnoöprsştuüvyz"
RUSSIAN = "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя"
PUNCTUATION = "0123456789.,;:!?()-–—«»№%/"


def faces():
    """The declared faces, each with the file its static URL names."""
    return [{**match.groupdict(), "path": finders.find(match["name"])} for match in FACE.finditer(_font_faces())]


def stack_families():
    return [family.strip().strip('"') for family in FONT_STACK.split(",") if family.strip() != "sans-serif"]


def test_every_bundled_font_file_is_declared():
    assert len(faces()) == 6


def test_no_font_family_and_weight_is_split_over_several_files():
    # WeasyPrint takes the first file of a family for every character (it ignores unicode-range),
    # so a family made of subset files renders ə blank and Cyrillic as wrong glyphs
    counts = Counter((face["family"], face["weight"]) for face in faces())

    assert set(counts.values()) == {1}


@pytest.mark.parametrize("weight", ["400", "700"])
def test_every_azerbaijani_and_russian_letter_has_a_glyph_in_the_pdf_font_stack(weight):
    cmaps = {face["family"]: TTFont(face["path"]).getBestCmap() for face in faces() if face["weight"] == weight}
    stack = [cmaps[family] for family in stack_families()]

    missing = [char for char in AZERBAIJANI + RUSSIAN + PUNCTUATION if not any(ord(char) in cmap for cmap in stack)]

    assert missing == []
