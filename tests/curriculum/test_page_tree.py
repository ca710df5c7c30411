"""The curriculum page tree can only be built as home > catalogue > part > module > lesson."""

import pytest
from wagtail.models import Page

from curriculum.models import CurriculumIndexPage, CurriculumPartPage, LessonPage, ModulePage
from home.models import HomePage
from tests.factories.curriculum import CurriculumIndexPageFactory, ModulePageFactory

CURRICULUM_PAGES = [HomePage, CurriculumIndexPage, CurriculumPartPage, ModulePage, LessonPage]


def test_catalogue_can_only_be_created_under_the_home_page():
    assert set(CurriculumIndexPage.allowed_parent_page_models()) == {HomePage}


def test_part_can_only_be_created_under_the_catalogue():
    assert set(CurriculumPartPage.allowed_parent_page_models()) == {CurriculumIndexPage}


def test_module_can_only_be_created_under_a_part():
    assert set(ModulePage.allowed_parent_page_models()) == {CurriculumPartPage}


def test_lesson_can_only_be_created_under_a_module():
    assert set(LessonPage.allowed_parent_page_models()) == {ModulePage}


def test_lesson_has_no_child_pages():
    assert LessonPage.allowed_subpage_models() == []


@pytest.mark.parametrize(
    ("parent", "child"),
    [
        (HomePage, CurriculumIndexPage),
        (CurriculumIndexPage, CurriculumPartPage),
        (CurriculumPartPage, ModulePage),
        (ModulePage, LessonPage),
    ],
)
def test_each_page_type_only_accepts_the_next_level_of_the_curriculum(parent, child):
    assert set(parent.allowed_subpage_models()) == {child}


@pytest.mark.parametrize("child", [CurriculumPartPage, ModulePage, LessonPage])
def test_curriculum_pages_below_the_catalogue_cannot_be_created_at_the_site_root(child):
    assert child not in Page.allowed_subpage_models()
    assert child not in HomePage.allowed_subpage_models()


def test_module_cannot_be_created_directly_under_the_catalogue(site):
    catalogue = CurriculumIndexPageFactory()

    assert not ModulePage.can_create_at(catalogue)
    assert CurriculumPartPage.can_create_at(catalogue)


def test_lesson_can_be_created_under_a_live_module_but_not_under_its_part(site):
    module = ModulePageFactory()

    assert LessonPage.can_create_at(module)
    assert not LessonPage.can_create_at(module.get_parent())


def test_home_page_takes_only_one_catalogue(site):
    home = HomePage.objects.get(locale__language_code="az")
    assert CurriculumIndexPage.can_create_at(home)

    CurriculumIndexPageFactory(parent=home)

    assert not CurriculumIndexPage.can_create_at(home)
