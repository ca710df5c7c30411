"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per session, a fresh context (cookies, storage) per test, a screenshot in
test-results/ when a test fails. Never `playwright install`: the tests use the system Chromium.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from home import demo as home_demo
from people import services
from tests.services import chromium_path, in_ci

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
LANGUAGES = ("az", "ru", "en")
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


# Every page reports each Content-Security-Policy violation to the console, where PolicyViolations
# collects it together with Chromium's own console messages about the policies; a test with any fails.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.effectiveDirective} refused ${event.blockedURI || "an inline resource"}`
    + ` on ${event.documentURI} (${event.sourceFile || "the document"}:${event.lineNumber})`);
});
"""
POLICY_MARKERS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy", "Permissions policy")


class PolicyViolations:
    """The Content-Security-Policy and Permissions-Policy complaints of every page of the contexts it watches."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def watch(self, ctx: BrowserContext) -> None:
        ctx.add_init_script(REPORT_VIOLATIONS)
        ctx.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in POLICY_MARKERS):
            self.messages.append(message.text)


@pytest.fixture
def policy_violations() -> Iterator[PolicyViolations]:
    """What the test's pages reported against the site's policies; the test fails if there is anything."""
    violations = PolicyViolations()
    yield violations
    if violations.messages:
        pytest.fail(
            "The site broke its own Content-Security-Policy or Permissions-Policy:\n" + "\n".join(dict.fromkeys(violations.messages))
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item so fixtures can tell a failed test at teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser(live_server) -> Iterator[Browser]:
    """Headless Debian Chromium for the whole session; skipped (failed in CI) when it is missing.

    It depends on the live server so that it closes first: a request thread still open when the
    server stops would close a database connection the server no longer shares.
    """
    executable = chromium_path()
    if executable is None:
        message = "Chromium is not installed (Debian package 'chromium', or set CHROMIUM_PATH): browser tests cannot run."
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM calls
    # from a thread with a running loop unless told it is safe (the tests never share a connection
    # with async code). Restored afterwards so no other test runs with the check off.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_site(transactional_db: None, django_db_serialized_rollback: None, live_server) -> str:
    """The reference data, roles and home page in az/ru/en, served by the live server; its base URL.

    Serialized rollback brings back what migrations created (Wagtail's root page, default site)
    after each transactional test flushes the database.
    """
    services.reference_data_load()
    services.roles_sync()
    home_demo.load()
    return live_server.url


def _screenshot_on_failure(request: pytest.FixtureRequest, page: Page) -> None:
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if not failed:
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
    # a page that is already closed must not hide the test's own failure
    with contextlib.suppress(Exception):
        page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)


@pytest.fixture
def context(browser: Browser, demo_site: str, policy_violations: PolicyViolations) -> Iterator[BrowserContext]:
    """A fresh browser context per test: no cookies or storage carried over; any policy violation fails the test."""
    ctx = browser.new_context(viewport=DESKTOP, base_url=demo_site, locale="en-GB")
    ctx.set_default_timeout(10_000)
    policy_violations.watch(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, context: BrowserContext) -> Iterator[Page]:
    """A page in the test's own context, screenshotted into test-results/ if the test fails."""
    opened = context.new_page()
    yield opened
    _screenshot_on_failure(request, opened)


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, demo_site: str, policy_violations: PolicyViolations
) -> Iterator[Callable[..., Page]]:
    """Factory for pages in extra contexts (phone width, JavaScript off); closed and screenshotted after the test, policies watched."""
    opened: list[tuple[BrowserContext, Page]] = []

    def open_page(**context_options: object) -> Page:
        options = {"viewport": DESKTOP, "base_url": demo_site, "locale": "en-GB", **context_options}
        ctx = browser.new_context(**options)
        ctx.set_default_timeout(10_000)
        policy_violations.watch(ctx)
        extra_page = ctx.new_page()
        opened.append((ctx, extra_page))
        return extra_page

    yield open_page
    for ctx, extra_page in opened:
        _screenshot_on_failure(request, extra_page)
        ctx.close()


@pytest.fixture(scope="session", autouse=True)
def _test_thread_keeps_its_database_connection(request: pytest.FixtureRequest) -> None:
    """Keep the test thread on one database connection once the browser runs.

    Playwright's sync API runs an event loop in the test thread; from then on asgiref gives the
    thread a different Django connection (connections are per async context). Serialized rollback
    only works on the connection the test database was created on, so a test database set up
    before the browser started (a run that mixes other tests with these) would be flushed and
    never restored. Handing the earlier connections back to the thread avoids that.
    """
    from django.db import connections

    before = {alias: connections[alias] for alias in connections}
    request.getfixturevalue("browser")
    for alias, connection in before.items():
        connections[alias] = connection


@pytest.fixture
def curriculum_site(demo_site: str) -> str:
    """The demo site with the 2021 draft curriculum published in az/ru/en and its authoring rules; its base URL.

    Loading the curriculum takes seconds and the live server needs committed data (the database is
    flushed after each test), so only a few tests should ask for it.
    """
    from django.db import connections

    from curriculum import demo as curriculum_demo
    from curriculum import services as curriculum_services

    # without serialized rollback the flush after this test would leave the next one without migrations' data
    assert hasattr(connections["default"], "_test_serialized_contents"), "serialized rollback is not in effect"
    curriculum_demo.load()
    curriculum_services.authoring_permissions_sync()
    return demo_site
