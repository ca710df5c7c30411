"""Requests the platform refuses before any view sees them: methods it does not serve, and input no field accepts."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from urllib.parse import unquote_to_bytes

from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _

# TRACE echoes the request (cookies included) back; CONNECT, TRACK and invented methods mean nothing here.
ALLOWED_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# No address carries a control character: PostgreSQL refuses NUL in text, and the others are never typed.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f]")
# A form's text may hold tabs and line breaks (a textarea, a pasted list), nothing else below the space.
_CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What Django puts in place of bytes that are not UTF-8 when it decodes a multipart form.
_REPLACEMENT_CHARACTER = "\ufffd"
_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
# What the 503 page of an unreachable file storage asks browsers to wait before trying again.
STORAGE_RETRY_AFTER_SECONDS = 30

logger = logging.getLogger(__name__)


class RefusedInput(Exception):
    """A request carrying bytes no field of the platform accepts."""


def _percent_decoded_text(raw: bytes, *, encoding: str, control: re.Pattern[str]) -> str:
    """The text of a query string or an urlencoded body, as its fields will read it; refused if not `encoding` or with controls."""
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise RefusedInput from error
    if control.search(text):
        raise RefusedInput
    return text


def _path_check(request: HttpRequest) -> None:
    """The address's path, as the server decoded it, must be UTF-8 without control characters."""
    try:
        path = get_bytes_from_wsgi(request.META, "PATH_INFO", "/").decode()
    except UnicodeDecodeError as error:
        raise RefusedInput from error
    if _CONTROL_CHARACTERS.search(path):
        raise RefusedInput


def _query_check(request: HttpRequest) -> None:
    _percent_decoded_text(get_bytes_from_wsgi(request.META, "QUERY_STRING", ""), encoding="utf-8", control=_CONTROL_CHARACTERS)


def _texts_check(texts: Iterable[str], control: re.Pattern[str]) -> None:
    for text in texts:
        # Django decodes a multipart form's bytes with replacement: U+FFFD is where the bytes were not UTF-8.
        if _REPLACEMENT_CHARACTER in text or control.search(text):
            raise RefusedInput


def _form_check(request: HttpRequest) -> None:
    """An urlencoded body is checked byte for byte; a multipart one by its decoded field names and values."""
    if request.method != "POST":
        return
    if request.content_type == _URLENCODED:
        _percent_decoded_text(request.body, encoding=request.encoding or "utf-8", control=_CONTROL_CHARACTERS_IN_TEXT)
    elif request.content_type == _MULTIPART:
        # (file names need no check here: Django drops their unprintable characters itself)
        _texts_check((text for name, values in request.POST.lists() for text in (name, *values)), _CONTROL_CHARACTERS_IN_TEXT)


class RefuseBadInputMiddleware:
    """Answer 405 to a method the platform does not serve, and 400 (a page in the site's layout) to input no field accepts.

    Input no field accepts: a control character (NUL above all: PostgreSQL refuses it) or bytes that are not UTF-8, in the
    path, the query string, or an urlencoded or multipart form (where tabs and line breaks are text). Refusing here, once,
    spares every view, form and lookup from handling them, and nothing is ever stored with U+FFFD in place of a letter.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        try:
            _path_check(request)
            _query_check(request)
            _form_check(request)
        except RefusedInput:
            return bad_input_response(request)
        return self.get_response(request)


def bad_input_response(request: HttpRequest) -> HttpResponse:
    """The 400 page that says what was wrong with the request, in the site's layout and language."""
    context = {
        "reason": _(
            "The address or the form you sent contains characters the site does not accept: control characters "
            "(such as a null byte) or bytes that are not UTF-8 text. Check what you typed or pasted, and try again."
        )
    }
    return render(request, "400.html", context, status=400)


class StorageUnavailableMiddleware:
    """Answer 503 with a page that says so when the object store holding the platform's files does not answer.

    Raised by config.storage (StorageUnavailable) while a view reads or writes a file: a download, an upload, a PDF.
    The rest of the site works on: this is the only page the outage shows, and /health/ names the storage.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from config.storage import StorageUnavailable

        if not isinstance(exception, StorageUnavailable):
            return None
        logger.warning("file storage unavailable on %s: %s", request.path[:200], exception)
        response = render(request, "home/storage_unavailable.html", status=503)
        response["Retry-After"] = str(STORAGE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
