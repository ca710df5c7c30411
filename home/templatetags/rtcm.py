"""Template tags shared by every page: the language switcher."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict[str, object]:
    """Links to the same page in each language: a page's translation, or the same URL's."""
    request = context.get("request")
    page = context.get("page")
    current = (get_language() or settings.LANGUAGE_CODE)[:2]
    page_urls: dict[str, str] = {}
    if isinstance(page, Page) and request is not None:
        # filters carry over to the other language (their values are codes and ids); a search word and the page number do not
        kept = [(name, value) for name, values in request.GET.lists() if name not in {"q", "page"} for value in values if value]
        query = f"?{urlencode(kept)}" if kept else ""
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            url = translation.get_url(request=request)
            if url:
                page_urls[translation.locale.language_code] = url + query
    links = []
    for code, label in settings.LANGUAGES:
        if code in page_urls:
            url = page_urls[code]
        elif isinstance(page, Page):
            url = f"/{code}/"  # the page has no translation in that language: go to its home
        elif request is not None:
            path = request.get_full_path()
            url = translate_url(path, code)
            if url == path and code != current:
                url = f"/{code}/"  # an address without a language (the admin's login page): that language's home
        else:
            url = f"/{code}/"
        links.append({"code": code, "label": label, "url": url, "current": code == current})
    return {"links": links}


@register.simple_tag(takes_context=True)
def catalogue_url(context: template.Context) -> str:
    """URL of the curriculum catalogue in the active language (looked up once per request)."""
    request = context.get("request")
    cached = getattr(request, "_rtcm_catalogue_url", None)
    if cached is not None:
        return cached
    from wagtail.models import Locale

    from curriculum.models import CurriculumIndexPage

    page = CurriculumIndexPage.objects.live().filter(locale=Locale.get_active()).only("url_path", "path", "depth").first()
    url = (page.get_url(request=request) or "") if page else ""
    if request is not None:
        request._rtcm_catalogue_url = url
    return url
