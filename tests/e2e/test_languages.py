"""The home page and the account pages in Azerbaijani, Russian and English, and the switch between them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

CENTRE_NAME = {
    "az": "Miqrasiya üzrə Regional Təlim Mərkəzi",
    "ru": "Региональный учебный центр по миграции",
    "en": "Regional Training Centre on Migration",
}


@pytest.mark.parametrize("language", ["az", "ru", "en"])
def test_home_page_shows_the_centre_name_in_its_language(page, language):
    response = page.goto(f"/{language}/")
    assert response is not None
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").text_content().strip() == CENTRE_NAME[language]
    assert CENTRE_NAME[language] in page.locator(".site-header .brand-name").text_content()


def test_azerbaijani_letters_are_rendered_as_text(page):
    page.goto("/az/")
    text = page.locator("main").text_content()
    for letter in "əğışçöüƏİ":
        assert letter in text, f"{letter!r} missing from the Azerbaijani home page"
    # the bundled Noto Sans covers them: the font actually used for the title is the site's
    # once the page's fonts have loaded (a loaded machine can take a while): check() is false for a face not loaded
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('700 32px \"Noto Sans\"', 'əğışçöü'))")


def test_language_switcher_goes_from_the_azerbaijani_to_the_russian_home_page(page):
    page.goto("/az/")
    page.get_by_role("navigation", name="Dil").get_by_role("link", name="Русский").click()
    page.wait_for_url("**/ru/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").text_content().strip() == CENTRE_NAME["ru"]


def test_language_switcher_keeps_the_account_page_when_switching_to_english(page):
    page.goto("/az/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "az"
    page.locator(".language-switcher").get_by_role("link", name="English").click()
    page.wait_for_url("**/en/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).text_content().strip() == "Sign In"
