"""Reference rows carry their names in the three interface languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("az", "ru", "en")


class TrilingualName(models.Model):
    """Abstract base: a name in Azerbaijani, Russian and English, shown in the active language."""

    name_az = models.CharField(_("name (Azerbaijani)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "az")[:2]
        if language not in LANGUAGE_CODES:
            language = "en"
        return getattr(self, f"name_{language}") or self.name_en
