"""Reads for the home page."""

from __future__ import annotations

from curriculum.models import ThematicPart
from people.models import Country


def home_reference_overview() -> dict[str, object]:
    """Countries and the thematic parts with their chapters, in two queries plus one prefetch."""
    return {
        "countries": list(Country.objects.filter(is_rtcm_member=True)),
        "parts": list(ThematicPart.objects.prefetch_related("chapters")),
    }
