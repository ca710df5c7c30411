"""Who is asked and what they answered: needs-assessment rounds, the surveys of a session, respondents and their
links, responses and their answers (one row per answered question, per option of a multiple choice, per chapter of
a priority grid), and the survey e-mails queued once. The instruments they answer are in `surveys`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from assessments.models.surveys import (
    SESSION_PURPOSES,
    Instrument,
    Option,
    Purpose,
    Question,
    in_language,
    respondent_token,
    response_sort_key,
)
from curriculum.models import ThematicChapter, TrainingSession
from people.models import Country, StakeholderCategory

__all__ = [
    "Answer",
    "Respondent",
    "Response",
    "Round",
    "RoundStatus",
    "SessionSurvey",
    "SurveyNotice",
]


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
