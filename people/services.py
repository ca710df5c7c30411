"""Writes of the people app: reference data, roles, accounts and outgoing e-mail."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Collection, GroupCollectionPermission

from curriculum.models import ThematicChapter, ThematicPart
from curriculum.reference import CHAPTERS, PARTS
from home.outbox import task_enqueue_on_commit
from people.email_secrets import secrets_hide
from people.models import Country, Language, OutboundEmail, ParticipantLevel, StakeholderCategory, User
from people.reference import COUNTRIES, LANGUAGES, PARTICIPANT_LEVELS, STAKEHOLDER_CATEGORIES
from people.roles import ROLES, ROLES_BY_CODE


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or update every reference row from code; safe to run any number of times."""
    for order, (iso, az, ru, en) in enumerate(COUNTRIES, start=1):
        Country.objects.update_or_create(iso_code=iso, defaults={"name_az": az, "name_ru": ru, "name_en": en, "sort_order": order})
    for order, (code, az, ru, en) in enumerate(STAKEHOLDER_CATEGORIES, start=1):
        StakeholderCategory.objects.update_or_create(code=code, defaults={"name_az": az, "name_ru": ru, "name_en": en, "sort_order": order})
    for order, (code, axis, az, ru, en) in enumerate(PARTICIPANT_LEVELS, start=1):
        ParticipantLevel.objects.update_or_create(
            code=code, defaults={"axis": axis, "name_az": az, "name_ru": ru, "name_en": en, "sort_order": order}
        )
    for order, (code, az, ru, en) in enumerate(LANGUAGES, start=1):
        Language.objects.update_or_create(code=code, defaults={"name_az": az, "name_ru": ru, "name_en": en, "sort_order": order})
    parts = {}
    for number, az, ru, en in PARTS:
        parts[number], _ = ThematicPart.objects.update_or_create(number=number, defaults={"name_az": az, "name_ru": ru, "name_en": en})
    for number, part, az, ru, en in CHAPTERS:
        ThematicChapter.objects.update_or_create(number=number, defaults={"part": parts[part], "name_az": az, "name_ru": ru, "name_en": en})
    return {
        "countries": Country.objects.count(),
        "stakeholder_categories": StakeholderCategory.objects.count(),
        "participant_levels": ParticipantLevel.objects.count(),
        "languages": Language.objects.count(),
        "parts": ThematicPart.objects.count(),
        "chapters": ThematicChapter.objects.count(),
    }


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    """Resolve "app_label.codename" names, failing loudly on a name that does not exist."""
    if not names:
        return []
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = set(names) - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"Unknown permissions in people/roles.py: {', '.join(sorted(missing))}")
    return found


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Make each role's group hold exactly the permissions people/roles.py gives it."""
    counts = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.group_name)
        permissions = list(Permission.objects.select_related("content_type")) if role.all_permissions else _permissions(role.permissions)
        group.permissions.set(permissions)
        _collection_permissions_sync(group, permissions)
        counts[role.code] = len(permissions)
    return counts


def _collection_permissions_sync(group: Group, permissions: list[Permission]) -> None:
    """Wagtail checks image, document and collection permissions per collection: grant them on the root."""
    root = Collection.get_first_root_node()
    if root is None:
        return
    wanted = [
        p
        for p in permissions
        if p.content_type.app_label in {"wagtailimages", "wagtaildocs"}
        or (p.content_type.app_label, p.content_type.model) == ("wagtailcore", "collection")
    ]
    GroupCollectionPermission.objects.filter(group=group, collection=root).exclude(permission__in=wanted).delete()
    for permission in wanted:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)


def user_add_role(*, user: User, role_code: str) -> User:
    """Put a user in a role's group."""
    group, _ = Group.objects.get_or_create(name=ROLES_BY_CODE[role_code].group_name)
    user.groups.add(group)
    return user


def outbound_email_queue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "",
    kind: str = OutboundEmail.Kind.OTHER,
    secrets: Iterable[str] = (),
) -> OutboundEmail:
    """Store an e-mail and have a Celery task deliver it once the transaction commits.

    `secrets` are the values in the message that let its reader act as the recipient (a reset or
    confirmation link, a code, a personal link): the stored copy shows a marker instead, and only the
    delivery task puts them back. Links to the secret URLs are hidden even when not named.
    """
    from people.tasks import outbound_email_send

    hidden = secrets_hide(subject=subject, body_text=body_text, body_html=body_html, secrets=secrets, language=language)
    email = OutboundEmail.objects.create(
        to=to,
        kind=kind,
        subject=hidden.subject,
        body_text=hidden.body_text,
        body_html=hidden.body_html,
        hidden_count=hidden.hidden_count,
        hidden_values=hidden.hidden_values,
        language=language,
    )
    task_enqueue_on_commit(outbound_email_send, email.pk)
    return email


def outbound_email_secrets_expire(*, older_than: datetime.timedelta) -> int:
    """Forget the hidden secrets of e-mails queued longer ago than their links live (sent ones forget at once)."""
    stale = Q(sent_at__isnull=False) | Q(created_at__lt=timezone.now() - older_than)
    return OutboundEmail.objects.exclude(hidden_values={}).filter(stale).update(hidden_values={})
