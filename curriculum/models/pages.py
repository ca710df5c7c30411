"""The thematic taxonomy, and the curriculum pages: index (catalogue) > part > module > lesson."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from curriculum.blocks import BodyBlock
from people.models import Language, ParticipantLevel, StakeholderCategory
from people.translated import TrilingualName

__all__ = [
    "ActivityKind",
    "CurriculumIndexPage",
    "CurriculumPartPage",
    "LessonPage",
    "LessonProgress",
    "ModuleActivity",
    "ModuleFormat",
    "ModuleMaterial",
    "ModulePage",
    "ModulePdf",
    "ThematicChapter",
    "ThematicPart",
]


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


# --- The curriculum page tree: index (catalogue) > part > module > lesson ---------------------


class ModuleFormat(models.TextChoices):
    """How a module is delivered."""

    TRAINING_COURSE = "training_course", _("Training course")
    POLICY_DIALOGUE = "policy_dialogue", _("Policy dialogue")
    SEMINAR = "seminar", _("Seminar")
    MEDIA_BRIEFING = "media_briefing", _("Media briefing")
    E_LEARNING = "e_learning", _("E-learning (self-paced)")
    BLENDED = "blended", _("Blended")


class ActivityKind(models.TextChoices):
    """The kind of one activity line of a module."""

    TRAINING = "training", _("Training")
    POLICY_DIALOGUE = "policy_dialogue", _("Policy dialogue")
    SEMINAR = "seminar", _("Seminar")
    PRESENTATION = "presentation", _("Presentation")
    GOOD_PRACTICE_EXCHANGE = "good_practice_exchange", _("Exchange of good practices")
    MEDIA_BRIEFING = "media_briefing", _("Media briefing")
    RESEARCH = "research", _("Research")


class CurriculumIndexPage(Page):
    """The catalogue of modules: one per language, under the home page."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("A short text above the catalogue saying who the modules are for."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["curriculum.CurriculumPartPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("curriculum catalogue")
        verbose_name_plural = _("curriculum catalogues")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from curriculum.views import catalogue

        return catalogue(request, self)


class CurriculumPartPage(Page):
    """One of the two parts of the curriculum; trainers are given parts to author."""

    part = models.ForeignKey(
        ThematicPart,
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="pages",
        help_text=_("Which of the curriculum's two parts this page holds."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"], help_text=_("What this part covers."))

    content_panels = [*Page.content_panels, FieldPanel("part"), FieldPanel("intro")]
    parent_page_types = ["curriculum.CurriculumIndexPage"]
    subpage_types = ["curriculum.ModulePage"]

    class Meta:
        verbose_name = _("curriculum part")
        verbose_name_plural = _("curriculum parts")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from curriculum.views import part_modules

        context = super().get_context(request, *args, **kwargs)
        context["modules"] = part_modules(self)
        return context


class ModulePage(Page):
    """A curriculum module: what it teaches, to whom, at which level, and its lessons."""

    code = models.CharField(
        _("code"),
        max_length=12,
        help_text=_('Short code shared by all translations, for example "M13" for the module of chapter 13.'),
    )
    summary = models.TextField(_("summary"), help_text=_("Two or three sentences shown in the catalogue."))
    learning_objectives = RichTextField(
        _("learning objectives"),
        blank=True,
        features=["ol", "ul", "bold", "italic"],
        help_text=_("What participants will be able to do afterwards; one objective per list item."),
    )
    chapters = ParentalManyToManyField(
        ThematicChapter, verbose_name=_("thematic chapters"), related_name="modules", help_text=_("The chapters this module teaches.")
    )
    audiences = ParentalManyToManyField(StakeholderCategory, verbose_name=_("target audiences"), related_name="modules", blank=True)
    levels = ParentalManyToManyField(ParticipantLevel, verbose_name=_("levels"), related_name="modules", blank=True)
    format = models.CharField(_("format"), max_length=20, choices=ModuleFormat.choices, default=ModuleFormat.TRAINING_COURSE)
    duration_hours = models.DecimalField(
        _("duration in hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Leave empty while the duration is not decided."),
    )
    delivery_languages = ParentalManyToManyField(Language, verbose_name=_("languages of delivery"), related_name="modules", blank=True)
    prerequisites = ParentalManyToManyField(
        "self", verbose_name=_("prerequisite modules"), symmetrical=False, blank=True, related_name="required_by"
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"), help_text=_("The module's description for participants."))

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        MultiFieldPanel(
            [
                FieldPanel("chapters", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("levels", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Themes, audiences and levels"),
        ),
        MultiFieldPanel(
            [FieldPanel("format"), FieldPanel("duration_hours"), FieldPanel("delivery_languages", widget=forms.CheckboxSelectMultiple)],
            heading=_("Delivery"),
        ),
        FieldPanel("prerequisites"),
        FieldPanel("body"),
        InlinePanel("activities", heading=_("Activities"), label=_("Activity")),
        InlinePanel("materials", heading=_("Materials"), label=_("Material")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("code"),
        index.SearchField("summary"),
        index.SearchField("search_terms"),
        index.FilterField("format"),
    ]
    parent_page_types = ["curriculum.CurriculumPartPage"]
    subpage_types = ["curriculum.LessonPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    @property
    def is_self_paced(self) -> bool:
        """E-learning and blended modules (whose online part is self-paced) are open to every signed-in trainee."""
        return self.format in {ModuleFormat.E_LEARNING, ModuleFormat.BLENDED}

    def search_terms(self) -> str:
        """Text folded for search: without diacritics and reduced to word stems (see curriculum.search)."""
        from curriculum.search import searchable_text

        activities = " ".join(activity.title for activity in self.activities.all())
        return searchable_text(" ".join([self.title, self.summary, activities]), self.locale.language_code)

    def clean(self) -> None:
        super().clean()
        if self.code:
            self.code = self.code.strip().upper()
            clash = ModulePage.objects.filter(code=self.code, locale_id=self.locale_id).exclude(translation_key=self.translation_key)
            if clash.exists():
                raise ValidationError({"code": _("Another module already uses this code.")})

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from curriculum.views import module_context

        context = super().get_context(request, *args, **kwargs)
        context.update(module_context(request, self))
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from curriculum.views import module_detail

        return module_detail(request, self)


class ModuleActivity(TranslatableMixin, Orderable, ClusterableModel):
    """One activity line of a module (from the draft curriculum), with its own audience and level."""

    module = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="activities")
    number = models.CharField(_("number"), max_length=10, help_text=_('Number within the curriculum, for example "13.2".'))
    title = models.TextField(_("activity"))
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices, default=ActivityKind.TRAINING)
    audiences = ParentalManyToManyField(StakeholderCategory, verbose_name=_("audience"), related_name="activities", blank=True)
    audience_note = models.CharField(
        _("audience note"), max_length=255, blank=True, help_text=_('A qualification of the audience, e.g. "process led by universities".')
    )
    levels = ParentalManyToManyField(ParticipantLevel, verbose_name=_("level"), related_name="activities", blank=True)
    level_note = models.CharField(_("level note"), max_length=255, blank=True)

    panels = [
        FieldPanel("number"),
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
        FieldPanel("audience_note"),
        FieldPanel("levels", widget=forms.CheckboxSelectMultiple),
        FieldPanel("level_note"),
    ]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return f"{self.number} {self.title[:60]}"


class ModuleMaterial(TranslatableMixin, Orderable):
    """A handbook or other document of a module, with the language it is written in."""

    module = ParentalKey(ModulePage, on_delete=models.CASCADE, related_name="materials")
    document = models.ForeignKey("wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=255, blank=True, help_text=_("Leave empty to use the document's title."))
    language = models.ForeignKey(Language, verbose_name=_("language of the material"), on_delete=models.PROTECT, related_name="+")

    panels = [FieldPanel("document"), FieldPanel("title"), FieldPanel("language")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title or str(self.document)


class LessonPage(Page):
    """A unit of a module that a trainee works through."""

    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences shown in the module's list of lessons."))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), null=True, blank=True, help_text=_("How long the lesson takes, roughly.")
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("estimated_minutes"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["curriculum.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from curriculum.views import lesson_detail

        return lesson_detail(request, self)


class LessonProgress(models.Model):
    """A trainee's progress through one lesson, whatever language they read it in.

    Lessons and modules are referred to by their translation key, so switching from the Russian to
    the Azerbaijani version of a module keeps the progress.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="lesson_progress")
    lesson_key = models.UUIDField(_("lesson"), db_index=True)
    module_key = models.UUIDField(_("module"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    last_visited_at = models.DateTimeField(_("last visited at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["user", "lesson_key"], name="lessonprogress_one_row_per_trainee_and_lesson")]
        indexes = [models.Index(fields=["user", "module_key", "-last_visited_at"], name="lessonprogress_resume_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.lesson_key}"


class ModulePdf(models.Model):
    """A rendered PDF pack of a module and its lessons in one language, kept until the content changes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    module = models.ForeignKey(ModulePage, verbose_name=_("module"), on_delete=models.CASCADE, related_name="pdf_packs")
    content_key = models.CharField(
        _("content key"), max_length=64, help_text=_("Fingerprint of the published revisions the PDF was made from.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="module-packs/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("module PDF pack")
        verbose_name_plural = _("module PDF packs")
        constraints = [models.UniqueConstraint(fields=["module", "content_key"], name="modulepdf_one_per_module_version")]

    def __str__(self) -> str:
        return f"{self.module_id} {self.content_key[:8]} {self.status}"
