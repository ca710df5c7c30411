"""The expert roster: profiles, their chapters, languages, availability, and the log of status decisions."""

from __future__ import annotations

import uuid
from typing import Any

from anyascii import anyascii
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import FileExtensionValidator, MaxLengthValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from curriculum.models import ThematicChapter
from experts.validators import validate_cv_file
from people.models import Country, Language, StakeholderCategory

BIO_MAX_LENGTH = 1500


def fold_for_search(text: str) -> str:
    """Lower-case ASCII of `text` ("Aygün Məmmədova" gives "aygun memmedova"), for substring search."""
    return " ".join(anyascii(text or "").lower().split())


def searchable_text(text: str) -> str:
    """`text` folded, with words that have "ə" also spelt with "a", as passports write it (Məmmədova, Mammadova)."""
    words = (text or "").split()
    passport_spellings = [word.replace("ə", "a").replace("Ə", "A") for word in words if "ə" in word.lower()]
    return fold_for_search(" ".join(words + passport_spellings))


CV_EXTENSIONS = ("pdf", "docx")


def private_storage() -> Storage:
    """The storage of files no URL serves (see STORAGES["private"])."""
    return storages["private"]


def cv_upload_path(instance: ExpertProfile, filename: str) -> str:
    """A CV's path: an unguessable name that keeps only the extension of the upload."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"experts/cv/{uuid.uuid4().hex}.{extension}"


class ExpertStatus(models.TextChoices):
    """Where an expert stands in the roster."""

    APPLIED = "applied", _("Applied")
    VETTED = "vetted", _("Vetted")
    PAUSED = "paused", _("Paused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExpertProfile(models.Model):
    """An expert of the roster; name, gender and e-mail live on the linked user account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="expert_profile")
    country_of_residence = models.ForeignKey(
        Country,
        verbose_name=_("country of residence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resident_experts",
        help_text=_("Empty when the expert lives outside the RTCM countries."),
    )
    nationality = models.CharField(_("nationality"), max_length=100)
    organisation_name = models.CharField(_("organisation"), max_length=255, blank=True)
    organisation_type = models.ForeignKey(
        StakeholderCategory, verbose_name=_("organisation type"), on_delete=models.PROTECT, null=True, blank=True, related_name="experts"
    )
    chapters = models.ManyToManyField(ThematicChapter, through="ExpertChapter", verbose_name=_("thematic chapters"), related_name="experts")
    languages = models.ManyToManyField(Language, through="ExpertLanguage", verbose_name=_("working languages"), related_name="experts")
    field_countries = models.ManyToManyField(
        Country, verbose_name=_("countries of field experience"), blank=True, related_name="field_experts"
    )
    migrant_or_diaspora_background = models.BooleanField(
        _("migrant or diaspora background"), null=True, blank=True, help_text=_("Self-declared and optional; empty means not said.")
    )
    tot_experience = models.BooleanField(_("training-of-trainers experience"), default=False)
    short_bio = models.TextField(_("short bio"), max_length=BIO_MAX_LENGTH, validators=[MaxLengthValidator(BIO_MAX_LENGTH)], blank=True)
    cv = models.FileField(
        _("CV"),
        upload_to=cv_upload_path,
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(CV_EXTENSIONS), validate_cv_file],
    )
    consent_to_be_listed = models.BooleanField(_("consents to be listed"), default=False)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    public_bio = models.BooleanField(_("bio may be public"), default=False)
    public_chapters = models.BooleanField(_("chapters may be public"), default=False)
    public_languages = models.BooleanField(_("languages may be public"), default=False)
    public_country = models.BooleanField(_("country may be public"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=ExpertStatus.choices, default=ExpertStatus.APPLIED, db_index=True)
    applied_at = models.DateTimeField(_("applied at"), auto_now_add=True)
    organisation_key = models.CharField(
        _("organisation, folded"),
        max_length=255,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("For conflict-of-interest checks."),
    )
    search_text = models.TextField(
        _("search text"), blank=True, editable=False, help_text=_("Names, organisation and bio, folded for search.")
    )
    anonymised_at = models.DateTimeField(
        _("personal data deleted at"), null=True, blank=True, editable=False, help_text=_("Set when the expert deleted their profile.")
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ExpertStatus.values), name="expertprofile_status_known"),
            models.CheckConstraint(
                condition=models.Q(consent_to_be_listed=False) | models.Q(consent_given_at__isnull=False),
                name="expertprofile_consent_has_date",
            ),
        ]

    def __str__(self) -> str:
        if self.anonymised_at is not None:
            return gettext("Deleted expert #%(id)s") % {"id": self.pk}
        return self.user.get_full_name() or str(self.user)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = searchable_text(
            " ".join((self.user.first_name, self.user.last_name, self.user.email, self.organisation_name, self.nationality, self.short_bio))
        )
        self.organisation_key = fold_for_search(self.organisation_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text", "organisation_key"}
        super().save(*args, **kwargs)

    @property
    def is_publicly_listed(self) -> bool:
        """Whether the public profile may be shown at all."""
        return self.status == ExpertStatus.VETTED and self.consent_to_be_listed


class ChapterDepth(models.TextChoices):
    """How deep an expert's knowledge of a chapter goes."""

    LEAD = "lead", _("Lead expert")
    PRACTITIONER = "practitioner", _("Practitioner")


class ExpertChapter(models.Model):
    """A thematic chapter an expert covers, with the depth of expertise."""

    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="chapter_links")
    chapter = models.ForeignKey(ThematicChapter, verbose_name=_("thematic chapter"), on_delete=models.PROTECT, related_name="expert_links")
    depth = models.CharField(_("depth"), max_length=12, choices=ChapterDepth.choices)

    class Meta:
        ordering = ["chapter__number"]
        verbose_name = _("chapter of expertise")
        verbose_name_plural = _("chapters of expertise")
        constraints = [
            models.UniqueConstraint(fields=["expert", "chapter"], name="expertchapter_unique_per_expert"),
            models.CheckConstraint(condition=models.Q(depth__in=ChapterDepth.values), name="expertchapter_depth_known"),
        ]

    def __str__(self) -> str:
        return f"{self.chapter} ({self.get_depth_display()})"


class LanguageLevel(models.TextChoices):
    """How well an expert works in a language."""

    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    WORKING = "working", _("Working")
    BASIC = "basic", _("Basic")

    @classmethod
    def at_least(cls, level: str) -> list[str]:
        """The levels as good as `level` or better."""
        order = [cls.BASIC, cls.WORKING, cls.FLUENT, cls.NATIVE]
        return [str(value) for value in order[order.index(cls(level)) :]]


class ExpertLanguage(models.Model):
    """A language an expert works in, with the level."""

    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="language_links")
    language = models.ForeignKey(Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="expert_links")
    level = models.CharField(_("level"), max_length=8, choices=LanguageLevel.choices)

    class Meta:
        ordering = ["language__sort_order"]
        verbose_name = _("working language")
        verbose_name_plural = _("working languages")
        constraints = [
            models.UniqueConstraint(fields=["expert", "language"], name="expertlanguage_unique_per_expert"),
            models.CheckConstraint(condition=models.Q(level__in=LanguageLevel.values), name="expertlanguage_level_known"),
        ]

    def __str__(self) -> str:
        return f"{self.language} ({self.get_level_display()})"


class AvailabilityWindow(models.Model):
    """A period in which an expert is available to teach."""

    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="availability")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))

    class Meta:
        ordering = ["start"]
        verbose_name = _("availability window")
        verbose_name_plural = _("availability windows")
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="availabilitywindow_end_after_start")]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


class StatusChange(models.Model):
    """One decision on an expert's status: who took it, when, from what to what, and why."""

    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="status_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, choices=ExpertStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=ExpertStatus.choices)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="statuschange_reason_required"),
            models.CheckConstraint(condition=~models.Q(from_status=models.F("to_status")), name="statuschange_changes_status"),
        ]

    def __str__(self) -> str:
        return f"{self.expert}: {self.from_status} → {self.to_status}"


class InvitationStatus(models.TextChoices):
    """Where an invitation to teach stands."""

    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", pgettext_lazy("invitation", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("invitation", "Cancelled")


class Invitation(models.Model):
    """A coordinator's invitation to an expert to teach a module; accepted invitations make the module's trainers."""

    expert = models.ForeignKey(ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="invitations")
    module = models.ForeignKey(
        "curriculum.ModulePage", verbose_name=_("module"), on_delete=models.CASCADE, related_name="expert_invitations"
    )
    session = models.ForeignKey(
        "curriculum.TrainingSession",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="expert_invitations",
        help_text=_("Empty for an invitation to teach the module in general."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    message = models.TextField(_("message"), blank=True)
    score = models.FloatField(_("match score"), null=True, blank=True)
    reasons = models.JSONField(_("why this expert"), default=list, blank=True)
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation to teach")
        verbose_name_plural = _("invitations to teach")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=InvitationStatus.values), name="invitation_status_known"),
            # one open or accepted invitation per expert and module (or session); declined ones may be renewed
            models.UniqueConstraint(
                fields=["expert", "module"],
                condition=models.Q(status__in=["pending", "accepted"], session__isnull=True),
                name="invitation_one_open_per_expert_module",
            ),
            models.UniqueConstraint(
                fields=["expert", "session"],
                condition=models.Q(status__in=["pending", "accepted"], session__isnull=False),
                name="invitation_one_open_per_expert_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.module_id} ({self.status})"
