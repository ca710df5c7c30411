"""Views of certificates: the public verification page, the PDF download, a coordinator's revocation, and issuing the
missing certificates of a completed session again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from curriculum import certificates
from curriculum.models import Certificate, TrainingSession
from lib.ratelimit import rate_limited

COORDINATOR_PERMISSION = "curriculum.change_sessionapplication"


class CertificateRevokeForm(forms.Form):
    """The coordinator's reason for revoking a certificate."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for revoking"),
        max_length=certificates.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the record for coordinators; the public verification page shows only the date."),
        error_messages={"required": gettext_lazy("Give the reason for revoking the certificate.")},
    )


def _verify_page(request: HttpRequest, certificate: Certificate | None, **extra: object) -> TemplateResponse:
    # an unknown code is a 404: there is no such certificate, and crawlers and monitors should see it so; the page still explains
    status = extra.pop("status", 200 if certificate is not None else 404)
    context = {"facts": certificates.public_facts(certificate) if certificate is not None else None, **extra}
    return TemplateResponse(request, "curriculum/certificate_verify.html", context, status=status)


@never_cache
@rate_limited("certificate_verify", limit_get=True)
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public, no sign-in: whether a certificate is valid, revoked (and when) or unknown, with only its name, module, dates and kind."""
    return _verify_page(request, certificates.certificate_by_code(code))


@login_required
def certificate_download(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate's PDF for its holder (while valid) and for coordinators; a 404 for anyone else."""
    certificate = certificates.certificate_by_code(code)
    if certificate is None or not certificate.holder_name or not certificates.may_download(request.user, certificate):
        raise Http404  # an erased holder's certificate has no PDF any more: rendering one again would bring nothing back
    certificate = certificates.certificate_file_ensure(certificate)
    return FileResponse(
        certificate.file.open("rb"), as_attachment=True, filename=f"certificate-{certificate.code}.pdf", content_type="application/pdf"
    )


@never_cache
@login_required
def certificate_revoke_view(request: HttpRequest, code: str) -> HttpResponse:
    """A coordinator revokes a certificate with a reason (POST); GET shows the certificate and the form. A 404 for anyone else."""
    certificate = certificates.certificate_by_code(code)
    if certificate is None or not request.user.has_perm(COORDINATOR_PERMISSION):
        raise Http404
    form = CertificateRevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                certificates.certificate_revoke(certificate=certificate, revoked_by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The certificate has been revoked."))
                return redirect("certificate_revoke", code=certificate.code)
        return _verify_page(request, certificate, form=form, revoking=True, record=certificate, status=400)
    return _verify_page(request, certificate, form=form, revoking=True, record=certificate)


@login_required
@require_POST
def session_certificates_issue_missing(request: HttpRequest, session_id: int) -> HttpResponse:
    """A coordinator has the missing certificates of a completed session issued again (POST only); a 403 for anyone else."""
    if not request.user.has_perm(COORDINATOR_PERMISSION):
        raise PermissionDenied
    session = get_object_or_404(TrainingSession.objects.select_related("module", "language"), pk=session_id)
    try:
        missing = certificates.certificates_issue_missing(session=session, requested_by=request.user)
    except ValidationError as refused:
        context = {"session": session, "reason": " ".join(refused.messages)}
        return TemplateResponse(request, "curriculum/certificates_issue_refused.html", context, status=409)
    if missing:
        messages.success(
            request,
            ngettext(
                "%(n)d missing certificate is being issued again; its holder is told by e-mail once it is issued.",
                "%(n)d missing certificates are being issued again; each holder is told by e-mail once theirs is issued.",
                missing,
            )
            % {"n": missing},
        )
    else:
        messages.info(request, _("No certificate is missing: every participant due one holds it."))
    return redirect("sessions:applications", pk=session.pk)
