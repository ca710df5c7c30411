"""Erasing a person: every path that deletes someone (the admin's user deletion, an expert's "delete my profile") ends here.

The account row stays as an anonymous tombstone ("Erased user #12"), so what must outlive the person still
adds up: a certificate's code and status (the public page says the code existed, without a name), a past
session's seats and attendance, the anonymous aggregates of surveys. Everything that names the person goes:
their own rows are wiped or deleted, their files are deleted once the transaction commits, and every text
or JSON column of every other table is swept for their name and address (e-mails about them, Wagtail log
entries and revisions, free-text answers).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Page, Revision

from people.models import Organisation, OutboundEmail, User

logger = logging.getLogger(__name__)

ERASED = "[erased]"
ERASE_ACTION = "rtcm.person_erase"

# Tables the sweep leaves alone: the person's own account (wiped field by field), editorial pages (what an
# editor chose to publish is theirs to change) and tables that hold no free text about anyone.
_SWEEP_SKIPPED_APPS = {"contenttypes", "auth", "sessions", "django_celery_beat", "wagtaillocalize", "taggit"}

# Columns that hold their own row's person's name (a namesake's certificate, search text or survey contact):
# the sweep by name would erase the namesake; each person's own rows are wiped by their owner's erasure.
_OWN_NAME_COLUMNS = {
    "curriculum.Certificate.holder_name",
    "experts.ExpertProfile.search_text",
    "experts.ExpertProfile.organisation_key",
    "assessments.Respondent.contact_name",
    "people.Organisation.name",
}

FileRef = tuple[Storage, str]


def erased_email(user_id: int) -> str:
    """The address an erased account keeps: unique, and in a domain that never receives mail (RFC 2606)."""
    return f"erased-{user_id}@erased.invalid"


def _identity(user: User) -> list[str]:
    """The strings that name the person in someone else's text: address and full name, in both orders."""
    found = [user.email.strip()]
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last:
        found += [f"{first} {last}", f"{last} {first}"]
    elif first or last:
        found.append(first or last)
    return [text for text in dict.fromkeys(found) if len(text) >= 3]


def _pattern(identity: list[str]) -> re.Pattern[str]:
    # whole words only: erasing ann@x.org leaves joann@x.org alone
    alternatives = "|".join(re.escape(text) for text in sorted(identity, key=len, reverse=True))
    return re.compile(rf"(?<![\w.+-])(?:{alternatives})(?![\w@-])(?!\.\w)", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """`value` with every mention replaced, walking into JSON lists and objects."""
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {_scrub(key, pattern): _scrub(item, pattern) for key, item in value.items()}
    return value


def _constrained(model: type[models.Model]) -> set[str]:
    """Columns in a unique constraint of `model`: rewriting them could collide with another row."""
    names: set[str] = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    for together in model._meta.unique_together:
        names.update(together)
    return names


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns of `model` that can hold free text about someone: char, text and JSON; not choices, keys or own names."""
    constrained = _constrained(model)
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.unique or field.choices or field.name in constrained or field.name == "password":
            continue
        if f"{model._meta.label}.{field.name}" in _OWN_NAME_COLUMNS:
            continue
        if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
            fields.append(field)
    return fields


def _mention_filter(fields: list[models.Field], identity: list[str]) -> Q:
    query = Q()
    for field in fields:
        for text in identity:
            query |= Q(**{f"{field.name}__icontains": text})
            escaped = json.dumps(text)[1:-1]  # how a JSON column on SQLite stores non-ASCII text
            if isinstance(field, models.JSONField) and escaped != text:
                query |= Q(**{f"{field.name}__icontains": escaped})
    return query


def _sweep_model(model: type[models.Model], identity: list[str], pattern: re.Pattern[str]) -> int:
    return _sweep_queryset(model._base_manager.all(), identity, pattern)


def _sweep(identity: list[str]) -> int:
    """Replace every mention of the person in every table the sweep covers; returns the rows changed."""
    if not identity:
        return 0
    pattern = _pattern(identity)
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in _SWEEP_SKIPPED_APPS or meta.proxy or not meta.managed or model is User or issubclass(model, Page):
            continue
        if model is Revision:
            # a page's revisions are editorial, like the page; revisions of other objects are swept
            page_type = ContentType.objects.get_for_model(Page)
            changed += _sweep_queryset(Revision.objects.exclude(base_content_type=page_type), identity, pattern)
            continue
        changed += _sweep_model(model, identity, pattern)
    return changed


def _sweep_queryset(queryset: models.QuerySet, identity: list[str], pattern: re.Pattern[str]) -> int:
    fields = _text_fields(queryset.model)
    if not fields:
        return 0
    changed = 0
    for row in queryset.filter(_mention_filter(fields, identity)).iterator():
        updates = {f.attname: _scrub(getattr(row, f.attname), pattern) for f in fields}
        updates = {name: value for name, value in updates.items() if value != getattr(row, name)}
        if updates:
            queryset.model._base_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def _blank(field: models.Field) -> Any:
    """The empty value of a column, whatever its type (the e-mail log may gain columns this code has never seen)."""
    if isinstance(field, models.JSONField):
        return field.get_default() if field.has_default() else (None if field.null else {})
    if isinstance(field, models.BinaryField):
        return None if field.null else b""
    if isinstance(field, models.EmailField):
        return "erased@erased.invalid"
    return None if field.null else ""


def outbound_emails_erase(user: User) -> int:
    """Delete the unsent e-mails to the person and empty every text column of the sent ones (delivery counts stay)."""
    address = user.email.strip()
    if not address:
        return 0
    to_them = OutboundEmail.objects.filter(to__iexact=address)
    to_them.filter(sent_at__isnull=True).delete()
    fields = [
        field
        for field in OutboundEmail._meta.concrete_fields
        if not field.primary_key
        and not field.choices
        and isinstance(field, (models.CharField, models.TextField, models.JSONField, models.BinaryField))
    ]
    updates = {field.attname: _blank(field) for field in fields}
    updates["to"] = erased_email(user.pk)
    return to_them.update(**updates)


def _log_entries_anonymise(objects: Iterable[models.Model]) -> None:
    """The Wagtail history of the person's own rows keeps what happened and when, under a neutral label, without data."""
    by_type: dict[type[models.Model], list[str]] = {}
    for obj in objects:
        by_type.setdefault(type(obj), []).append(str(obj.pk))
    for model, ids in by_type.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        label = f"{model._meta.verbose_name} #"
        for entry_id, object_id in ModelLogEntry.objects.filter(content_type=content_type, object_id__in=ids).values_list(
            "pk", "object_id"
        ):
            ModelLogEntry.objects.filter(pk=entry_id).update(label=f"{label}{object_id}", data={})
        Revision.objects.filter(content_type=content_type, object_id__in=ids).delete()


def _expert_profile_erase(user: User, files: list[FileRef]) -> list[models.Model]:
    from experts.models import ExpertProfile, ExpertStatus, InvitationStatus

    expert = ExpertProfile.objects.select_for_update().filter(user=user).first()
    if expert is None:
        return []
    if expert.cv:
        files.append((expert.cv.storage, expert.cv.name))
    expert.chapter_links.all().delete()
    expert.language_links.all().delete()
    expert.availability.all().delete()
    expert.field_countries.clear()
    expert.status_changes.all().delete()
    expert.invitations.filter(status=InvitationStatus.PENDING).update(status=InvitationStatus.CANCELLED)
    expert.invitations.update(message="", reasons=[])
    ExpertProfile.objects.filter(pk=expert.pk).update(
        country_of_residence=None,
        nationality="",
        organisation_name="",
        organisation_type=None,
        organisation_key="",
        search_text="",
        short_bio="",
        cv="",
        migrant_or_diaspora_background=None,
        tot_experience=False,
        consent_to_be_listed=False,
        consent_given_at=None,
        public_bio=False,
        public_chapters=False,
        public_languages=False,
        public_country=False,
        status=ExpertStatus.WITHDRAWN,
        anonymised_at=expert.anonymised_at or timezone.now(),
    )
    return [expert, *expert.invitations.all()]


def _learning_erase(user: User, files: list[FileRef]) -> list[models.Model]:
    from curriculum import enrolment
    from curriculum.models import AttendanceCorrection, Certificate, SessionApplication

    applications = list(SessionApplication.objects.filter(trainee=user).select_related("session"))
    for application in applications:
        if application.status in enrolment.IN_PLAY and application.session.end_date >= timezone.localdate():
            # the seat of someone who is gone goes to the waitlist, as when they withdraw
            enrolment.application_withdraw(application=application, trainee=user)
    SessionApplication.objects.filter(trainee=user).update(motivation="")
    AttendanceCorrection.objects.filter(attendance__application__trainee=user).update(reason=ERASED)
    certificates = list(Certificate.objects.filter(application__trainee=user))
    for certificate in certificates:
        if certificate.file:
            files.append((certificate.file.storage, certificate.file.name))
    # the code and its status stay, so the public page still says the certificate existed; the name goes
    Certificate.objects.filter(application__trainee=user).update(holder_name="", file="")
    Certificate.objects.filter(application__trainee=user).exclude(revoked_at=None).update(revoked_reason=ERASED)
    apps.get_model("curriculum", "LessonProgress").objects.filter(user=user).delete()
    return [*applications, *certificates]


def _surveys_erase(user: User) -> list[models.Model]:
    from assessments.models import Answer, Respondent

    respondents = list(Respondent.objects.filter(user=user))
    # a named response (knowledge test) keeps its points for the session's aggregates; what the person wrote goes
    Answer.objects.filter(response__respondent__user=user).exclude(text="").update(text="")
    Respondent.objects.filter(user=user).update(user=None, organisation_name="", contact_name="", email="", draft={})
    if user.email:
        # an organisation's survey link that went to the person's address: the organisation stays, the contact goes
        Respondent.objects.filter(email__iexact=user.email).update(contact_name="", email="", draft={})
    return respondents


def _exports_erase(user: User, files: list[FileRef]) -> None:
    """Drop every export built so far: any of them may list the person, and each can be asked for again."""
    from assessments.models import ExportJob, ExportStatus

    for job in ExportJob.objects.exclude(file=""):
        files.append((job.file.storage, job.file.name))
        with translation.override(job.language):
            error = _("The file was deleted because a person it may name has been erased. Ask for it again.")
        ExportJob.objects.filter(pk=job.pk).update(file="", status=ExportStatus.FAILED, error=error)
    ExportJob.objects.filter(requested_by=user).delete()


def _wagtail_erase(user: User, files: list[FileRef]) -> None:
    from wagtail.admin.models import EditingSession
    from wagtail.models import Comment, CommentReply, PageSubscription
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None:
        if profile.avatar:
            files.append((profile.avatar.storage, profile.avatar.name))
        profile.delete()
    CommentReply.objects.filter(user=user).delete()
    Comment.objects.filter(user=user).delete()
    PageSubscription.objects.filter(user=user).delete()
    EditingSession.objects.filter(user=user).delete()
    apps.get_model("wagtailadmin", "FormState").objects.filter(user=user).delete()
    apps.get_model("wagtailcore", "APIToken").objects.filter(user=user).delete()


def _organisation_drop_if_theirs(organisation_id: int | None) -> None:
    """An organisation nobody else belongs to may be one the person typed: it goes with them (kept if anything refers to it)."""
    if organisation_id is None or User.objects.filter(organisation_id=organisation_id).exists():
        return
    try:
        with transaction.atomic():
            Organisation.objects.filter(pk=organisation_id).delete()
    except (ProtectedError, RestrictedError):
        pass


def _files_delete(files: list[FileRef]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("an erased person's file could not be deleted")


@transaction.atomic
def expert_profile_erase(*, user: User) -> None:
    """Erase only what the expert roster holds of a person who keeps their account (they are also a trainee, a trainer or staff)."""
    files: list[FileRef] = []
    _log_entries_anonymise(_expert_profile_erase(user, files))
    transaction.on_commit(lambda: _files_delete(files))


@transaction.atomic
def person_erase(*, user: User, erased_by: User | None = None) -> User:
    """Erase a person everywhere, keeping only an anonymous account row; a second call does nothing."""
    from people.uploads import uploads_discard_all

    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.erased_at is not None:
        return locked
    identity = _identity(locked)
    files: list[FileRef] = []
    own_rows: list[models.Model] = [locked]
    own_rows += _expert_profile_erase(locked, files)
    own_rows += _learning_erase(locked, files)
    own_rows += _surveys_erase(locked)
    _exports_erase(locked, files)
    _wagtail_erase(locked, files)
    outbound_emails_erase(locked)
    _log_entries_anonymise(own_rows)

    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=locked).delete()
    organisation_id = locked.organisation_id
    locked.email = erased_email(locked.pk)
    locked.first_name = locked.last_name = ""
    locked.gender = User.Gender.UNDISCLOSED
    locked.country = locked.organisation = locked.position_level = None
    locked.is_active = locked.is_staff = locked.is_superuser = False
    locked.last_login = None
    locked.set_unusable_password()  # also ends every session the person had open
    locked.erased_at = timezone.now()
    locked.save()
    locked.groups.clear()
    locked.user_permissions.clear()
    _organisation_drop_if_theirs(organisation_id)
    swept = _sweep(identity)
    uploads_discard_all(files)  # a spreadsheet waiting for confirmation may list the person

    # the record of the erasure names nobody: the tombstone's label and who did it
    log(instance=locked, action=ERASE_ACTION, user=erased_by, data={"rows_swept": swept})
    logger.info("user %s erased by %s", locked.pk, erased_by.pk if erased_by else "themselves")
    transaction.on_commit(lambda: _files_delete(files))
    user.refresh_from_db()
    return locked
