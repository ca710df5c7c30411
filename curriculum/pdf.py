"""The module PDF pack: a module and its lessons rendered with WeasyPrint in the page's language."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from curriculum import selectors
from curriculum.models import ModulePage


def module_content_key(module: ModulePage) -> str:
    """Fingerprint of what the pack shows: the module's and its lessons' published revisions."""
    lessons = selectors.module_lessons(module)
    parts = [f"m{module.pk}:{module.live_revision_id}"] + [f"l{lesson.pk}:{lesson.live_revision_id}" for lesson in lessons]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


# The bundled files are subsets of Noto Sans. Declared as one family, WeasyPrint takes the first file
# for every character, and Azerbaijani ə and all of Cyrillic come out blank or as wrong glyphs (it
# does not honour unicode-range); as one family per subset, listed in FONT_STACK, each character
# falls back to the subset that has it.
FONT_SUBSETS = {"latin": "Noto Sans Latin", "latin-ext": "Noto Sans Latin Ext", "cyrillic": "Noto Sans Cyrillic"}
FONT_STACK = ", ".join(f'"{family}"' for family in FONT_SUBSETS.values()) + ", sans-serif"


def pdf_base_url() -> str:
    """The address relative URLs in a PDF's markup are read against: the site's own (SITE_URL)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/"


def _font_faces() -> str:
    """@font-face rules pointing at the bundled Noto Sans files, so PDFs never depend on system fonts.

    The addresses are the files' static URLs on the site: the PDF fetcher (curriculum.pdf_fetcher) reads
    them from disk, and reads nothing that is not a static or media file of the site.
    """
    static_url = urljoin(pdf_base_url(), settings.STATIC_URL)
    rules = []
    for weight in (400, 700):
        for subset, family in FONT_SUBSETS.items():
            name = f"fonts/noto-sans-{subset}-{weight}-normal.woff2"
            if finders.find(name):
                rules.append(
                    f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{static_url}{name}") format("woff2"); }}'
                )
    return "\n".join(rules)


def pdf_fetcher(*, own_data_uris: Iterable[str] = ()) -> Any:
    """WeasyPrint's URL fetcher for the platform's PDFs: the site's static and media files, nothing else."""
    from curriculum.pdf_fetcher import SiteFilesFetcher

    return SiteFilesFetcher(own_data_uris=own_data_uris)


def write_pdf(html: str, *, stylesheets: Iterable[Any] = (), font_config: Any = None, own_data_uris: Iterable[str] = ()) -> bytes:
    """Render HTML to PDF bytes; every file it names is read through `pdf_fetcher` (own_data_uris: data: URIs our code made)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=pdf_base_url(), url_fetcher=pdf_fetcher(own_data_uris=own_data_uris))
    return document.write_pdf(stylesheets=list(stylesheets), font_config=font_config)


def render_module_pdf(module: ModulePage) -> bytes:
    """Render the module and its live lessons to PDF bytes in the module's own language."""
    language = module.locale.language_code
    with translation.override(language):
        html = render_to_string(
            "pdf/module_pack.html",
            {
                "module": module,
                "lessons": selectors.module_lessons(module),
                "activities": selectors.module_activities(module),
                "font_faces": _font_faces(),
                "font_stack": FONT_STACK,
                "language": language,
                "site_name": settings.WAGTAIL_SITE_NAME,
            },
        )
    return write_pdf(html)
