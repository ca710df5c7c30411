"""The 2021 draft curriculum published as pages: catalogue > 2 parts > 17 modules, in az, ru and en.

Modules come from curriculum/draft_curriculum.py (the report's Chapter 4). The report leaves the
format and duration of modules undefined (L7705-L7717), so durations stay empty. One module, M1,
gets short self-paced lessons built from its own activity lines so that taking a course can be
tried in the demo; docs/curriculum.md explains the choice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from curriculum.draft_curriculum import DRAFT_CURRICULUM
from curriculum.models import (
    CurriculumIndexPage,
    CurriculumPartPage,
    LessonPage,
    ModuleActivity,
    ModuleFormat,
    ModulePage,
    ThematicChapter,
    ThematicPart,
)
from curriculum.reference import PARTS
from home.models import HomePage
from people.models import Language, ParticipantLevel, StakeholderCategory

LANGUAGE_CODES = [code for code, _label in settings.WAGTAIL_CONTENT_LANGUAGES]
SELF_PACED_DEMO_MODULE = "M1"

CATALOGUE_TEXT = {
    "az": {
        "title": "Tədris planı",
        "intro": "<p>Mərkəzin modulları 2021-ci ilin təlim ehtiyaclarının qiymətləndirilməsinin tədris planı layihəsinə əsaslanır.</p>",
    },
    "ru": {
        "title": "Учебная программа",
        "intro": "<p>Модули центра основаны на проекте учебной программы из оценки потребностей в обучении 2021 года.</p>",
    },
    "en": {
        "title": "Curriculum",
        "intro": "<p>The centre's modules follow the draft curriculum of the 2021 training-needs assessment.</p>",
    },
}

LESSON_TEXT = {
    "az": {"intro": "Bu dərs modulun fəaliyyətlərindən birinə həsr olunub.", "audience": "Auditoriya", "level": "Səviyyə"},
    "ru": {"intro": "Этот урок посвящён одному из мероприятий модуля.", "audience": "Аудитория", "level": "Уровень"},
    "en": {"intro": "This lesson covers one of the module's activities.", "audience": "Audience", "level": "Level"},
}


def _lookup() -> dict[str, Any]:
    return {
        "chapters": {c.number: c for c in ThematicChapter.objects.all()},
        "parts": {p.number: p for p in ThematicPart.objects.all()},
        "audiences": {c.code: c for c in StakeholderCategory.objects.all()},
        "levels": {lvl.code: lvl for lvl in ParticipantLevel.objects.all()},
        "languages": {lang.code: lang for lang in Language.objects.filter(code__in=LANGUAGE_CODES)},
    }


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _module_format(module: dict[str, Any]) -> str:
    return ModuleFormat.BLENDED if module["code"] == SELF_PACED_DEMO_MODULE else module["format"]


def _set_module_fields(page: ModulePage, module: dict[str, Any], language: str, lookup: dict[str, Any]) -> None:
    page.title = module["title"][language]
    page.summary = module["summary"][language]
    page.code = module["code"]
    page.format = _module_format(module)
    audiences = {code for activity in module["activities"] for code in activity["audiences"]}
    levels = {code for activity in module["activities"] for code in activity["levels"]}
    page.chapters.set([lookup["chapters"][module["chapter"]]])
    page.audiences.set([lookup["audiences"][code] for code in sorted(audiences)])
    page.levels.set([lookup["levels"][code] for code in sorted(levels)])
    page.delivery_languages.set(list(lookup["languages"].values()))


def _set_activities(page: ModulePage, module: dict[str, Any], language: str, lookup: dict[str, Any]) -> None:
    existing = {activity.number: activity for activity in page.activities.all()}
    activities = []
    for order, data in enumerate(module["activities"]):
        activity = existing.get(data["number"]) or ModuleActivity(number=data["number"], locale=page.locale)
        activity.sort_order = order
        activity.title = data["title"][language]
        activity.kind = data["kind"]
        activity.audience_note = (data.get("audience_note") or {}).get(language, "")
        activity.level_note = (data.get("level_note") or {}).get(language, "")
        activity.audiences.set([lookup["audiences"][code] for code in data["audiences"]])
        activity.levels.set([lookup["levels"][code] for code in data["levels"]])
        activities.append(activity)
    page.activities = activities


def _lesson_body(activity: dict[str, Any], language: str, lookup: dict[str, Any]) -> list[tuple[str, Any]]:
    text = LESSON_TEXT[language]
    audience = ", ".join(getattr(lookup["audiences"][code], f"name_{language}") for code in activity["audiences"])
    level = ", ".join(getattr(lookup["levels"][code], f"name_{language}") for code in activity["levels"]) or "—"
    return [
        ("paragraph", f"<p>{text['intro']}</p><p>{activity['title'][language]}</p>"),
        ("callout", {"heading": activity["number"], "text": f"<p>{text['audience']}: {audience}. {text['level']}: {level}.</p>"}),
    ]


def _ensure_source_tree(locale: Locale, home: HomePage, lookup: dict[str, Any]) -> dict[str, ModulePage]:
    language = locale.language_code
    index = CurriculumIndexPage.objects.filter(locale=locale).first()
    if index is None:
        index = CurriculumIndexPage(
            slug="curriculum", title=CATALOGUE_TEXT[language]["title"], intro=CATALOGUE_TEXT[language]["intro"], locale=locale
        )
        home.add_child(instance=index)
        _publish(index)
    parts = {}
    for number, *_names in PARTS:
        part_page = CurriculumPartPage.objects.filter(locale=locale, part__number=number).first()
        if part_page is None:
            part = lookup["parts"][number]
            part_page = CurriculumPartPage(slug=f"part-{number}", title=getattr(part, f"name_{language}"), part=part, locale=locale)
            index.add_child(instance=part_page)
            _publish(part_page)
        parts[number] = part_page
    modules = {}
    for module in DRAFT_CURRICULUM:
        page = ModulePage.objects.filter(locale=locale, code=module["code"]).first()
        if page is None:
            page = ModulePage(slug=module["code"].lower(), code=module["code"], title=module["title"][language], summary="", locale=locale)
            _set_module_fields(page, module, language, lookup)
            _set_activities(page, module, language, lookup)
            parts[module["part"]].add_child(instance=page)
            _publish(page)
        modules[module["code"]] = page
        if module["code"] == SELF_PACED_DEMO_MODULE and not LessonPage.objects.child_of(page).exists():
            for position, activity in enumerate(module["activities"], start=1):
                lesson = LessonPage(
                    locale=locale,
                    slug=f"lesson-{position}",
                    title=activity["title"][language][:250],
                    estimated_minutes=15,
                    body=_lesson_body(activity, language, lookup),
                )
                page.add_child(instance=lesson)
                _publish(lesson)
    return modules


def _translate(source: Page, locale: Locale, fill: Any) -> Page:
    existing = source.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translation = source.specific.copy_for_translation(locale)
    fill(translation)
    _publish(translation)
    return translation


@transaction.atomic
def load() -> dict[str, int]:
    """Publish the draft curriculum in the default language and translate it; idempotent."""
    lookup = _lookup()
    source_locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    home = HomePage.objects.get(locale=source_locale)
    source_modules = _ensure_source_tree(source_locale, home, lookup)
    index = CurriculumIndexPage.objects.get(locale=source_locale)
    by_code = {module["code"]: module for module in DRAFT_CURRICULUM}
    for language in LANGUAGE_CODES:
        if language == settings.LANGUAGE_CODE:
            continue
        locale = Locale.objects.get(language_code=language)

        def fill_index(page: CurriculumIndexPage, language: str = language) -> None:
            page.title = CATALOGUE_TEXT[language]["title"]
            page.intro = CATALOGUE_TEXT[language]["intro"]

        _translate(index, locale, fill_index)
        for part_page in CurriculumPartPage.objects.filter(locale=source_locale).select_related("part"):

            def fill_part(page: CurriculumPartPage, language: str = language, part: ThematicPart = part_page.part) -> None:
                page.title = getattr(part, f"name_{language}")

            _translate(part_page, locale, fill_part)
        for code, source in source_modules.items():
            data = by_code[code]

            def fill_module(page: ModulePage, language: str = language, data: dict[str, Any] = data) -> None:
                _set_module_fields(page, data, language, lookup)
                _set_activities(page, data, language, lookup)

            _translate(source, locale, fill_module)
            for position, lesson in enumerate(LessonPage.objects.child_of(source).order_by("path"), start=1):
                activity = data["activities"][position - 1]

                def fill_lesson(page: LessonPage, language: str = language, activity: dict[str, Any] = activity) -> None:
                    page.title = activity["title"][language][:250]
                    page.body = _lesson_body(activity, language, lookup)

                _translate(lesson, locale, fill_lesson)
    return {
        "modules": ModulePage.objects.count(),
        "activities": ModuleActivity.objects.count(),
        "lessons": LessonPage.objects.count(),
    }


# (module code, language, days from today to the first day, days, city or "" for online, ISO country, seats, status)
DEMO_SESSIONS: list[tuple[str, str, int, int, str, str, int, str]] = [
    ("M13", "ru", 45, 3, "Bakı", "AZ", 20, "open"),
    ("M21", "en", 60, 2, "", "", 30, "open"),
    ("M11", "az", 90, 5, "Bakı", "AZ", 16, "draft"),
]


@transaction.atomic
def load_sessions() -> dict[str, int]:
    """Upcoming demo sessions of three draft-curriculum modules, with the demo trainer on them and the demo trainee
    applying to the first; a session that exists (same module, language and place) is left alone."""
    from curriculum import enrolment
    from curriculum.models import SessionStatus, TrainingSession
    from people.models import Country, User

    trainer = User.objects.filter(email="trainer@rtcm.example.org").first()
    trainee = User.objects.filter(email="trainee@rtcm.example.org").first()
    today = timezone.localdate()
    for code, language, offset, length, city, country, seats, status in DEMO_SESSIONS:
        module = ModulePage.objects.filter(code=code, locale__language_code=settings.LANGUAGE_CODE).first()
        if module is None:
            continue
        start = today + datetime.timedelta(days=offset)
        session, created = TrainingSession.objects.get_or_create(
            module=module,
            language=Language.objects.get(code=language),
            venue_city=city,
            defaults={
                "start_date": start,
                "end_date": start + datetime.timedelta(days=length - 1),
                "application_deadline": start - datetime.timedelta(days=14),
                "daily_schedule": "09:30–17:00",
                "venue_country": Country.objects.filter(iso_code=country).first(),
                "online_url": "" if city else "https://meet.example.org/rtcm-demo",
                "capacity": seats,
                "women_target_percent": 50,
                "status": status,
            },
        )
        if created and trainer is not None:
            session.trainers.add(trainer)
        if created and trainee is not None and code == "M13" and session.status == SessionStatus.OPEN:
            enrolment.session_apply(
                session=session,
                trainee=trainee,
                motivation="Demo data: I coordinate the labour-migration desk of my agency.",
                organisation_confirmed=True,
                position_confirmed=True,
            )
    return {"sessions": TrainingSession.objects.count()}
