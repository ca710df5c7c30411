"""The 2021 reference data loads from code, idempotently, and speaks the active language."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Page

from curriculum.models import ThematicChapter, ThematicPart
from people import services
from people.models import Country, Organisation, ParticipantLevel, StakeholderCategory, User

RTCM_COUNTRY_CODES = {"AZ", "BY", "GE", "IR", "KZ", "KG", "MD", "RU", "TJ", "TR", "TM", "UA", "UZ"}


def _reference_counts() -> dict[str, int]:
    return {
        "countries": Country.objects.count(),
        "stakeholder_categories": StakeholderCategory.objects.count(),
        "participant_levels": ParticipantLevel.objects.count(),
        "parts": ThematicPart.objects.count(),
        "chapters": ThematicChapter.objects.count(),
    }


@pytest.mark.django_db
def test_reference_data_loads_the_2021_countries_categories_levels_parts_and_chapters():
    services.reference_data_load()

    assert _reference_counts() == {"countries": 13, "stakeholder_categories": 7, "participant_levels": 7, "parts": 2, "chapters": 22}
    assert set(Country.objects.values_list("iso_code", flat=True)) == RTCM_COUNTRY_CODES


@pytest.mark.django_db
def test_loading_reference_data_twice_leaves_the_same_rows():
    services.reference_data_load()
    first_ids = {model.__name__: set(model.objects.values_list("pk", flat=True)) for model in (Country, ThematicChapter)}
    first_counts = _reference_counts()

    services.reference_data_load()

    assert _reference_counts() == first_counts
    assert {model.__name__: set(model.objects.values_list("pk", flat=True)) for model in (Country, ThematicChapter)} == first_ids


@pytest.mark.django_db
def test_part_one_holds_chapters_one_to_nine_and_part_two_chapters_ten_to_twenty_two():
    services.reference_data_load()

    chapters_by_part = {
        part.number: sorted(part.chapters.values_list("number", flat=True)) for part in ThematicPart.objects.prefetch_related("chapters")
    }

    assert chapters_by_part == {1: list(range(1, 10)), 2: list(range(10, 23))}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "country_name", "chapter_name"),
    [
        ("az", "Azərbaycan", "3. Beynəlxalq miqrasiya hüququ"),
        ("ru", "Азербайджан", "3. Международное миграционное право"),
        ("en", "Azerbaijan", "3. International migration law"),
    ],
)
def test_reference_names_follow_the_active_language(language, country_name, chapter_name):
    services.reference_data_load()
    country = Country.objects.get(iso_code="AZ")
    chapter = ThematicChapter.objects.get(number=3)

    with translation.override(language):
        assert str(country) == country_name
        assert str(chapter) == chapter_name


@pytest.mark.django_db
def test_a_name_changed_in_code_is_updated_on_the_next_load(monkeypatch):
    services.reference_data_load()
    renamed = [
        ("GE", "Gürcüstan", "Грузия (Сакартвело)", "Georgia (Sakartvelo)") if iso == "GE" else (iso, az, ru, en)
        for iso, az, ru, en in services.COUNTRIES
    ]
    monkeypatch.setattr(services, "COUNTRIES", renamed)

    services.reference_data_load()

    georgia = Country.objects.get(iso_code="GE")
    assert (georgia.name_ru, georgia.name_en) == ("Грузия (Сакартвело)", "Georgia (Sakartvelo)")
    assert Country.objects.count() == 13


@pytest.mark.django_db
def test_load_demo_data_run_twice_gives_the_same_users_organisations_and_pages():
    call_command("load_demo_data", stdout=io.StringIO())
    first = (User.objects.count(), Organisation.objects.count(), Page.objects.count())

    call_command("load_demo_data", stdout=io.StringIO())

    assert (User.objects.count(), Organisation.objects.count(), Page.objects.count()) == first
    assert first[0] >= 5
    assert first[1] >= 3
