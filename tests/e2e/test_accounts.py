"""A visitor registers as a trainee, confirms the e-mail, signs out and in again, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from people.models import User
from people.roles import TRAINEE
from tests.conftest import PASSWORD
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^\s/]+/")


def _confirmation_link(email: str) -> str:
    """The confirmation link as the recipient reads it: the e-mail log keeps only a redacted copy."""
    bodies = [message.body for message in mail.outbox if message.to == [email]]
    assert bodies, f"no e-mail sent to {email}"
    found = CONFIRMATION_LINK.search(bodies[-1])
    assert found, f"no confirmation link in the e-mail: {bodies[-1]!r}"
    return found.group(0)


def test_visitor_signs_up_as_a_trainee_confirms_the_email_and_signs_in_again(page):
    page.goto("/en/accounts/signup/")
    page.get_by_label("Email").fill("leyla.mammadova@example.org")
    page.get_by_label("First name").fill("Leyla")
    page.get_by_label("Last name").fill("Məmmədova")
    page.get_by_label("Gender").select_option(label="Female")
    page.get_by_label("Country").select_option(label="Azerbaijan")
    page.get_by_label(re.compile(r"^Organisation")).fill("State Migration Service")
    page.get_by_label(re.compile(r"^Type of organisation")).select_option(label="Government body")
    page.get_by_label(re.compile(r"^Position level")).select_option(label="Practitioner")
    page.get_by_label("Preferred language").select_option(label="English")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    page.wait_for_url("**/en/accounts/confirm-email/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify Your Email Address")
    trainee = User.objects.get(email="leyla.mammadova@example.org")
    assert trainee.groups.filter(name=TRAINEE.group_name).exists()
    assert trainee.organisation.name == "State Migration Service"
    assert trainee.preferred_language == "en"

    page.goto(_confirmation_link(trainee.email))
    page.get_by_role("button", name="Confirm").click()
    header = page.locator(".site-header")
    expect(header.locator(".nav-user")).to_have_text("Leyla Məmmədova")

    header.get_by_role("button", name="Sign out").click()
    expect(header.get_by_role("link", name="Sign in")).to_be_visible()
    expect(header.locator(".nav-user")).to_have_count(0)

    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("leyla.mammadova@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(header.locator(".nav-user")).to_have_text("Leyla Məmmədova")


def test_visitor_signs_in_with_javascript_turned_off(new_page):
    UserFactory(email="nojs@example.org", first_name="Rəşad", last_name="Əliyev")
    page = new_page(java_script_enabled=False)
    page.set_content("<p id='probe'>off</p><script>document.getElementById('probe').textContent = 'on'</script>")
    assert page.locator("#probe").text_content() == "off", "the context should not run page scripts"
    page.goto("/az/accounts/login/")
    page.locator("#id_login").fill("nojs@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/az/")
    expect(page.locator(".site-header .nav-user")).to_have_text("Rəşad Əliyev")

    page.locator(".site-header form button[type=submit]").click()
    expect(page.locator(".site-header .nav-user")).to_have_count(0)
