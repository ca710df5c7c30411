"""The browser enforces the site's Content-Security-Policy, and the browser tests notice when a page breaks it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

INJECT_INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injectedScriptRan = true;";
  document.body.append(script);
}"""


def test_an_inline_script_injected_into_a_public_page_does_not_run_and_the_violation_is_caught(page, policy_violations):
    page.goto("/az/")

    page.evaluate(INJECT_INLINE_SCRIPT)
    page.wait_for_timeout(200)

    assert page.evaluate("() => window.injectedScriptRan") is None
    assert any("script-src" in message for message in policy_violations.messages), policy_violations.messages
    policy_violations.messages.clear()  # caught on purpose: the fixture must not fail this test


def test_an_image_from_another_host_is_not_loaded_on_a_public_page(page, policy_violations):
    page.goto("/en/")

    loaded = page.evaluate(
        """() => new Promise((resolve) => {
          const image = new Image();
          image.onload = () => resolve(true);
          image.onerror = () => resolve(false);
          image.src = "http://127.0.0.1:9/tracker.png";
        })"""
    )

    assert loaded is False
    assert any("img-src" in message for message in policy_violations.messages), policy_violations.messages
    policy_violations.messages.clear()
