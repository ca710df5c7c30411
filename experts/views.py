"""Public pages of the expert roster: the application form, its thank-you page and public profiles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language

from experts import selectors, services
from experts.forms import ExpertApplicationForm
from experts.models import ExpertProfile


def apply(request: HttpRequest) -> HttpResponse:
    """The public application form; a signed-in user applies with their own account."""
    user = request.user if request.user.is_authenticated else None
    if user is not None and ExpertProfile.objects.filter(user=user).exists():
        return TemplateResponse(request, "experts/apply_done.html", {"already_applied": True})
    if request.method == "POST":
        form = ExpertApplicationForm(request.POST, request.FILES)
        if user is not None:
            # the account's address is the one that counts, whatever the form was sent with
            form.data = form.data.copy()
            form.data["email"] = user.email
        if form.is_valid():
            try:
                services.expert_apply(**form.service_kwargs(), user=user, language=(get_language() or "")[:2])
            except ValidationError as error:
                form.add_error("email" if error.code == "duplicate_email" else None, error)
            else:
                return redirect("experts:apply_done")
    else:
        initial = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name, "gender": user.gender} if user else {}
        if user is not None and user.country_id:
            initial["country_of_residence"] = user.country_id
        form = ExpertApplicationForm(initial=initial)
    return TemplateResponse(request, "experts/apply.html", {"form": form, "signed_in": user is not None})


def apply_done(request: HttpRequest) -> HttpResponse:
    """Thanks the applicant and says what happens next."""
    return TemplateResponse(request, "experts/apply_done.html", {"already_applied": False})


def public_profile(request: HttpRequest, expert_id: int) -> HttpResponse:
    """A vetted expert's public profile, showing only the parts they agreed to make public."""
    expert = selectors.public_expert(expert_id)
    if expert is None:
        raise Http404
    return TemplateResponse(request, "experts/public_profile.html", {"expert": expert})
