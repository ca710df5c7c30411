"""Every curriculum factory builds a valid page or row in its place in the tree."""

from curriculum.models import CurriculumIndexPage, CurriculumPartPage, LessonPage, ModuleActivity, ModulePage
from home.models import HomePage
from tests.factories.curriculum import (
    CurriculumIndexPageFactory,
    CurriculumPartPageFactory,
    LessonPageFactory,
    ModuleActivityFactory,
    ModulePageFactory,
)


def test_catalogue_factory_builds_a_live_catalogue_under_the_home_page(site):
    catalogue = CurriculumIndexPageFactory()

    catalogue.full_clean()
    assert catalogue.live
    assert isinstance(catalogue.get_parent().specific, HomePage)


def test_part_factory_builds_a_part_under_a_catalogue(site):
    part = CurriculumPartPageFactory()

    part.full_clean()
    assert isinstance(part.get_parent().specific, CurriculumIndexPage)


def test_module_factory_publishes_a_module_with_its_chapter_and_activities(site):
    module = ModulePageFactory(activities=2)

    module.full_clean()
    stored = ModulePage.objects.get(pk=module.pk)
    assert stored.live and stored.live_revision_id is not None
    assert isinstance(stored.get_parent().specific, CurriculumPartPage)
    assert stored.chapters.count() == 1
    assert stored.activities.count() == 2


def test_module_factory_builds_a_draft_when_asked(site):
    module = ModulePageFactory(live=False)

    stored = ModulePage.objects.get(pk=module.pk)
    assert not stored.live
    assert stored.latest_revision_id is not None and stored.live_revision_id is None


def test_lesson_factory_publishes_a_lesson_under_a_module(site):
    lesson = LessonPageFactory()

    lesson.full_clean()
    stored = LessonPage.objects.get(pk=lesson.pk)
    assert stored.live_revision_id is not None
    assert isinstance(stored.get_parent().specific, ModulePage)


def test_activity_factory_adds_a_line_to_a_module_in_its_language(site):
    activity = ModuleActivityFactory()

    activity.full_clean()
    assert ModuleActivity.objects.get(pk=activity.pk).locale_id == activity.module.locale_id
