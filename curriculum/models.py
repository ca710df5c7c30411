"""The thematic taxonomy the curriculum and the priority matrix share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from people.translated import TrilingualName


class ThematicPart(TrilingualName):
    """One of the two parts of the curriculum (foundations; key areas)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("curriculum part")
        verbose_name_plural = _("curriculum parts")


class ThematicChapter(TrilingualName):
    """One of the 22 thematic chapters of the 2021 needs assessment's priority matrix."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    part = models.ForeignKey(ThematicPart, verbose_name=_("part"), on_delete=models.PROTECT, related_name="chapters")

    class Meta:
        ordering = ["number"]
        verbose_name = _("thematic chapter")
        verbose_name_plural = _("thematic chapters")
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=99), name="chapter_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"
