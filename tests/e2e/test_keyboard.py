"""Keyboard users: a skip link first, and a visible outline on whatever has focus."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FOCUSED_OUTLINE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || el.name || '').trim().slice(0, 40),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor};
}"""


@pytest.mark.parametrize("path", ["/az/", "/en/accounts/signup/"])
def test_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_main(page, path):
    page.goto(path)
    skip_link = page.locator("a.skip-link")
    box_before = skip_link.bounding_box()
    assert box_before is not None
    assert box_before["y"] + box_before["height"] <= 0, "the skip link should be out of sight until focused"

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    box = skip_link.bounding_box()
    assert box["y"] >= 0
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"]

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert in_main, "the next Tab after the skip link should land inside the main content"


@pytest.mark.parametrize("path", ["/en/", "/en/accounts/login/"])
def test_every_focused_control_shows_an_outline(page, path):
    page.goto(path)
    seen = []
    for _ in range(14):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_OUTLINE)
        if focused["tag"] == "BODY":
            break
        seen.append(focused)
        assert focused["style"] != "none", f"no outline on focused {focused}"
        assert focused["width"] >= 2, f"outline too thin on focused {focused}"
    assert len(seen) >= 5, "Tab should move through the header, the navigation and the content"
    assert {item["tag"] for item in seen} & {"INPUT", "A"}
