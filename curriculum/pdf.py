"""The module PDF pack: a module and its lessons rendered with WeasyPrint in the page's language."""

from __future__ import annotations

import hashlib

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


def _font_faces() -> str:
    """@font-face rules pointing at the bundled Noto Sans files, so PDFs never depend on system fonts."""
    rules = []
    for weight in (400, 700):
        for subset, family in FONT_SUBSETS.items():
            path = finders.find(f"fonts/noto-sans-{subset}-{weight}-normal.woff2")
            if path:
                rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("file://{path}") format("woff2"); }}')
    return "\n".join(rules)


def render_module_pdf(module: ModulePage) -> bytes:
    """Render the module and its live lessons to PDF bytes in the module's own language."""
    from weasyprint import HTML

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
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
