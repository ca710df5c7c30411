"""Spreadsheets waiting for a coordinator's confirmation (enrolment, roster import), kept in the private storage.

A checked file is stashed between the dry run and the confirmation: it lists people (names, e-mail
addresses), so it lives outside MEDIA_ROOT where no URL serves it, is deleted once confirmed, cancelled
or replaced, and a beat task deletes whatever was left unconfirmed for a day.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone

STASH_ROOT = "pending-uploads"
MAX_AGE = datetime.timedelta(hours=24)


def upload_storage() -> Storage:
    """The storage of stashed uploads: STORAGES["private"], never served by URL."""
    return storages["private"]


def upload_stash(*, kind: str, content: bytes) -> str:
    """Keep a checked file until it is confirmed; the name says nothing of the original file or of who is in it."""
    return upload_storage().save(f"{STASH_ROOT}/{kind}/{uuid.uuid4().hex}.bin", ContentFile(content))


def upload_read(name: str) -> bytes | None:
    """The stashed file's bytes, or None when it is gone (confirmed, cancelled, expired) or the name is not a stash."""
    storage = upload_storage()
    if not name.startswith(f"{STASH_ROOT}/") or ".." in name or not storage.exists(name):
        return None
    with storage.open(name, "rb") as stored:
        return stored.read()


def upload_discard(name: str | None) -> None:
    """Delete a stashed file (confirmed, cancelled or replaced); nothing happens when it is already gone."""
    if name and name.startswith(f"{STASH_ROOT}/") and ".." not in name:
        upload_storage().delete(name)


def _stashed() -> list[str]:
    storage = upload_storage()
    try:
        kinds, _files = storage.listdir(STASH_ROOT)
    except FileNotFoundError:
        return []
    names = []
    for kind in kinds:
        _dirs, files = storage.listdir(f"{STASH_ROOT}/{kind}")
        names += [f"{STASH_ROOT}/{kind}/{name}" for name in files]
    return names


def stale_uploads_delete(*, now: datetime.datetime | None = None) -> int:
    """Delete the stashed files older than a day (never confirmed nor cancelled); returns how many went."""
    storage = upload_storage()
    limit = (now or timezone.now()) - MAX_AGE
    deleted = 0
    for name in _stashed():
        try:
            modified = storage.get_modified_time(name)
        except FileNotFoundError:
            continue
        if modified <= limit:
            storage.delete(name)
            deleted += 1
    return deleted


def uploads_discard_all(files: list[tuple[Storage, str]]) -> None:
    """Add every stashed file to `files`, to be deleted after an erasure commits: any of them may list the person."""
    storage = upload_storage()
    files.extend((storage, name) for name in _stashed())
