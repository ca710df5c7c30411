"""Survey instruments (questionnaires, evaluations, knowledge tests) and the background export jobs; who is asked and
what they answered is in `responses`.

Instruments, their sections, questions and options are real rows (they are scored, filtered and
exported), authored in the Wagtail admin with their texts in Azerbaijani, Russian and English.
Answers are stored one row per answered question (per option of a multiple choice, per chapter of
a priority grid), so summaries and the priority matrix aggregate in the database.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from people.models import StakeholderCategory

__all__ = [
    "CHOICE_KINDS",
    "LANGUAGE_CODES",
    "PRIORITY_SCORES",
    "SESSION_PURPOSES",
    "TEST_PURPOSES",
    "TEXT_KINDS",
    "ExportJob",
    "ExportStatus",
    "Instrument",
    "InstrumentStatus",
    "Option",
    "Purpose",
    "Question",
    "QuestionKind",
    "Section",
    "export_upload_path",
    "in_language",
    "private_storage",
    "respondent_token",
]

LANGUAGE_CODES = ("az", "ru", "en")


def in_language(row: models.Model, field: str, language: str | None = None) -> str:
    """The text of `field` in `language` (default: the active one), falling back to English, then Azerbaijani."""
    language = (language or get_language() or "az")[:2]
    if language not in LANGUAGE_CODES:
        language = "en"
    return getattr(row, f"{field}_{language}") or getattr(row, f"{field}_en") or getattr(row, f"{field}_az")


def private_storage() -> Storage:
    """Exports hold answers: kept in the storage no URL serves, downloaded through a permission check."""
    return storages["private"]


def respondent_token() -> str:
    """The secret of a personal link (256 random bits)."""
    return secrets.token_urlsafe(32)


def response_sort_key() -> int:
    """A random order for a response: anonymous exports list responses by it, so their order says nothing of when they came."""
    return secrets.randbelow(2**31 - 1)


class Purpose(models.TextChoices):
    """What an instrument is for."""

    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    SESSION_EVALUATION = "session_evaluation", _("Session evaluation")
    PRE_TEST = "pre_test", _("Knowledge pre-test")
    POST_TEST = "post_test", _("Knowledge post-test")
    FOLLOW_UP = "follow_up", _("Follow-up on applying what was learnt")


SESSION_PURPOSES = (Purpose.SESSION_EVALUATION, Purpose.PRE_TEST, Purpose.POST_TEST, Purpose.FOLLOW_UP)
TEST_PURPOSES = (Purpose.PRE_TEST, Purpose.POST_TEST)


class InstrumentStatus(models.TextChoices):
    """Whether an instrument can be answered."""

    DRAFT = "draft", pgettext_lazy("instrument", "Draft")
    PUBLISHED = "published", pgettext_lazy("instrument", "Published")
    RETIRED = "retired", pgettext_lazy("instrument", "Retired")


class QuestionKind(models.TextChoices):
    """How a question is answered."""

    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    LIKERT = "likert", _("Likert scale")
    PRIORITY_GRID = "priority_grid", _("Priority grid of the 22 chapters")
    NUMBER = "number", _("Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    KNOWLEDGE = "knowledge", _("Knowledge question (scored)")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.LIKERT, QuestionKind.KNOWLEDGE)
TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
PRIORITY_SCORES = (1, 2, 3, 4)


class Instrument(ClusterableModel):
    """A questionnaire, evaluation form or knowledge test, in one version; answered versions are never restructured."""

    code = models.SlugField(_("code"), max_length=60, help_text=_("A short stable name, the same for every version."))
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    previous_version = models.ForeignKey(
        "self", verbose_name=_("previous version"), on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    intro_az = models.TextField(_("introduction (Azerbaijani)"), blank=True)
    intro_ru = models.TextField(_("introduction (Russian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    audience = models.ManyToManyField(
        StakeholderCategory,
        verbose_name=_("audience"),
        blank=True,
        related_name="+",
        help_text=_("The stakeholder categories who answer it; empty for the participants of a session."),
    )
    in_az = models.BooleanField(_("offered in Azerbaijani"), default=True)
    in_ru = models.BooleanField(_("offered in Russian"), default=True)
    in_en = models.BooleanField(_("offered in English"), default=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Answers keep no link to the person; who has answered is stored apart, only to prevent a second answer."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Results and exports of an anonymous instrument hide any group with fewer answers than this."),
    )
    pass_mark_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("For a post-test: the share of points needed to pass; completing the session then requires it."),
    )
    is_default = models.BooleanField(
        _("default for its purpose"),
        default=False,
        help_text=_("Used for every session that has no instrument of this purpose of its own (evaluation and follow-up)."),
    )
    status = models.CharField(_("status"), max_length=10, choices=InstrumentStatus.choices, default=InstrumentStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("code"), FieldPanel("purpose"), FieldPanel("status")]),
                FieldPanel("title_az"),
                FieldPanel("title_ru"),
                FieldPanel("title_en"),
                FieldPanel("intro_az"),
                FieldPanel("intro_ru"),
                FieldPanel("intro_en"),
            ],
            heading=_("Instrument"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("in_az"), FieldPanel("in_ru"), FieldPanel("in_en")]),
                FieldRowPanel([FieldPanel("is_anonymous"), FieldPanel("min_group_size")]),
                FieldRowPanel([FieldPanel("pass_mark_percent"), FieldPanel("is_default")]),
            ],
            heading=_("Who answers, and how"),
        ),
        InlinePanel("sections", heading=_("Sections"), label=_("section")),
        InlinePanel("questions", heading=_("Questions"), label=_("question")),
    ]

    class Meta:
        ordering = ["purpose", "code", "-version"]
        verbose_name = _("survey instrument")
        verbose_name_plural = _("survey instruments")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_one_row_per_version"),
            models.CheckConstraint(condition=models.Q(purpose__in=Purpose.values), name="instrument_purpose_known"),
            models.CheckConstraint(condition=models.Q(status__in=InstrumentStatus.values), name="instrument_status_known"),
            models.CheckConstraint(condition=models.Q(min_group_size__gte=1), name="instrument_group_size_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def intro(self) -> str:
        return in_language(self, "intro")

    @property
    def languages(self) -> list[str]:
        """The interface languages it is offered in."""
        return [code for code in LANGUAGE_CODES if getattr(self, f"in_{code}")]

    @property
    def is_test(self) -> bool:
        return self.purpose in TEST_PURPOSES

    def has_responses(self) -> bool:
        """Whether anyone has submitted answers: then its questions and options are fixed (make a new version)."""
        return self.pk is not None and self.responses.exists()

    def clean(self) -> None:
        super().clean()
        if not (self.in_az or self.in_ru or self.in_en):
            raise ValidationError({"in_az": _("Offer the instrument in at least one language.")})
        if self.is_anonymous and self.purpose in TEST_PURPOSES:
            raise ValidationError({"is_anonymous": _("A knowledge test cannot be anonymous: the gain is computed per participant.")})
        if self.pass_mark_percent is not None and self.purpose != Purpose.POST_TEST:
            raise ValidationError({"pass_mark_percent": _("Only a post-test has a pass mark.")})
        if self.is_default and self.purpose not in (Purpose.SESSION_EVALUATION, Purpose.FOLLOW_UP):
            raise ValidationError({"is_default": _("Only a session evaluation or a follow-up can be the default for sessions.")})


class Section(Orderable):
    """A titled group of questions, shown as one fieldset."""

    instrument = ParentalKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)

    panels = [FieldPanel("title_az"), FieldPanel("title_ru"), FieldPanel("title_en")]

    class Meta(Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self, "title")


class Question(Orderable, ClusterableModel):
    """One question of an instrument; choices and scale labels are its options."""

    instrument = ParentalKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    section_number = models.PositiveSmallIntegerField(
        _("section"), default=1, validators=[MinValueValidator(1)], help_text=_("The number of its section, counting from 1.")
    )
    code = models.SlugField(_("code"), max_length=40, help_text=_("Unique within the instrument; the column name in exports."))
    kind = models.CharField(_("kind"), max_length=14, choices=QuestionKind.choices)
    text_az = models.TextField(_("question (Azerbaijani)"))
    text_ru = models.TextField(_("question (Russian)"))
    text_en = models.TextField(_("question (English)"))
    help_az = models.CharField(_("help (Azerbaijani)"), max_length=500, blank=True)
    help_ru = models.CharField(_("help (Russian)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(_("smallest number"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest number"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField(
        _("longest answer (characters)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(20000)]
    )
    points = models.PositiveSmallIntegerField(_("points"), default=0, help_text=_("For a knowledge question: points for a right answer."))

    panels = [
        FieldRowPanel([FieldPanel("section_number"), FieldPanel("code"), FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("text_az"),
        FieldPanel("text_ru"),
        FieldPanel("text_en"),
        FieldRowPanel([FieldPanel("help_az"), FieldPanel("help_ru"), FieldPanel("help_en")]),
        FieldRowPanel([FieldPanel("min_value"), FieldPanel("max_value"), FieldPanel("max_length"), FieldPanel("points")]),
        InlinePanel("options", heading=_("Options"), label=_("option")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="question_code_unique_in_instrument"),
            models.CheckConstraint(condition=models.Q(kind__in=QuestionKind.values), name="question_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    @property
    def text(self) -> str:
        return in_language(self, "text")

    @property
    def help(self) -> str:
        return in_language(self, "help")

    @property
    def field_name(self) -> str:
        """The name of its form field (a priority grid adds `-c<chapter number>`)."""
        return f"q-{self.pk}"

    @property
    def text_limit(self) -> int:
        """The longest text accepted."""
        if self.max_length:
            return self.max_length
        return 300 if self.kind == QuestionKind.SHORT_TEXT else 5000

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def clean(self) -> None:
        super().clean()
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": _("The largest number cannot be below the smallest.")})
        if self.kind == QuestionKind.KNOWLEDGE and not self.points:
            raise ValidationError({"points": _("A knowledge question needs points.")})


class Option(Orderable):
    """A choice of a question, or a labelled point of a Likert scale (its score is the point)."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    value = models.SlugField(_("value"), max_length=40, help_text=_("Stable code of the option; used in exports."))
    label_az = models.CharField(_("label (Azerbaijani)"), max_length=255)
    label_ru = models.CharField(_("label (Russian)"), max_length=255)
    label_en = models.CharField(_("label (English)"), max_length=255)
    score = models.SmallIntegerField(_("score"), null=True, blank=True, help_text=_("For a Likert scale: the point, 1 to 5."))
    is_correct = models.BooleanField(_("correct"), default=False, help_text=_("For a knowledge question."))

    panels = [
        FieldRowPanel([FieldPanel("value"), FieldPanel("score"), FieldPanel("is_correct")]),
        FieldRowPanel([FieldPanel("label_az"), FieldPanel("label_ru"), FieldPanel("label_en")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="option_value_unique_in_question")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_language(self, "label")


class ExportStatus(models.TextChoices):
    """Where a background export stands."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def export_upload_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.created_at:%Y/%m}/{secrets.token_hex(8)}-{filename}"


class ExportJob(models.Model):
    """A file built by a Celery task (results export, matrix report), with its progress, for the person who asked."""

    kind = models.CharField(_("kind"), max_length=40)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+")
    parameters = models.JSONField(_("parameters"), default=dict)
    file_format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), storage=private_storage, upload_to=export_upload_path, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_format} ({self.status})"
