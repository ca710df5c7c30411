"""Checks on uploaded CVs: a PDF or DOCX file of at most 5 MB, judged by its content, not only its name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext_lazy as _

CV_MAX_BYTES = 5 * 1024 * 1024
# A PDF starts with "%PDF-"; a DOCX is a ZIP archive.
_SIGNATURES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04"}


def validate_cv_file(upload: File) -> None:
    """Refuse CVs that are too large or whose content does not match a PDF or DOCX."""
    if upload.size is not None and upload.size > CV_MAX_BYTES:
        raise ValidationError(_("The CV may be at most 5 MB."), code="cv_too_large")
    name = (upload.name or "").lower()
    signature = next((sig for ext, sig in _SIGNATURES.items() if name.endswith(ext)), None)
    if signature is None:
        raise ValidationError(_("Upload the CV as a PDF or DOCX file."), code="cv_bad_type")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(position)
    if head != signature:
        raise ValidationError(_("This file is not a valid PDF or DOCX document."), code="cv_bad_content")
