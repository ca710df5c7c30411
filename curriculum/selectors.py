"""Reads of the curriculum: the catalogue, a module with its lessons, a trainee's progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.models import Locale

from curriculum.models import (
    ApplicationStatus,
    CurriculumIndexPage,
    LessonPage,
    LessonProgress,
    ModuleActivity,
    ModulePage,
    SessionApplication,
    SessionStatus,
    TrainingSession,
)
from curriculum.search import searchable_text

CARD_PREFETCH = ("chapters", "audiences", "levels", "delivery_languages")


def modules_for_listing(locale: Locale) -> QuerySet[ModulePage]:
    """Live, public modules of one language with everything a catalogue card shows, prefetched."""
    return ModulePage.objects.live().public().filter(locale=locale).prefetch_related(*CARD_PREFETCH).order_by("path")


def catalogue_module_ids(*, locale: Locale, filters: dict[str, Any]) -> list[int]:
    """Ids of the catalogue's modules for validated filters, in display order (search ranking when
    there is a query, else tree order). Only ids: the page of results is fetched afterwards."""
    modules = ModulePage.objects.live().public().filter(locale=locale)
    if filters.get("chapter"):
        modules = modules.filter(chapters=filters["chapter"])
    if filters.get("part"):
        modules = modules.filter(chapters__part=filters["part"])
    if filters.get("audience"):
        modules = modules.filter(audiences=filters["audience"])
    if filters.get("level"):
        modules = modules.filter(levels=filters["level"])
    if filters.get("format"):
        modules = modules.filter(format=filters["format"])
    if filters.get("language"):
        modules = modules.filter(delivery_languages=filters["language"])
    ids = list(modules.order_by("path").values_list("pk", flat=True).distinct())
    query = searchable_text(filters.get("q") or "", locale.language_code)
    if not query:
        return ids
    allowed = set(ids)
    ranked = ModulePage.objects.live().filter(locale=locale).search(query, operator="and")
    return [page.pk for page in ranked if page.pk in allowed]


def modules_by_ids(ids: list[int]) -> list[ModulePage]:
    """Modules for a page of results, with their card data prefetched, in the order of `ids`."""
    by_id = {module.pk: module for module in ModulePage.objects.filter(pk__in=ids).prefetch_related(*CARD_PREFETCH)}
    return [by_id[pk] for pk in ids if pk in by_id]


def catalogue_modules(*, locale: Locale, filters: dict[str, Any]) -> list[ModulePage]:
    """Every module of the catalogue for these filters (for callers that want them all at once)."""
    return modules_by_ids(catalogue_module_ids(locale=locale, filters=filters))


def catalogue_page_for(locale: Locale) -> CurriculumIndexPage | None:
    """The catalogue page of a language, if it exists."""
    return CurriculumIndexPage.objects.live().filter(locale=locale).first()


@dataclass(frozen=True)
class LessonEntry:
    """A lesson in a module's list, with the trainee's state of it."""

    lesson: LessonPage
    completed: bool
    visited: bool


def module_lessons(module: ModulePage) -> list[LessonPage]:
    """The module's live lessons in tree order."""
    return list(LessonPage.objects.live().public().child_of(module).order_by("path"))


def module_activities(module: ModulePage) -> list[ModuleActivity]:
    """The module's activity lines with their audiences and levels."""
    return list(module.activities.all().prefetch_related("audiences", "levels").order_by("sort_order"))


def progress_by_lesson(*, user: Any, lesson_keys: Iterable[UUID]) -> dict[UUID, LessonProgress]:
    """The trainee's progress rows for these lessons, by lesson translation key."""
    if not user.is_authenticated:
        return {}
    return {row.lesson_key: row for row in LessonProgress.objects.filter(user=user, lesson_key__in=list(lesson_keys))}


def lesson_entries(*, module: ModulePage, user: Any) -> list[LessonEntry]:
    """The module's lessons with whether the trainee has opened and completed each."""
    lessons = module_lessons(module)
    progress = progress_by_lesson(user=user, lesson_keys=[lesson.translation_key for lesson in lessons])
    return [
        LessonEntry(
            lesson=lesson,
            visited=lesson.translation_key in progress,
            completed=bool(progress.get(lesson.translation_key) and progress[lesson.translation_key].completed_at),
        )
        for lesson in lessons
    ]


@dataclass(frozen=True)
class ModuleProgress:
    """A trainee's progress through one module, for "my learning"."""

    module: ModulePage
    completed: int
    total: int
    resume: LessonPage | None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def learning_progress(*, user: Any, locale: Locale) -> list[ModuleProgress]:
    """Modules the trainee has started, in the current language, with counts and where to resume."""
    rows = list(LessonProgress.objects.filter(user=user).order_by("-last_visited_at"))
    if not rows:
        return []
    module_keys = list(dict.fromkeys(row.module_key for row in rows))
    modules = {m.translation_key: m for m in ModulePage.objects.live().filter(locale=locale, translation_key__in=module_keys)}
    # every live lesson of those modules in one query; a lesson's parent is its path minus one step
    paths = {module.path: module.translation_key for module in modules.values()}
    lessons_by_module: dict[UUID, list[LessonPage]] = {key: [] for key in modules}
    if paths:
        step = LessonPage.steplen
        candidates = LessonPage.objects.live().public().filter(locale=locale, depth__in={len(p) // step + 1 for p in paths})
        for lesson in candidates.order_by("path"):
            key = paths.get(lesson.path[:-step])
            if key is not None:
                lessons_by_module[key].append(lesson)
    result = []
    for key in module_keys:
        module = modules.get(key)
        if module is None:
            continue
        lessons = {lesson.translation_key: lesson for lesson in lessons_by_module[key]}
        module_rows = [row for row in rows if row.module_key == key and row.lesson_key in lessons]
        if not module_rows:
            continue
        # resume the lesson last opened and not finished; else the first lesson not finished yet
        open_row = next((row for row in module_rows if row.completed_at is None), None)
        done = {row.lesson_key for row in module_rows if row.completed_at}
        resume = (
            lessons[open_row.lesson_key]
            if open_row
            else next((les for les in lessons_by_module[key] if les.translation_key not in done), None)
        )
        result.append(ModuleProgress(module=module, completed=len(done), total=len(lessons), resume=resume))
    return result


def user_role_codes(user: Any) -> frozenset[str]:
    """The role codes of a user (one query), as the templates' `user_roles` sees them."""
    from people.context_processors import role_codes_for

    return role_codes_for(user)


def is_session_participant(*, user: Any, module: ModulePage) -> bool:
    """Whether the trainee has a confirmed place in a session of this module (in any of its languages) that is not cancelled."""
    return (
        SessionApplication.objects.filter(
            trainee=user,
            status=ApplicationStatus.APPROVED,
            session__module__translation_key=module.translation_key,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .exists()
    )


def can_take_module(*, user: Any, module: ModulePage) -> bool:
    """Self-paced modules are open to every signed-in trainee; others to session participants and staff."""
    if not user.is_authenticated:
        return False
    if module.is_self_paced:
        return True
    if user_role_codes(user) & {"trainer", "coordinator", "administrator"}:
        return True
    return is_session_participant(user=user, module=module)


@dataclass(frozen=True)
class ChapterCoverage:
    """A thematic chapter with the modules that teach it (in the default language)."""

    chapter: Any
    modules: list[ModulePage]

    @property
    def is_gap(self) -> bool:
        return not self.modules


def chapter_coverage(locale: Locale) -> list[ChapterCoverage]:
    """Every chapter with its modules; chapters with none are the curriculum's gaps."""
    from curriculum.models import ThematicChapter

    modules = ModulePage.objects.filter(locale=locale).order_by("code").prefetch_related("chapters")
    by_chapter: dict[int, list[ModulePage]] = {}
    for module in modules:
        for chapter in module.chapters.all():
            by_chapter.setdefault(chapter.pk, []).append(module)
    return [
        ChapterCoverage(chapter=chapter, modules=by_chapter.get(chapter.pk, []))
        for chapter in ThematicChapter.objects.select_related("part")
    ]


@dataclass(frozen=True)
class TranslationState:
    """The state of one module's translation into one language."""

    language: str
    page: ModulePage | None
    state: str  # "missing", "draft", "outdated" or "current"


def translation_report(source_locale: Locale) -> list[tuple[ModulePage, list[TranslationState]]]:
    """For each source module, whether each other language has it, and whether it is older than the source."""
    sources = list(ModulePage.objects.filter(locale=source_locale).order_by("code"))
    others = list(Locale.objects.exclude(pk=source_locale.pk).order_by("language_code"))
    translations = {
        (page.translation_key, page.locale_id): page
        for page in ModulePage.objects.filter(translation_key__in=[s.translation_key for s in sources]).exclude(locale=source_locale)
    }
    report = []
    for source in sources:
        states = []
        for locale in others:
            page = translations.get((source.translation_key, locale.pk))
            if page is None:
                state = "missing"
            elif not page.live:
                state = "draft"
            elif source.last_published_at and page.last_published_at and page.last_published_at < source.last_published_at:
                state = "outdated"
            else:
                state = "current"
            states.append(TranslationState(language=locale.language_code, page=page, state=state))
        report.append((source, states))
    return report


def upcoming_sessions(module: ModulePage) -> list[TrainingSession]:
    """Sessions of a module (in any of its languages) that are open or planned and have not ended, soonest first."""
    return list(
        TrainingSession.objects.filter(
            module__translation_key=module.translation_key,
            status__in=[SessionStatus.OPEN, SessionStatus.CLOSED, SessionStatus.IN_PROGRESS],
            end_date__gte=timezone.localdate(),
        )
        .select_related("language", "venue_country")
        .annotate(approved=Count("applications", filter=Q(applications__status=ApplicationStatus.APPROVED)))
        .order_by("start_date", "pk")
    )


def public_session(session_id: int) -> TrainingSession | None:
    """A session visitors may see (not a draft), with its module, language and place."""
    return (
        TrainingSession.objects.exclude(status=SessionStatus.DRAFT)
        .select_related("module", "language", "venue_country")
        .annotate(approved=Count("applications", filter=Q(applications__status=ApplicationStatus.APPROVED)))
        .filter(pk=session_id, module__live=True)
        .first()
    )


def applications_of(user: Any) -> list[SessionApplication]:
    """A trainee's applications, newest sessions first, with their sessions' modules and places."""
    if not user.is_authenticated:
        return []
    return list(
        SessionApplication.objects.filter(trainee=user)
        .select_related("session__module", "session__language", "session__venue_country")
        .order_by("-session__start_date", "-pk")
    )


def application_of(user: Any, application_id: int) -> SessionApplication | None:
    """The application if it is the user's own, else None (so others get a 404)."""
    if not user.is_authenticated:
        return None
    return SessionApplication.objects.select_related("session__module").filter(pk=application_id, trainee=user).first()
