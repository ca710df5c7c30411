"""What WeasyPrint may read while it renders a PDF: the site's own static and media files, and nothing else.

Module packs are made of what editors wrote, so their markup may name any address. With WeasyPrint's
own fetcher, `<img src="file:///etc/passwd">`, a stylesheet from another host or a `url()` to a
file on the server would be read by the worker and embedded in a PDF that trainees download, or make
the worker call addresses inside the network. This fetcher answers only for addresses under the
site's STATIC_URL and MEDIA_URL (relative ones, or absolute ones on the site's own host), read from
disk through the static files finders and the storages, never over the network. Everything else,
file://, http(s):// elsewhere and data: URIs, is refused; the only data: URIs it serves are the exact
ones the platform's own code made for the document being rendered (a certificate's QR code).

Imported only when a PDF is rendered: importing WeasyPrint takes a while.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from collections.abc import Iterable
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

from curriculum.pdf import pdf_base_url

logger = logging.getLogger("curriculum.pdf")

# Wagtail documents live under MEDIA_ROOT too, but they are handed out by a view that checks the
# privacy of their collection, never by MEDIA_URL: a PDF must not be a way round that check.
REFUSED_MEDIA_FOLDERS = ("documents/",)


class ResourceRefused(ValueError):
    """A PDF asked for an address outside the site's own static and media files."""


def _file_name(path: str, prefix: str) -> str | None:
    """The file name under `prefix` that `path` names, or None if it names none or tries to climb out."""
    if not prefix.startswith("/") or not path.startswith(prefix):
        return None
    name = unquote(path[len(prefix) :])
    if not name or "\\" in name or "\x00" in name or posixpath.normpath(name) != name or name.startswith(("/", "..")):
        return None
    return name


def _read_static(name: str) -> bytes | None:
    found = finders.find(name)
    if found:
        with open(found, "rb") as file:
            return file.read()
    if staticfiles_storage.exists(name):  # collected only (a hashed name of the manifest storage)
        with staticfiles_storage.open(name) as file:
            return file.read()
    return None


def _read_media(name: str) -> bytes | None:
    if name.startswith(REFUSED_MEDIA_FOLDERS) or not default_storage.exists(name):
        return None
    with default_storage.open(name) as file:
        return file.read()


def site_file(url: str) -> bytes | None:
    """The bytes of the site's own static or media file that `url` names, or None for any other address."""
    parts = urlsplit(url)
    site = urlsplit(pdf_base_url())
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != site.netloc.lower():
        return None
    for prefix_url, read in ((settings.STATIC_URL, _read_static), (settings.MEDIA_URL, _read_media)):
        prefix = urlsplit(urljoin(pdf_base_url(), prefix_url))
        if prefix.netloc.lower() != site.netloc.lower():
            continue  # static or media files served from another host are not files of this site
        name = _file_name(parts.path, prefix.path)
        if name is None:
            continue
        try:
            return read(name)
        except (SuspiciousFileOperation, OSError):
            return None
    return None


class SiteFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves the site's own static and media files and refuses the rest."""

    def __init__(self, *, own_data_uris: Iterable[str] = ()) -> None:
        # urllib below only ever decodes the platform's own data: URIs; it has no other protocol to open
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
        self.own_data_uris = frozenset(own_data_uris)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url in self.own_data_uris:
            return super().fetch(url, headers)
        content = site_file(url)
        if content is None:
            logger.warning("PDF rendering refused to read %s: only the site's static and media files may be used.", url[:200])
            raise ResourceRefused(f"not a static or media file of this site: {url[:200]}")
        content_type = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=content, headers={"Content-Type": content_type})
