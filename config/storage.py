"""Files on an S3-compatible object store (django-storages), when STORAGE_S3_BUCKET is set: what every machine shares.

Without it, files stay on the local disk (MEDIA_ROOT and PRIVATE_MEDIA_ROOT), which is right for one machine. With a
second web or worker machine, a file one of them wrote would be missing on the other; the object store is where they
all read and write instead.

Objects are private: no ACL grants anyone a read, and only the platform's processes, holding the keys, read them. Users
get files through the platform's own views, which check who may have them and stream the bytes; the one exception is
Wagtail's images and renditions (`SITE_MEDIA_FOLDERS`), which every page shows: their URL is the site's own
MEDIA_URL, served by `home.views.media_file` from the storage, so pages keep one origin for images (the
Content-Security-Policy's img-src 'self') and cached pages hold no expiring links. Any other URL the storage makes is
signed and short-lived (STORAGE_S3_URL_SECONDS).

A store that does not answer (or refuses the keys) is raised as `StorageUnavailable`, an OSError: the tasks that retry
a disk failure retry it, and a request that meets it gets the 503 page (`home.middleware.StorageUnavailableMiddleware`).
"""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

# Wagtail's original images, their renditions and the admin's avatars: shown on pages, so served by the site itself.
SITE_MEDIA_FOLDERS = ("images/", "original_images/", "avatar_images/")
# Seconds /health/ waits for the store's answer.
PROBE_SECONDS = 2


class StorageUnavailable(OSError):
    """The object store did not answer in time, or refused the platform's request."""


def site_media_name(name: str) -> bool:
    """Whether `name` is a file of the default storage that the site serves under MEDIA_URL (an image or rendition)."""
    return (
        name.startswith(SITE_MEDIA_FOLDERS)
        and posixpath.normpath(name) == name
        and "\\" not in name
        and "\x00" not in name
        and ".." not in name.split("/")
    )


@contextmanager
def store_errors(name: str) -> Iterator[None]:
    """Turn the store's errors into the file errors Django's callers expect: 404 a FileNotFoundError, the rest unavailable."""
    try:
        yield
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.response.get("Error", {}).get("Code", "")
        if status == 404 and code not in {"NoSuchBucket"}:
            raise FileNotFoundError(f"No such file in the object store: {name}") from error
        raise StorageUnavailable(f"The object store refused a request for {name}: {code or status}") from error
    except BotoCoreError as error:
        raise StorageUnavailable(f"The object store did not answer for {name}: {type(error).__name__}") from error


class ObjectStorage(S3Storage):
    """Private objects in the bucket, under `location`; every URL it makes is signed and expires."""

    def get_default_settings(self) -> dict[str, Any]:
        # connection and read timeout of each request, in seconds: a store that hangs must not hold a web worker
        return {**super().get_default_settings(), "timeout_seconds": 5}

    def __init__(self, **options: Any) -> None:
        options = {
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
            # a download is kept in memory up to this size, on the temporary disk beyond it
            "max_memory_size": 5 * 1024 * 1024,
            **options,
        }
        super().__init__(**options)
        # two tries (one retry) on a connection failure or a 5xx: a blip is hidden, an outage answers within seconds
        self.client_config = Config(
            s3={"addressing_style": self.addressing_style or "auto"},
            signature_version=self.signature_version,
            connect_timeout=self.timeout_seconds,
            read_timeout=self.timeout_seconds,
            retries={"total_max_attempts": 2, "mode": "standard"},
        )
        self._probes = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_probes", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._probes = threading.local()

    def _open(self, name: str, mode: str = "rb") -> Any:
        with store_errors(name):
            file = super()._open(name, mode)
            if "r" in mode:
                # fetched now: a store that fails fails here, in the view (a 503 page), not halfway through the response
                file.file  # noqa: B018
        return file

    def _save(self, name: str, content: Any) -> str:
        with store_errors(name):
            return super()._save(name, content)

    def delete(self, name: str) -> None:
        with store_errors(name):
            super().delete(name)

    def exists(self, name: str) -> bool:
        with store_errors(name):
            return super().exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        with store_errors(path):
            return super().listdir(path)

    def size(self, name: str) -> int:
        with store_errors(name):
            return super().size(name)

    def get_modified_time(self, name: str) -> Any:
        with store_errors(name):
            return super().get_modified_time(name)

    def reachable(self) -> bool:
        """Whether the bucket answers a HEAD request with the platform's keys (/health/), within PROBE_SECONDS."""
        client = getattr(self._probes, "client", None)
        if client is None:
            # one try with a short timeout: a load balancer's health check must not wait on a store that hangs
            config = self.client_config.merge(
                Config(connect_timeout=PROBE_SECONDS, read_timeout=PROBE_SECONDS, retries={"total_max_attempts": 1, "mode": "standard"})
            )
            client = self._create_session().client(
                "s3", region_name=self.region_name, use_ssl=self.use_ssl, endpoint_url=self.endpoint_url, config=config, verify=self.verify
            )
            self._probes.client = client
        try:
            with store_errors(self.bucket_name):
                client.head_bucket(Bucket=self.bucket_name)
        except OSError:
            return False
        return True


class SiteMediaStorage(ObjectStorage):
    """The default storage: images and renditions have the site's own URL (served by home.views.media_file),
    anything else (documents, module PDF packs) a signed one that expires."""

    def url(self, name: str, parameters: dict[str, Any] | None = None, expire: int | None = None, http_method: str | None = None) -> str:
        if site_media_name(name):
            return settings.MEDIA_URL + filepath_to_uri(name)
        return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
