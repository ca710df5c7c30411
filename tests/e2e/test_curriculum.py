"""Issue 3 in a real browser: a trainer authors a module, a coordinator approves it, visitors find it, a trainee takes M1.

The 2021 draft curriculum takes seconds to load and the live server needs it committed, so the
whole authoring path is one test and taking a course another: two loads for this file.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from wagtail.models import TaskState, WorkflowState

from curriculum import services as curriculum_services
from curriculum.draft_curriculum import DRAFT_CURRICULUM
from curriculum.models import CurriculumPartPage, LessonPage, ModulePage, ThematicChapter
from tests.conftest import PASSWORD
from tests.factories.people import UserFactory

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000
NEW_MODULE = {
    "title": "Miqrantların həssaslığı: sınaq modulu",
    "code": "M7",
    "summary": "Zorakılığa, istismara və sui-istifadəyə qarşı həssas olan miqrantlarla iş üzrə sınaq modulu.",
    "chapter": 7,  # the draft curriculum has no module for chapter 7: a real gap
    "audience": "Civil-society organisation",
    "level": "Practitioner",
}


def shown(language: str, message: str, **values: object) -> str:
    """A user-facing message as the site shows it in `language`."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % values if values else text


def shown_plural(language: str, singular: str, plural: str, count: int) -> str:
    """A plural user-facing message as the site shows it in `language`."""
    with translation.override(language):
        return translation.ngettext(singular, plural, count) % {"counter": count}


def sign_in_to_the_admin(page: Page, email: str) -> None:
    """Open the admin, get sent to the site's (English) login page, sign in and land on the dashboard."""
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/admin/")


def listed_codes(page: Page) -> list[str]:
    """The codes of the module cards the catalogue shows."""
    return [code.strip() for code in page.locator(".module-card .module-code").all_text_contents()]


def test_trainer_authors_a_module_a_coordinator_approves_it_and_visitors_find_it(curriculum_site, new_page):
    trainer = UserFactory(role="trainer", email="trainer@example.org")
    curriculum_services.trainer_assign_part(user=trainer, part_number=1)
    UserFactory(role="coordinator", email="coordinator@example.org")
    part_one = CurriculumPartPage.objects.get(locale__language_code="az", part__number=1)

    # the trainer adds a module under part 1 (az) and can only submit it for approval
    author = new_page()
    author.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(author, trainer.email)
    author.goto(f"/admin/pages/{part_one.pk}/")
    author.get_by_role("link", name="Add child page", exact=True).click()
    author.wait_for_url("**/admin/pages/add/curriculum/modulepage/*/")
    author.get_by_label(re.compile(r"^Title\*?$")).fill(NEW_MODULE["title"])
    author.get_by_label(re.compile(r"^Code\*?$")).fill(NEW_MODULE["code"])
    author.get_by_label(re.compile(r"^Summary\*?$")).fill(NEW_MODULE["summary"])
    with translation.override("en"):
        admin_chapter_label = str(ThematicChapter.objects.get(number=NEW_MODULE["chapter"]))
    author.get_by_label(admin_chapter_label, exact=True).check()
    author.get_by_label(NEW_MODULE["audience"], exact=True).check()
    author.get_by_label(NEW_MODULE["level"], exact=True).check()
    author.get_by_role("button", name="More actions").click()
    submit = author.get_by_role("button", name="Submit to Coordinator approval")
    expect(submit).to_be_visible()
    expect(author.get_by_role("button", name=re.compile(r"Publish"))).to_have_count(0)
    expect(author.locator('[name="action-publish"]')).to_have_count(0)
    submit.click()
    expect(author.get_by_text(f"Page '{NEW_MODULE['title']}' created and submitted for moderation.")).to_be_visible()

    module = ModulePage.objects.get(code=NEW_MODULE["code"], locale__language_code="az")
    assert module.get_parent().pk == part_one.pk
    assert not module.live
    assert WorkflowState.objects.for_instance(module).get().status == WorkflowState.STATUS_IN_PROGRESS

    # the coordinator approves it, with a comment, from the dashboard
    reviewer = new_page()
    reviewer.set_default_timeout(TIMEOUT)
    sign_in_to_the_admin(reviewer, "coordinator@example.org")
    awaiting = reviewer.locator("#awaiting-review-content")
    expect(reviewer.get_by_role("heading", name="Awaiting your review")).to_be_visible()
    task = awaiting.get_by_role("row").filter(has_text=NEW_MODULE["title"])
    task.get_by_role("button", name="Actions").click()
    task.get_by_role("button", name="Approve with comment").click()
    dialog = reviewer.get_by_role("dialog").filter(has_text="Approve with comment")
    dialog.get_by_label("Comment").fill("Yaxşıdır, dərc edilir.")
    dialog.get_by_role("button", name="Approve with comment").click()
    expect(awaiting.get_by_role("row").filter(has_text=NEW_MODULE["title"])).to_have_count(0)

    module.refresh_from_db()
    assert module.live
    state = WorkflowState.objects.for_instance(module).get()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert [task_state.comment for task_state in TaskState.objects.filter(workflow_state=state)] == ["Yaxşıdır, dərc edilir."]

    # an anonymous visitor finds it by chapter and by a search without Azerbaijani letters
    visitor = new_page()
    visitor.set_default_timeout(TIMEOUT)
    visitor.goto("/az/curriculum/")
    filters = visitor.get_by_role("search")
    with translation.override("az"):
        chapter_label = str(ThematicChapter.objects.get(number=NEW_MODULE["chapter"]))
    filters.get_by_label(shown("az", "Thematic chapter")).select_option(label=chapter_label)
    filters.get_by_role("button", name=shown("az", "Show modules")).click()
    visitor.wait_for_url(re.compile(r"/az/curriculum/\?.*\bchapter=7\b"))
    expect(visitor.get_by_role("status")).to_have_text(shown_plural("az", "%(counter)s module found", "%(counter)s modules found", 1))
    assert listed_codes(visitor) == [NEW_MODULE["code"]]
    expect(visitor.locator(".module-card").get_by_role("link")).to_contain_text(NEW_MODULE["title"])

    visitor.get_by_role("link", name=shown("az", "Clear filters")).click()
    visitor.wait_for_url("**/az/curriculum/")
    filters.get_by_label(shown("az", "Search"), exact=True).fill("hessasligi")
    filters.get_by_role("button", name=shown("az", "Show modules")).click()
    visitor.wait_for_url(re.compile(r"/az/curriculum/\?.*\bq=hessasligi\b"))
    assert listed_codes(visitor) == [NEW_MODULE["code"]]

    # in English the new module does not exist yet; filtering by audience works on the real content
    visitor.locator(".language-switcher").get_by_role("link", name="English").click()
    visitor.wait_for_url("**/en/curriculum/")
    expect(visitor.get_by_role("status")).to_have_text(f"{len(DRAFT_CURRICULUM)} modules found")
    visitor.get_by_role("search").get_by_label("Audience").select_option(label="Media")
    visitor.get_by_role("search").get_by_role("button", name="Show modules").click()
    visitor.wait_for_url(re.compile(r"/en/curriculum/\?.*\baudience=media\b"))
    media_codes = [data["code"] for data in DRAFT_CURRICULUM if any("media" in line["audiences"] for line in data["activities"])]
    expect(visitor.get_by_role("status")).to_have_text(f"{len(media_codes)} modules found")
    assert 0 < len(media_codes) < len(DRAFT_CURRICULUM)
    assert sorted(listed_codes(visitor)) == sorted(media_codes)


def test_trainee_completes_two_lessons_of_module_one_and_sees_where_to_continue(curriculum_site, page):
    page.set_default_timeout(TIMEOUT)
    UserFactory(role="trainee", email="trainee@example.org")
    module = ModulePage.objects.get(code="M1", locale__language_code="ru")
    lessons = list(LessonPage.objects.live().child_of(module).order_by("path"))
    assert len(lessons) == 4

    page.goto(module.url)
    # the module invites the anonymous visitor to sign in and come back to it
    page.get_by_role("main").locator('a[href*="/accounts/login/?next="]').click()
    page.wait_for_url(re.compile(r"/ru/accounts/login/\?next="))
    page.get_by_label(shown("ru", "Email")).fill("trainee@example.org")
    page.get_by_label(shown("ru", "Password")).fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=shown("ru", "Sign In")).click()
    page.wait_for_url(f"**{module.url}")

    page.locator(".lesson-list").get_by_role("link", name=lessons[0].title).click()
    page.wait_for_url(f"**{lessons[0].url}")
    page.get_by_role("button", name=shown("ru", "Mark as completed")).click()
    page.wait_for_url(f"**{lessons[1].url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(lessons[1].title)
    page.get_by_role("button", name=shown("ru", "Mark as completed")).click()
    page.wait_for_url(f"**{lessons[2].url}")

    page.goto("/ru/learning/")
    card = page.locator(".progress-list .module-card")
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading")).to_contain_text(module.title)
    expect(card).to_contain_text(shown("ru", "%(done)s of %(total)s lessons completed (%(percent)s%%)", done=2, total=4, percent=50))
    progress = card.locator("progress")
    expect(progress).to_have_attribute("value", "2")
    expect(progress).to_have_attribute("max", "4")
    resume = card.get_by_role("link", name=re.compile(re.escape(shown("ru", "Continue where you left off"))))
    expect(resume).to_contain_text(lessons[2].title)
    expect(resume).to_have_attribute("href", lessons[2].url)
