"""Issue 4 in a real browser: an expert applies, a coordinator vets, finds and ranks them, invites, and the expert accepts."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from curriculum.models import ThematicChapter, ThematicPart
from experts.models import ExpertProfile, ExpertStatus, Invitation, InvitationStatus
from people.models import Language
from tests.conftest import PASSWORD
from tests.e2e.test_curriculum import sign_in_to_the_admin
from tests.factories.curriculum import CurriculumIndexPageFactory, CurriculumPartPageFactory, ModulePageFactory
from tests.factories.experts import ExpertProfileFactory
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000
APPLICANT = "aygun.mammadova@example.org"


def _reset_link(email: str) -> str:
    """The reset link as the recipient reads it: the e-mail log keeps only a redacted copy."""
    bodies = [message.body for message in mail.outbox if message.to == [email] and "/password/reset/key/" in message.body]
    assert bodies, f"no password reset e-mail for {email}"
    return re.search(r"https?://[^/\s]+(/en/accounts/password/reset/key/[^/\s]+/)", bodies[-1]).group(1)


def apply_as_an_expert(page: Page) -> None:
    """Fill in and send the public application form, with a CV, without JavaScript's help."""
    page.goto("/en/experts/apply/")
    page.get_by_label(re.compile(r"^First name")).fill("Aygün")
    page.get_by_label(re.compile(r"^Last name")).fill("Məmmədova")
    page.get_by_label(re.compile(r"^E-mail address")).fill(APPLICANT)
    page.get_by_label("Gender", exact=True).select_option(label="Female")
    page.get_by_label(re.compile(r"^Country of residence")).select_option(label="Azerbaijan")
    page.get_by_label("Nationality", exact=True).fill("Azerbaijani")
    page.get_by_label(re.compile(r"^Short bio")).fill("Labour migration from Central Asia; readmission agreements.")
    page.get_by_label("CV", exact=True).set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 curriculum vitae"}
    )
    with translation.override("en"):
        chapter_label = str(ThematicChapter.objects.get(number=13))
        russian = Language.objects.get(code="ru").name
    page.get_by_label(chapter_label, exact=True).select_option(label="Lead expert")
    page.get_by_label(russian, exact=True).select_option(label="Native")
    page.get_by_label("Kazakhstan", exact=True).check()
    page.get_by_label(re.compile(r"^Available from")).fill("2027-05-01")
    page.get_by_label(re.compile(r"^Available until")).fill("2027-05-31")
    page.get_by_label(re.compile(r"^I agree that the centre keeps my data")).check()
    page.get_by_label("My bio", exact=True).check()
    page.get_by_role("button", name="Send my application").click()
    expect(page.get_by_role("heading", name="Thank you for applying")).to_be_visible()


def test_an_expert_applies_is_vetted_found_ranked_invited_and_accepts(demo_site, new_page):
    UserFactory(role="coordinator", email="coordinator@example.org", preferred_language="en")
    part = CurriculumPartPageFactory(parent=CurriculumIndexPageFactory(), part=ThematicPart.objects.get(number=2))
    module = ModulePageFactory(
        parent=part, code="M13", title="Labour migration governance", chapters=list(ThematicChapter.objects.filter(number__in=[13, 14]))
    )
    ExpertProfileFactory(user__email="other@example.org", user__first_name="Oleg", chapter_numbers={2: "lead"}, language_codes=["en"])

    visitor = new_page()
    visitor.set_default_timeout(TIMEOUT)
    apply_as_an_expert(visitor)
    applicant = ExpertProfile.objects.get(user__email=APPLICANT)
    assert applicant.status == ExpertStatus.APPLIED

    # the coordinator vets the application with a reason
    coordinator = new_page()
    coordinator.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(coordinator, "coordinator@example.org")
    coordinator.goto("/admin/roster/?status=applied")
    row = coordinator.get_by_role("row").filter(has_text="Məmmədova")
    expect(row).to_have_count(1)
    coordinator.goto(f"/admin/roster/status/{applicant.pk}/")
    coordinator.locator("#id_status").select_option(label="Vetted")
    coordinator.locator("#id_reason").fill("CV and references checked.")
    coordinator.get_by_role("button", name="Save the decision and tell the expert").click()
    coordinator.wait_for_url("**/admin/roster/")
    applicant.refresh_from_db()
    assert applicant.status == ExpertStatus.VETTED

    # she is found by chapter, Russian at native level and availability in May, and by her name without diacritics
    chapter = ThematicChapter.objects.get(number=13).pk
    russian = Language.objects.get(code="ru").pk
    coordinator.goto(
        f"/admin/roster/?chapter={chapter}&language={russian}&min_level=native&available_from=2027-05-10&available_until=2027-05-20"
    )
    expect(coordinator.get_by_role("row").filter(has_text="Məmmədova")).to_have_count(1)
    expect(coordinator.get_by_role("row").filter(has_text="Oleg")).to_have_count(0)
    coordinator.goto("/admin/roster/?q=mammadova")
    expect(coordinator.get_by_role("row").filter(has_text="Məmmədova")).to_have_count(1)

    # she ranks first for the module, with readable reasons, and is invited
    coordinator.goto("/admin/roster/match/")
    coordinator.locator("#id_module").select_option(label="M13 — Labour migration governance")
    coordinator.locator("#id_language").select_option(label=Language.objects.get(code="ru").name_en)
    coordinator.get_by_role("button", name="Rank experts").click()
    first = coordinator.locator("table.listing tbody tr").first
    expect(first).to_contain_text("Məmmədova")
    expect(first).to_contain_text("Lead expert in chapter 13")
    expect(first).to_contain_text("Works in")
    first.get_by_role("checkbox").check()
    coordinator.locator("#id_message").fill("Would you lead the May session?")
    coordinator.get_by_role("button", name="Invite the ticked experts").click()
    expect(coordinator.get_by_text("1 expert invited; they have been told by e-mail.")).to_be_visible()
    invitation = Invitation.objects.get(expert=applicant)
    assert invitation.status == InvitationStatus.PENDING

    # the expert sets a password with "Forgot password" (which proves the address), signs in and accepts
    expert = new_page()
    expert.set_default_timeout(TIMEOUT)
    expert.goto("/en/accounts/password/reset/")
    expert.get_by_label("Email").fill(APPLICANT)
    expert.get_by_role("button", name=re.compile("Reset My Password", re.IGNORECASE)).click()
    expert.wait_for_url("**/password/reset/done/")
    expert.goto(_reset_link(APPLICANT))
    expert.get_by_label("New Password", exact=True).fill(PASSWORD)
    expert.get_by_label("New Password (again)").fill(PASSWORD)
    expert.get_by_role("button", name=re.compile("Change Password", re.IGNORECASE)).click()
    expert.wait_for_url("**/password/reset/key/done/")
    expert.goto("/en/accounts/login/")
    expert.get_by_label("Email").fill(APPLICANT)
    expert.get_by_label("Password").fill(PASSWORD)
    expert.get_by_role("button", name="Sign In").click()
    expert.get_by_role("link", name="My expert profile").click()
    expert.get_by_role("link", name="Labour migration governance").click()
    expect(expert.get_by_text("Would you lead the May session?")).to_be_visible()
    expert.get_by_role("button", name="Accept").click()
    expect(expert.get_by_text("Thank you: you are now among the trainers of this module.")).to_be_visible()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED

    # the coordinator sees the answer; the module page names her among its trainers
    coordinator.goto(f"/admin/roster/match/?module={module.pk}")
    expect(coordinator.get_by_role("row").filter(has_text="Məmmədova").filter(has_text="Accepted")).to_have_count(1)
    expert.goto(module.url)
    expect(expert.locator("section[aria-labelledby=trainers-title]")).to_contain_text("Məmmədova")
