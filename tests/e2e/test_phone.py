"""At phone width (375 CSS pixels) nothing needs horizontal scrolling."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

OVERFLOW = "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"


@pytest.mark.parametrize("path", ["/az/", "/ru/", "/az/accounts/signup/", "/ru/accounts/signup/"])
def test_page_fits_a_phone_screen_without_horizontal_scrolling(new_page, path):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(path)
    sizes = page.evaluate(OVERFLOW)
    assert sizes["inner"] == PHONE["width"]
    assert sizes["scroll"] <= sizes["inner"], f"{path} is {sizes['scroll']}px wide on a {sizes['inner']}px screen"


def test_header_on_a_phone_keeps_the_brand_languages_and_navigation_on_screen(new_page):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/ru/")
    for selector in [".brand", ".language-switcher", ".main-nav"]:
        box = page.locator(selector).first.bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], f"{selector} sticks out: {box}"
    for link in page.locator(".site-header a").all():
        box = link.bounding_box()
        assert box["height"] >= 24, f"target too small to tap: {link.text_content()!r} {box}"
