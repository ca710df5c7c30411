"""Secrets in outgoing e-mails: hidden in the stored copy every page shows, put back for delivery only.

A secret is anything that lets its reader act as the recipient: a password-reset or address-confirmation
link, a sign-in or reset code, a respondent's personal questionnaire link. Callers name the secrets they
put in a message; as a safety net, every link to one of the secret URLs below is hidden too, named or not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

# URL names whose paths carry a secret, with placeholder arguments to find where the secret starts.
SECRET_URLS: tuple[tuple[str, dict[str, str]], ...] = (
    ("account_reset_password_from_key", {"uidb36": "SECRETUID", "key": "SECRETKEY"}),
    ("account_confirm_email", {"key": "SECRETKEY"}),
    ("survey_link", {"token": "SECRETKEY"}),
)
# Shorter named values are not hidden: they would blank out ordinary words (allauth's codes have 6 or more).
MIN_SECRET_LENGTH = 4
PARTS = ("subject", "body_text", "body_html")


@functools.cache
def secret_url_pattern() -> re.Pattern[str]:
    """A link (absolute or not) to any secret URL, in any language of the site, up to the next blank or quote."""
    prefixes = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for name, kwargs in SECRET_URLS:
                try:
                    path = reverse(name, kwargs=kwargs)
                except NoReverseMatch:  # e.g. allauth confirms addresses by code: no confirmation link exists
                    continue
                prefixes.add(path[: path.index("SECRET")])
    if not prefixes:
        return re.compile(r"(?!)")  # matches nothing
    alternatives = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"(?:https?://[^\s\"'<>/]+)?(?:{alternatives})[^\s\"'<>]+")


def _hide(text: str, values: Iterable[str], *, link_marker: str, code_marker: str) -> tuple[str, list[list[object]]]:
    """Replace each secret in `text` by a marker; return the redacted text and [offset, marker, value] per marker."""
    candidates = {value for value in values if len(value) >= MIN_SECRET_LENGTH}
    candidates.update(found.group(0) for found in secret_url_pattern().finditer(text))
    present = sorted((value for value in candidates if value in text), key=len, reverse=True)
    if not present:
        return text, []
    pattern = re.compile("|".join(re.escape(value) for value in present))  # longest first wins at each position
    pieces: list[str] = []
    hidden: list[list[object]] = []
    length = position = 0
    for found in pattern.finditer(text):
        pieces.append(text[position : found.start()])
        length += found.start() - position
        marker = link_marker if "/" in found.group(0) else code_marker
        hidden.append([length, marker, found.group(0)])
        pieces.append(marker)
        length += len(marker)
        position = found.end()
    pieces.append(text[position:])
    return "".join(pieces), hidden


def _reveal(text: str, hidden: list[list[object]]) -> str:
    """Put the values back where their markers stand (from the end, so earlier offsets stay right)."""
    for offset, marker, value in sorted(hidden, key=lambda entry: entry[0], reverse=True):  # type: ignore[arg-type,return-value]
        start, end = int(offset), int(offset) + len(str(marker))  # type: ignore[call-overload]
        if text[start:end] != marker:
            raise ValueError("The stored e-mail no longer matches its hidden values.")
        text = text[:start] + str(value) + text[end:]
    return text


@dataclass(frozen=True)
class HiddenEmail:
    """The redacted copy of a message, and what the delivery task needs to rebuild the real one."""

    subject: str
    body_text: str
    body_html: str
    hidden_values: dict[str, list[list[object]]]

    @property
    def hidden_count(self) -> int:
        return sum(len(entries) for entries in self.hidden_values.values())


def secrets_hide(
    *, subject: str, body_text: str, body_html: str, secrets: Iterable[str], language: str, subject_length: int = 255
) -> HiddenEmail:
    """Hide the named secrets and every secret link in the subject and both bodies."""
    secrets = [str(value) for value in secrets if value]
    with translation.override(language or settings.LANGUAGE_CODE):
        link_marker, code_marker = gettext("[link hidden]"), gettext("[code hidden]")
    hidden_subject, subject_hidden = _hide(subject[:subject_length], secrets, link_marker=link_marker, code_marker=code_marker)
    if len(hidden_subject) > subject_length:  # a marker longer than its secret: cut, and forget what falls off
        hidden_subject = hidden_subject[:subject_length]
        subject_hidden = [entry for entry in subject_hidden if int(entry[0]) + len(str(entry[1])) <= subject_length]  # type: ignore[call-overload]
    hidden_text, text_hidden = _hide(body_text, secrets, link_marker=link_marker, code_marker=code_marker)
    html_values = secrets + [escape(value) for value in secrets]
    hidden_html, html_hidden = _hide(body_html, html_values, link_marker=escape(link_marker), code_marker=escape(code_marker))
    hidden_values = {part: entries for part, entries in zip(PARTS, (subject_hidden, text_hidden, html_hidden), strict=True) if entries}
    return HiddenEmail(subject=hidden_subject, body_text=hidden_text, body_html=hidden_html, hidden_values=hidden_values)


def secrets_reveal(*, subject: str, body_text: str, body_html: str, hidden_values: dict[str, list[list[object]]]) -> tuple[str, str, str]:
    """The message as it is delivered: the stored copy with its secrets put back."""
    return (
        _reveal(subject, hidden_values.get("subject", [])),
        _reveal(body_text, hidden_values.get("body_text", [])),
        _reveal(body_html, hidden_values.get("body_html", [])),
    )
