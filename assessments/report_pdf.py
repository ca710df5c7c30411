"""PDF rendering for the background reports: a template with the bundled Noto Sans fonts, and moments as the reports show them."""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A template rendered to PDF with the bundled Noto Sans fonts (ə ğ ı ş ç ö ü and Cyrillic), as certificates are."""
    from curriculum.certificates import font_stylesheet
    from curriculum.pdf import FONT_STACK, write_pdf

    html = render_to_string(template, {**context, "font_stack": FONT_STACK})
    font_config, fonts = font_stylesheet()
    return write_pdf(html, stylesheets=[fonts], font_config=font_config)


def _when(moment: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"
