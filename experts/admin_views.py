"""Coordinators' status decision on an expert, in the Wagtail admin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from experts import selectors, services
from experts.forms import ExpertStatusForm


def expert_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Vet, pause or withdraw an expert with a reason; the expert is told by e-mail."""
    if not request.user.has_perm("experts.change_expertprofile"):
        raise PermissionDenied
    expert = get_object_or_404(selectors.roster(), pk=pk)
    form = ExpertStatusForm(request.POST or None, initial={"status": expert.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_set_status(
                expert=expert, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"], changed_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(expert)s is now “%(status)s”; the expert has been told by e-mail.")
                % {"expert": expert, "status": expert.get_status_display()},
            )
            return redirect("expert_roster:index")
    return TemplateResponse(
        request,
        "experts/admin/status.html",
        {"expert": expert, "form": form, "changes": expert.status_changes.select_related("changed_by")},
    )
