"""The home page of the centre's site (one per language)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from curriculum.blocks import CalloutBlock
from home.selectors import home_reference_overview


class HomePage(Page):
    """The centre's front page: what the centre is, for whom, and where to start."""

    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two sentences under the title saying what the centre does and for whom."),
    )
    body = StreamField(
        [
            ("paragraph", blocks.RichTextBlock(label=_("Paragraph"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])),
            ("callout", CalloutBlock()),
        ],
        blank=True,
        verbose_name=_("body"),
        help_text=_("The main text of the home page."),
    )
    partners_note = RichTextField(
        _("partners note"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Short text in the footer area naming the centre's owners and partners."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body"), FieldPanel("partners_note")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["curriculum.CurriculumIndexPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(home_reference_overview())
        return context


class ServiceHeartbeat(models.Model):
    """When a background service was last seen working: the Celery worker (it ran the heartbeat task) and beat (it
    queued a task). Kept in the database, not the cache, so /health/ still knows while the cache is down."""

    class Service(models.TextChoices):
        WORKER = "worker", _("Celery worker")
        BEAT = "beat", _("Celery beat")

    service = models.CharField(_("service"), max_length=20, choices=Service.choices, unique=True)
    seen_at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("service heartbeat")
        verbose_name_plural = _("service heartbeats")

    def __str__(self) -> str:
        return f"{self.service} {self.seen_at.isoformat()}"
