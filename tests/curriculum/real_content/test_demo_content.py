"""The demo loader publishes the whole 2021 draft curriculum in az, ru and en, and loading it again changes nothing."""

import pytest
from django.db.models import Count
from wagtail.models import Page, Revision

from curriculum import demo as curriculum_demo
from curriculum.draft_curriculum import DRAFT_CURRICULUM, MISSING_CHAPTERS
from curriculum.models import LessonPage, ModuleActivity, ModulePage, ThematicChapter
from home import demo as home_demo
from tests.curriculum.helpers import refused_by_the_admin, signed_in
from tests.curriculum.real_content.conftest import module

LANGUAGES = ["az", "ru", "en"]
CODES = {data["code"] for data in DRAFT_CURRICULUM}
CHAPTERS_WITH_MODULES = {data["chapter"] for data in DRAFT_CURRICULUM}
COVERAGE_URL = "/admin/reports/curriculum-coverage/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_module_of_the_draft_is_published_in_each_language(language):
    modules = ModulePage.objects.live().filter(locale__language_code=language)

    assert len(DRAFT_CURRICULUM) == 17
    assert {page.code for page in modules} == CODES
    assert modules.count() == len(DRAFT_CURRICULUM)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_activity_line_of_the_draft_is_loaded_in_each_language(language):
    expected = {data["code"]: len(data["activities"]) for data in DRAFT_CURRICULUM}
    counts = dict(
        ModulePage.objects.filter(locale__language_code=language).annotate(lines=Count("activities")).values_list("code", "lines")
    )

    assert sum(expected.values()) == 56
    assert counts == expected
    assert ModuleActivity.objects.filter(locale__language_code=language).count() == 56


@pytest.mark.parametrize("language", LANGUAGES)
def test_module_one_has_a_lesson_per_activity_line_in_each_language(language):
    m1_lines = next(len(data["activities"]) for data in DRAFT_CURRICULUM if data["code"] == curriculum_demo.SELF_PACED_DEMO_MODULE)

    lessons = LessonPage.objects.live().child_of(module("M1", language))

    assert m1_lines == 4
    assert lessons.count() == m1_lines


def test_only_module_one_has_lessons():
    parents = {lesson.get_parent().specific.code for lesson in LessonPage.objects.all()}

    assert parents == {curriculum_demo.SELF_PACED_DEMO_MODULE}


@pytest.mark.parametrize("language", LANGUAGES)
def test_modules_teach_exactly_the_chapters_that_have_a_module_in_the_draft(language):
    taught = set(
        ThematicChapter.objects.filter(modules__locale__language_code=language, modules__live=True).values_list("number", flat=True)
    )

    assert taught == CHAPTERS_WITH_MODULES


def test_no_module_teaches_the_chapters_the_draft_leaves_out():
    assert sorted(MISSING_CHAPTERS) == [7, 10, 15, 17, 19]
    assert not ModulePage.objects.filter(chapters__number__in=MISSING_CHAPTERS).exists()


def test_translations_of_a_module_share_its_translation_key():
    keys = ModulePage.objects.order_by().values("translation_key").annotate(languages=Count("locale", distinct=True))

    assert {row["languages"] for row in keys} == {len(LANGUAGES)}
    assert keys.count() == len(DRAFT_CURRICULUM)


def test_loading_the_demo_again_changes_no_count():
    def counts():
        return {
            "pages": Page.objects.count(),
            "modules": ModulePage.objects.count(),
            "lessons": LessonPage.objects.count(),
            "activities": ModuleActivity.objects.count(),
            "revisions": Revision.objects.count(),
        }

    before = counts()

    home_demo.load()
    curriculum_demo.load()

    assert counts() == before


def test_coverage_report_lists_the_chapters_without_a_module_as_gaps(client, coordinator):
    response = signed_in(client, coordinator).get(COVERAGE_URL)

    assert response.status_code == 200
    assert [row.chapter.number for row in response.context["gaps"]] == sorted(MISSING_CHAPTERS)
    page = response.content.decode()
    for number in MISSING_CHAPTERS:
        chapter = ThematicChapter.objects.get(number=number)
        assert str(chapter) in page


def test_coverage_report_shows_every_chapter_with_a_module_as_covered(client, coordinator):
    response = signed_in(client, coordinator).get(COVERAGE_URL)

    covered = {row.chapter.number: [m.code for m in row.modules] for row in response.context["coverage"] if not row.is_gap}
    assert covered == {data["chapter"]: [data["code"]] for data in DRAFT_CURRICULUM}


def test_trainer_is_refused_the_coverage_report(client, trainer):
    response = signed_in(client, trainer).get(COVERAGE_URL)

    assert refused_by_the_admin(response)


def test_trainee_cannot_reach_the_coverage_report(client, trainee):
    response = signed_in(client, trainee).get(COVERAGE_URL)

    # the admin's login address, which answers a signed-in account without admin access with its 403 page
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/?next=")
    assert client.get(response["Location"]).status_code == 403
