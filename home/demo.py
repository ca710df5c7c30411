"""The home page in Azerbaijani, Russian and English, with the centre's real description."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from home.models import HomePage

# Facts from the 2021 needs assessment (dual mandate, owners, the 13 countries, the 22 chapters).
HOME_CONTENT: dict[str, dict[str, object]] = {
    "az": {
        "title": "Miqrasiya üzrə Regional Təlim Mərkəzi",
        "intro": (
            "Bakıdakı Mərkəz 13 ölkənin dövlət qurumları, vətəndaş cəmiyyəti təşkilatları və media nümayəndələri üçün "
            "miqrasiya üzrə təlimlər və regional siyasət dialoqu təşkil edir."
        ),
        "body": [
            (
                "paragraph",
                "<p>Mərkəz Azərbaycan Respublikasının Dövlət Miqrasiya Xidməti və Beynəlxalq Miqrasiya Təşkilatı (BMqT) "
                "tərəfindən yaradılıb. Onun tədris planı 2021-ci ildə aparılmış təlim ehtiyaclarının qiymətləndirilməsinə "
                "əsaslanır: 22 tematik fəsil, iki hissə və hər ölkə üçün prioritetlər.</p>",
            ),
            (
                "callout",
                {
                    "heading": "Necə başlamaq olar",
                    "text": (
                        "<p>Qeydiyyatdan keçin, profilinizdə ölkənizi və təşkilatınızı göstərin və təlim sessiyalarına müraciət edin.</p>"
                    ),
                },
            ),
        ],
        "partners": "<p>Dövlət Miqrasiya Xidməti və BMqT-nin birgə təşəbbüsü.</p>",
    },
    "ru": {
        "title": "Региональный учебный центр по миграции",
        "intro": (
            "Центр в Баку проводит обучение и региональный политический диалог по вопросам миграции для государственных "
            "органов, организаций гражданского общества и СМИ 13 стран."
        ),
        "body": [
            (
                "paragraph",
                "<p>Центр создан Государственной миграционной службой Азербайджанской Республики и Международной организацией "
                "по миграции (МОМ). Его учебная программа основана на оценке потребностей в обучении, проведённой в 2021 году: "
                "22 тематические главы, две части и приоритеты для каждой страны.</p>",
            ),
            (
                "callout",
                {
                    "heading": "С чего начать",
                    "text": "<p>Зарегистрируйтесь, укажите в профиле свою страну и организацию и подавайте заявки на учебные сессии.</p>",
                },
            ),
        ],
        "partners": "<p>Совместная инициатива Государственной миграционной службы и МОМ.</p>",
    },
    "en": {
        "title": "Regional Training Centre on Migration",
        "intro": (
            "The centre in Baku runs migration training and regional policy dialogue for government bodies, "
            "civil-society organisations and media from 13 countries."
        ),
        "body": [
            (
                "paragraph",
                "<p>The centre was set up by the State Migration Service of the Republic of Azerbaijan and the International "
                "Organization for Migration (IOM). Its curriculum follows the 2021 training-needs assessment: 22 thematic "
                "chapters in two parts, with priorities for each country.</p>",
            ),
            (
                "callout",
                {
                    "heading": "How to start",
                    "text": "<p>Register, give your country and organisation in your profile, and apply for training sessions.</p>",
                },
            ),
        ],
        "partners": "<p>A joint initiative of the State Migration Service and IOM.</p>",
    },
}


def _apply(page: HomePage, language: str) -> None:
    content = HOME_CONTENT[language]
    page.title = str(content["title"])
    page.intro = str(content["intro"])
    page.body = list(content["body"])  # type: ignore[arg-type]
    page.partners_note = str(content["partners"])


@transaction.atomic
def load() -> dict[str, int]:
    """Create the locales and the home page in each language; make it the site's root. Idempotent."""
    for code, _label in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    default_locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        # Replace Wagtail's placeholder welcome page with the centre's home page.
        for placeholder in root.get_children().filter(slug="home").exclude(content_type__model="homepage"):
            placeholder.delete()
        home = HomePage(slug="home", locale=default_locale)
        _apply(home, settings.LANGUAGE_CODE)
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="RTCM")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "RTCM"
        site.save()
    created = 0
    for code, _label in settings.WAGTAIL_CONTENT_LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        locale = Locale.objects.get(language_code=code)
        if home.get_translation_or_none(locale) is not None:
            continue
        translation = home.copy_for_translation(locale)
        _apply(translation, code)
        translation.save_revision().publish()
        created += 1
    return {"home_pages": HomePage.objects.count(), "translations_created": created}
