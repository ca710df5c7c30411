"""Search text folding: diacritics removed and words reduced to stems, the same way for pages and queries.

The database search backends (SQLite FTS and PostgreSQL) match whole tokens. Folding both the
indexed text and the query makes "qacqin" find "qaçqın" and, through Snowball stemmers, makes
"миграция" find "миграции". Azerbaijani has no Snowball stemmer (the Turkish one mangles words typed
without diacritics), so folded Azerbaijani words lose their common plural and case endings by a
small rule of our own.
"""

from __future__ import annotations

import re
from functools import cache

import snowballstemmer
from anyascii import anyascii

_STEMMER_LANGUAGES = {"ru": "russian", "en": "english"}
# Folded Azerbaijani endings (plural -lar/-lər, genitive, ablative, locative, dative, accusative),
# longest first; a stem keeps at least four letters.
_AZ_SUFFIXES = ("larin", "lerin", "nin", "nun", "dan", "den", "lar", "ler", "in", "un", "da", "de", "ya", "ye", "i", "u", "a", "e")
_AZ_MIN_STEM = 4
_WORD = re.compile(r"\w+", re.UNICODE)


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = _STEMMER_LANGUAGES.get(language)
    return snowballstemmer.stemmer(name) if name else None


def _script_language(word: str, language: str) -> str:
    """A Cyrillic word is stemmed as Russian and a Latin one as English, whatever the page's language."""
    if any("\u0400" <= char <= "\u04ff" for char in word):
        return "ru"
    return "en" if language == "en" else language if language != "ru" else "en"


def _az_stem(word: str) -> str:
    for _ in range(3):
        for suffix in _AZ_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _AZ_MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def searchable_text(text: str, language: str) -> str:
    """Return the words of `text` lower-cased, stemmed where a stemmer exists, and folded to ASCII."""
    tokens = []
    for word in _WORD.findall(text.lower()):
        word_language = _script_language(word, language)
        stemmer = _stemmer(word_language)
        stem = anyascii(stemmer.stemWord(word) if stemmer else word).lower()
        tokens.append(_az_stem(stem) if word_language == "az" else stem)
    return " ".join(token for token in tokens if token)
