"""Survey instruments (questionnaires, evaluations, knowledge tests), who is asked, and what they answered.

Instruments, their sections, questions and options are real rows (they are scored, filtered and
exported), authored in the Wagtail admin with their texts in Azerbaijani, Russian and English.
Answers are stored one row per answered question (per option of a multiple choice, per chapter of
a priority grid), so summaries and the priority matrix aggregate in the database.
"""

from __future__ import annotations

import secrets
from typing import Any

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

from curriculum.models import ThematicChapter, TrainingSession
from people.models import Country, StakeholderCategory

__all__ = [
    "CHOICE_KINDS",
    "LANGUAGE_CODES",
    "PRIORITY_SCORES",
    "SESSION_PURPOSES",
    "TEST_PURPOSES",
    "TEXT_KINDS",
    "Answer",
    "ExportJob",
    "ExportStatus",
    "Instrument",
    "InstrumentStatus",
    "Option",
    "Purpose",
    "Question",
    "QuestionKind",
    "Respondent",
    "Response",
    "Round",
    "RoundStatus",
    "Section",
    "SessionSurvey",
    "SurveyNotice",
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


class RoundStatus(models.TextChoices):
    """Where a needs-assessment round stands."""

    DRAFT = "draft", pgettext_lazy("round", "Draft")
    OPEN = "open", pgettext_lazy("round", "Open")
    CLOSED = "closed", pgettext_lazy("round", "Closed")


class Round(models.Model):
    """A needs-assessment round: a year, the countries asked, the questionnaires used, a deadline."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=255)
    title_ru = models.CharField(_("title (Russian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255)
    countries = models.ManyToManyField(Country, verbose_name=_("countries"), related_name="+")
    instruments = models.ManyToManyField(
        Instrument, verbose_name=_("questionnaires"), related_name="rounds", limit_choices_to={"purpose": Purpose.NEEDS_ASSESSMENT}
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("deadline"), FieldPanel("status")]),
        FieldPanel("title_az"),
        FieldPanel("title_ru"),
        FieldPanel("title_en"),
        FieldPanel("countries"),
        FieldPanel("instruments"),
    ]

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("needs-assessment round")
        verbose_name_plural = _("needs-assessment rounds")
        constraints = [models.CheckConstraint(condition=models.Q(status__in=RoundStatus.values), name="round_status_known")]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"

    @property
    def title(self) -> str:
        return in_language(self, "title")


class SessionSurvey(models.Model):
    """An instrument a session uses for one purpose (its own evaluation, its knowledge tests, its follow-up)."""

    session = ParentalKey(TrainingSession, on_delete=models.CASCADE, related_name="surveys")
    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        related_name="session_uses",
        limit_choices_to={"purpose__in": SESSION_PURPOSES},
        help_text=_("Its purpose (evaluation, pre-test, post-test, follow-up) decides when participants answer it."),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=[(p.value, p.label) for p in SESSION_PURPOSES], editable=False)
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up after (months)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )

    panels = [FieldRowPanel([FieldPanel("instrument"), FieldPanel("follow_up_months")])]

    class Meta:
        verbose_name = _("survey of a session")
        verbose_name_plural = _("surveys of a session")
        constraints = [models.UniqueConstraint(fields=["session", "purpose"], name="session_survey_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.session}: {self.instrument}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.purpose = self.instrument.purpose
        super().save(*args, **kwargs)


class Respondent(models.Model):
    """Who is asked to answer one instrument: an organisation through a personal link, or a session's participant.

    It holds the draft while they answer and the moment they submitted (so nobody answers twice);
    for an anonymous instrument it is the only trace of the person, and the response keeps no link to it.
    """

    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="respondents")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.CASCADE, null=True, blank=True, related_name="respondents")
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, null=True, blank=True, related_name="respondents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, null=True, blank=True, related_name="survey_respondents"
    )
    token = models.CharField(_("link secret"), max_length=64, unique=True, default=respondent_token, editable=False)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.ForeignKey(
        StakeholderCategory, verbose_name=_("stakeholder category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gender = models.CharField(_("gender"), max_length=12, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="az")
    draft = models.JSONField(_("saved answers"), default=dict, blank=True)
    draft_saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "session", "user"], condition=models.Q(user__isnull=False), name="respondent_one_per_user_and_session"
            ),
            models.UniqueConstraint(
                fields=["round", "instrument", "email"],
                condition=models.Q(round__isnull=False) & ~models.Q(email=""),
                name="respondent_one_link_per_address_in_round",
            ),
        ]
        indexes = [models.Index(fields=["round", "submitted_at"], name="respondent_round_done_idx")]

    def __str__(self) -> str:
        return self.organisation_name or self.email or str(self.user or self.pk)


class Response(models.Model):
    """One submitted set of answers, with the groups it is counted in (country, category, gender)."""

    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="responses")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT, null=True, blank=True, related_name="responses")
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.PROTECT, null=True, blank=True, related_name="survey_responses"
    )
    respondent = models.OneToOneField(
        Respondent,
        verbose_name=_("respondent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
        help_text=_("Empty for an anonymous instrument."),
    )
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    category = models.ForeignKey(
        StakeholderCategory, verbose_name=_("stakeholder category"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gender = models.CharField(_("gender"), max_length=12, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    submitted_on = models.DateField(_("submitted on"), help_text=_("The day only: the time could single out a respondent."))
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(_("possible points"), max_digits=7, decimal_places=2, null=True, blank=True)
    sort_key = models.PositiveIntegerField(
        _("random order"),
        default=response_sort_key,
        editable=False,
        help_text=_("A random number: anonymous exports list responses in its order, which says nothing of when they came."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [
            models.Index(fields=["instrument", "round"], name="response_instr_round_idx"),
            models.Index(fields=["instrument", "session"], name="response_instr_session_idx"),
            models.Index(fields=["instrument", "sort_key", "id"], name="response_instr_sort_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} #{self.pk}"

    @property
    def percent(self) -> float | None:
        """The share of points of a knowledge test."""
        if self.points is None or not self.max_points:
            return None
        return float(100 * self.points / self.max_points)


class Answer(models.Model):
    """One value of a response: an option chosen, a chapter's priority, a number or a text."""

    response = models.ForeignKey(Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(Option, verbose_name=_("option"), on_delete=models.PROTECT, null=True, blank=True, related_name="answers")
    chapter = models.ForeignKey(
        ThematicChapter, verbose_name=_("chapter"), on_delete=models.PROTECT, null=True, blank=True, related_name="priority_answers"
    )
    score = models.SmallIntegerField(_("score"), null=True, blank=True, help_text=_("A priority 1-4 or a Likert point."))
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    number = models.DecimalField(_("number"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "option"], name="answer_question_option_idx"),
            # covers the priority matrix's GROUP BY: the answers of the grid questions are read from the index alone
            models.Index(fields=["question", "chapter", "score", "not_applicable", "response"], name="answer_priority_cover_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chapter__isnull=True)
                | models.Q(not_applicable=True, score__isnull=True)
                | models.Q(score__gte=1, score__lte=4),
                name="answer_priority_is_1_to_4_or_na",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.text or self.number or self.score or self.option_id}"


class SurveyNotice(models.Model):
    """An e-mail about a survey queued once: the key says to whom and why (invitation, reminder, opening...)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    email = models.ForeignKey("people.OutboundEmail", verbose_name=_("e-mail"), on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey e-mail")
        verbose_name_plural = _("survey e-mails")

    def __str__(self) -> str:
        return self.key


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
