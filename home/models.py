"""The home page of the centre's site (one per language)."""

from __future__ import annotations

import uuid
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


class QueuedTask(models.Model):
    """A background job the site owes someone (an e-mail, certificates, an export): the transactional outbox.

    Written in the same transaction as the change that asks for it, so a committed change always has its job; the
    broker only carries a copy. The worker marks the row started (with a heartbeat), done or failed; beat's sweep
    (home/outbox.py) publishes again what the broker never got or a killed worker left half done.
    """

    task_id = models.UUIDField(_("task id"), unique=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("last handed to the broker at"), null=True, blank=True)
    publish_count = models.PositiveIntegerField(_("times handed to the broker"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat at"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=255, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [
            models.Index(
                fields=["created_at"], name="home_queuedtask_open", condition=models.Q(done_at__isnull=True, failed_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)}"
