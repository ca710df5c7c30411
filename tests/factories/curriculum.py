"""Factories for the curriculum page tree: catalogue > part > module > lesson, and a module's activities.

Pages go under the parent passed in (`parent=`). The catalogue defaults to the home page of the
default language (the `site` fixture makes it). Modules and lessons are published through a
revision, as an editor would, unless built with `live=False` (a draft). `revision=False` skips the
revision for long listings (the page is live, as `add_child` leaves it).
"""

from __future__ import annotations

import datetime

import factory
import wagtail_factories
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale

from curriculum.models import (
    ActivityKind,
    CurriculumIndexPage,
    CurriculumPartPage,
    LessonPage,
    ModuleActivity,
    ModuleFormat,
    ModulePage,
    SessionStatus,
    ThematicChapter,
    ThematicPart,
    TrainingSession,
)
from home.models import HomePage
from people.models import Country, Language


def _default_home() -> HomePage:
    return HomePage.objects.get(locale=Locale.objects.get(language_code=settings.LANGUAGE_CODE))


def _publish(page: object, create: bool, live: bool) -> None:
    """Save a revision and publish it (a draft keeps its revision unpublished)."""
    if not create:
        return
    if not live:
        page.save()  # a draft still has its relations in the database, as the admin's "save draft" leaves them
    revision = page.save_revision()
    if live:
        revision.publish()


class CurriculumIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CurriculumIndexPage

    title = "Curriculum"
    slug = "curriculum"
    parent = factory.LazyFunction(_default_home)


class CurriculumPartPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CurriculumPartPage

    part = factory.LazyFunction(lambda: ThematicPart.objects.get(number=1))
    title = factory.LazyAttribute(lambda page: page.part.name_en)
    slug = factory.LazyAttribute(lambda page: f"part-{page.part.number}")
    parent = factory.SubFactory(CurriculumIndexPageFactory)


class ModulePageFactory(wagtail_factories.PageFactory):
    """A published module; pass chapters/audiences/levels/delivery_languages as lists, activities as a count."""

    class Meta:
        model = ModulePage
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n}")
    title = factory.Sequence(lambda n: f"Test module {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.code))
    summary = factory.LazyAttribute(lambda page: f"What {page.title} teaches.")
    format = ModuleFormat.TRAINING_COURSE
    parent = factory.SubFactory(CurriculumPartPageFactory)

    @factory.post_generation
    def chapters(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.chapters.set(extracted if extracted is not None else [ThematicChapter.objects.get(number=1)])

    @factory.post_generation
    def audiences(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.audiences.set(extracted)

    @factory.post_generation
    def levels(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.levels.set(extracted)

    @factory.post_generation
    def delivery_languages(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.delivery_languages.set(extracted)

    @factory.post_generation
    def activities(self, create: bool, extracted: int | None, **kwargs: object) -> None:
        """`activities=N` adds N activity lines before the page is published, so the revision holds them."""
        if create and extracted:
            self.activities = [ModuleActivityFactory.build(module=self, locale=self.locale) for _ in range(extracted)]

    @factory.post_generation
    def revision(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Last hook, so the revision records the relations set above; `revision=False` (for long listings) only saves them."""
        if create and extracted is False:
            self.save(clean=False)
        else:
            _publish(self, create, self.live)


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    summary = "A short lesson."
    estimated_minutes = 15
    body = factory.LazyFunction(lambda: [("paragraph", "<p>What the lesson says.</p>")])
    parent = factory.SubFactory(ModulePageFactory)

    @factory.post_generation
    def revision(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        _publish(self, create, self.live)


class ModuleActivityFactory(factory.django.DjangoModelFactory):
    """An activity line of a module; saved on its own, outside a page revision."""

    class Meta:
        model = ModuleActivity
        skip_postgeneration_save = True

    module = factory.SubFactory(ModulePageFactory)
    locale = factory.LazyAttribute(lambda activity: activity.module.locale)
    number = factory.Sequence(lambda n: f"1.{n}")
    title = factory.Sequence(lambda n: f"Activity {n}")
    kind = ActivityKind.TRAINING
    sort_order = factory.Sequence(int)

    @factory.post_generation
    def audiences(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.audiences.set(extracted)
            self.save()

    @factory.post_generation
    def levels(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.levels.set(extracted)
            self.save()


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """An open session in Baku, in Russian, a month from now, with 10 seats; pass `module=` (a published ModulePage)."""

    class Meta:
        model = TrainingSession

    language = factory.LazyFunction(lambda: Language.objects.get(code="ru"))
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda session: session.start_date + datetime.timedelta(days=2))
    application_deadline = factory.LazyAttribute(lambda session: session.start_date - datetime.timedelta(days=7))
    daily_schedule = "09:30–17:00"
    venue_city = "Bakı"
    venue_country = factory.LazyFunction(lambda: Country.objects.get(iso_code="AZ"))
    capacity = 10
    status = SessionStatus.OPEN
