"""Users, their profiles, organisations and the reference lookups they point to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from people.translated import TrilingualName


class Country(TrilingualName):
    """One of the countries the centre serves (the 13 RTCM countries), keyed by ISO code."""

    iso_code = models.CharField(_("ISO code"), max_length=2, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_rtcm_member = models.BooleanField(_("RTCM participating country"), default=True)

    class Meta:
        ordering = ["sort_order", "iso_code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [models.CheckConstraint(condition=models.Q(iso_code__regex=r"^[A-Z]{2}$"), name="country_iso_code_two_capitals")]


class StakeholderCategory(TrilingualName):
    """The kind of organisation a participant comes from (government body, CSO, media...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("stakeholder category")
        verbose_name_plural = _("stakeholder categories")


class ParticipantLevel(TrilingualName):
    """A participant level on one of two axes: seniority, or role in the policy cycle."""

    class Axis(models.TextChoices):
        SENIORITY = "seniority", _("Seniority")
        POLICY_CYCLE = "policy_cycle", _("Role in the policy cycle")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["axis", "sort_order"]
        verbose_name = _("participant level")
        verbose_name_plural = _("participant levels")


class Organisation(models.Model):
    """A ministry, agency, NGO, newsroom, university... that participants and experts belong to."""

    name = models.CharField(_("name"), max_length=255)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="organisations")
    category = models.ForeignKey(
        StakeholderCategory, verbose_name=_("stakeholder category"), on_delete=models.PROTECT, related_name="organisations"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name_per_country")]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    """Users are identified by e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: object) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: object) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in: trainee, trainer, coordinator, expert or administrator."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        ANOTHER = "another", _("Another gender")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    class Language(models.TextChoices):
        AZ = "az", "Azərbaycanca"
        RU = "ru", "Русский"
        EN = "en", "English"

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    gender = models.CharField(
        _("gender"),
        max_length=12,
        choices=Gender.choices,
        default=Gender.UNDISCLOSED,
        help_text=_("Used only for statistics disaggregated by sex."),
    )
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    position_level = models.ForeignKey(
        ParticipantLevel,
        verbose_name=_("position level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"axis": ParticipantLevel.Axis.SENIORITY},
        related_name="people",
    )
    preferred_language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices, default=Language.AZ)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the person was erased: the row stays, without personal data, so certificates and statistics add up."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        if self.erased_at is not None:
            return gettext("Erased user #%(id)s") % {"id": self.pk}
        return self.get_full_name() or self.email


class OutboundEmail(models.Model):
    """An e-mail the platform sends: queued in the database, delivered once by a Celery task.

    The stored subject and bodies are the redacted copy every page shows: the secrets an e-mail carries
    (password-reset and confirmation links, sign-in codes, a respondent's personal link) are replaced by
    a "[link hidden]" marker. The delivery task alone puts them back from `hidden_values`, which it
    wipes once the message is sent (and a periodic task wipes when the message is too old to send).
    """

    class Kind(models.TextChoices):
        PASSWORD_RESET = "password-reset", _("Password reset")
        ADDRESS_CONFIRMATION = "address-confirmation", _("Address confirmation")
        SIGN_IN_CODE = "sign-in-code", _("Sign-in code")
        ACCOUNT_NOTICE = "account-notice", _("Account notice")
        APPLICATION_NOTICE = "application-notice", _("Application notice")
        CERTIFICATE = "certificate", _("Certificate ready")
        QUESTIONNAIRE_INVITATION = "questionnaire-invitation", _("Questionnaire invitation")
        QUESTIONNAIRE_REMINDER = "questionnaire-reminder", _("Questionnaire reminder")
        SESSION_SURVEY = "session-survey", _("Session survey")
        EXPERT_NOTICE = "expert-notice", _("Expert roster notice")
        TEACHING_INVITATION = "teaching-invitation", _("Teaching invitation")
        INVITATION_ANSWER = "invitation-answer", _("Answer to a teaching invitation")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Delivery failed")
        EXPIRED = "expired", _("Not sent: its hidden link expired")

    to = models.EmailField(_("recipient"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    hidden_count = models.PositiveSmallIntegerField(_("hidden secrets"), default=0, editable=False)
    # Never shown, exported or searched: only the delivery task reads it, and it is emptied once sent.
    hidden_values = models.JSONField(default=dict, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at"], name="outboundemail_sent_at_idx")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    def _status(self) -> str:
        """Where the e-mail stands: queued, sent, failed, or never to be sent because its secret expired."""
        if self.sent_at is not None:
            return self.Status.SENT
        if self.hidden_count and not self.hidden_values:
            return self.Status.EXPIRED
        if self.last_error:
            return self.Status.FAILED
        return self.Status.QUEUED

    _status.short_description = _("status")  # type: ignore[attr-defined]  # the admin's label for the column
    status = property(_status)

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class Language(TrilingualName):
    """A language modules are delivered in or experts work in (ISO 639-1 code)."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
