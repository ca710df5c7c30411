"""The az and ru catalogues cover every string the project writes, and the compiled .mo files match them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.services import in_ci

REPO = Path(settings.BASE_DIR)
LANGUAGES = ("az", "ru")
# Top-level folders that hold no strings of ours; the rest is copied, as `make messages` reads it.
NOT_SOURCE = {".venv", "venv", ".git", "node_modules", "staticfiles", "media", "var", "tests", "htmlcov"}
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
DJANGO_LOCALE = Path(django.__file__).parent / "conf" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%|\{\{\s*\w+\s*\}\}|\{\w*\}")


def committed_po(language: str) -> polib.POFile:
    return polib.pofile(str(REPO / "locale" / language / "LC_MESSAGES" / "django.po"))


def entry_key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def entry_translation(entry: polib.POEntry | polib.MOEntry) -> str | tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return entry.msgstr


def plural_count(catalogue: polib.POFile | polib.MOFile) -> int:
    return int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])


def is_fully_translated(entry: polib.POEntry, plurals: int) -> bool:
    if entry.msgid_plural:
        forms = [entry.msgstr_plural.get(index, "") for index in range(plurals)]
        return all(form.strip() for form in forms) and len(entry.msgstr_plural) == plurals
    return bool(entry.msgstr.strip())


@pytest.fixture(scope="module")
def regenerated_catalogues(tmp_path_factory: pytest.TempPathFactory) -> dict[str, polib.POFile]:
    """Run makemessages on a copy of the source, so the catalogues reflect every string written today."""
    absent = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if absent:
        message = f"GNU gettext is not installed ({', '.join(absent)} missing): apt-get install gettext"
        if in_ci():
            pytest.fail(f"CI must check the catalogues: {message}")
        pytest.skip(message)

    copy = tmp_path_factory.mktemp("source")
    for child in REPO.iterdir():
        if child.is_dir() and child.name not in NOT_SOURCE and not child.name.startswith("."):
            shutil.copytree(child, copy / child.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(REPO / "manage.py", copy / "manage.py")

    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *(f"--locale={code}" for code in LANGUAGES), "--no-obsolete"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    return {code: polib.pofile(str(copy / "locale" / code / "LC_MESSAGES" / "django.po")) for code in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_the_project_writes_is_translated(regenerated_catalogues: dict[str, polib.POFile], language: str) -> None:
    catalogue = regenerated_catalogues[language]
    plurals = plural_count(catalogue)
    untranslated = [entry.msgid for entry in catalogue if not entry.obsolete and not is_fully_translated(entry, plurals)]
    fuzzy = [entry.msgid for entry in catalogue if not entry.obsolete and "fuzzy" in entry.flags]

    assert len(catalogue) > 0, "makemessages found no strings at all"
    assert not untranslated, f"{len(untranslated)} strings have no {language} translation (run `make messages`):\n" + "\n".join(
        untranslated
    )
    assert not fuzzy, f"{len(fuzzy)} {language} translations are marked fuzzy, review them:\n" + "\n".join(fuzzy)
    assert not catalogue.metadata_is_fuzzy, f"the {language} catalogue header is marked fuzzy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_uses_the_same_plural_forms_as_djangos_own(language: str) -> None:
    ours = committed_po(language)
    djangos = polib.pofile(str(DJANGO_LOCALE / language / "LC_MESSAGES" / "django.po"))

    assert ours.metadata["Language"] == language
    assert ours.metadata["Plural-Forms"].replace(" ", "") == djangos.metadata["Plural-Forms"].replace(" ", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_of_the_english_text(language: str) -> None:
    broken = []
    for entry in committed_po(language).translated_entries():
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        broken += [f"{entry.msgid!r} -> {form!r}" for form in forms if sorted(PLACEHOLDER.findall(form)) != expected]

    assert not broken, f"{language} translations that lose or add a placeholder:\n" + "\n".join(broken)


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_file_matches_its_po_file(language: str) -> None:
    po_file = committed_po(language)
    mo_path = REPO / "locale" / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    mo_file = polib.mofile(str(mo_path))

    expected = {entry_key(entry): entry_translation(entry) for entry in po_file.translated_entries()}
    compiled = {entry_key(entry): entry_translation(entry) for entry in mo_file if entry.msgid}
    stale = sorted(key[1] for key, value in expected.items() if compiled.get(key) != value)
    extra = sorted(key[1] for key in compiled.keys() - expected.keys())

    assert not stale, f"the {language} .mo is older than its .po (run `make messages`) for:\n" + "\n".join(stale)
    assert not extra, f"the {language} .mo has strings its .po no longer has:\n" + "\n".join(extra)
    assert mo_file.metadata.get("Plural-Forms") == po_file.metadata["Plural-Forms"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("msgid", ["Skip to main content", "Sign in", "Regional Training Centre on Migration"])
def test_project_strings_are_shown_in_the_visitors_language(language: str, msgid: str) -> None:
    expected = committed_po(language).find(msgid).msgstr

    with translation.override(language):
        translated = gettext(msgid)
        rendered = Template("{% load i18n %}{% translate text %}").render(Context({"text": msgid}))

    assert translated != msgid
    assert translated == expected
    assert rendered == expected


def test_russian_counts_take_the_plural_form_russian_grammar_asks_for() -> None:
    singular, plural = "The %(counter)s participating country", "The %(counter)s participating countries"
    forms = committed_po("ru").find(singular).msgstr_plural
    with translation.override("ru"):
        shown = {count: ngettext(singular, plural, count) for count in (1, 3, 5, 13, 21, 22)}

    assert len(set(forms.values())) >= 3, "Russian needs distinct forms for 1, 3 and 5"
    assert shown == {1: forms[0], 21: forms[0], 3: forms[1], 22: forms[1], 5: forms[2], 13: forms[2]}


@pytest.mark.django_db
def test_russian_home_page_is_rendered_in_russian(site: None, client: Client) -> None:
    response = client.get("/ru/")

    assert response.status_code == 200
    html = response.content.decode()
    assert committed_po("ru").find("Skip to main content").msgstr in html
    assert "Skip to main content" not in html
