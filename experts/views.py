"""Public pages of the expert roster: applying, public profiles, and an expert's own profile, data and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from experts import selectors, services
from experts.forms import ExpertApplicationForm, InvitationAnswerForm, ProfileEditForm
from experts.models import ExpertProfile, InvitationStatus
from lib.ratelimit import rate_limited


def _applicant_email(request: HttpRequest) -> str:
    """The address an application is for: the account's when signed in, else the one typed in the form."""
    if request.user.is_authenticated:
        return request.user.email.lower()
    return request.POST.get("email", "").strip().lower()


@rate_limited("expert_apply", key=_applicant_email)
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


def _own_profile_or_404(request: HttpRequest) -> ExpertProfile:
    expert = selectors.own_profile(request.user)
    if expert is None:
        raise Http404
    return expert


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """An expert's own page: the profile as the roster holds it, invitations to answer, and their data to download or delete."""
    expert = selectors.own_profile(request.user)
    if expert is None:
        return TemplateResponse(request, "experts/me_none.html", {}, status=200)
    invitations = list(selectors.invitations_for_expert(expert))
    return TemplateResponse(
        request,
        "experts/me.html",
        {
            "expert": expert,
            "pending": [i for i in invitations if i.status == InvitationStatus.PENDING],
            "answered": [i for i in invitations if i.status != InvitationStatus.PENDING],
        },
    )


@login_required
def my_profile_edit(request: HttpRequest) -> HttpResponse:
    """The expert keeps their bio, availability and public parts current."""
    expert = _own_profile_or_404(request)
    window = expert.availability.first()
    initial = {
        "short_bio": expert.short_bio,
        "available_from": window.start if window else None,
        "available_until": window.end if window else None,
        "public_bio": expert.public_bio,
        "public_chapters": expert.public_chapters,
        "public_languages": expert.public_languages,
        "public_country": expert.public_country,
    }
    form = ProfileEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.expert_update_own(expert=expert, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        return redirect("experts:me")
    return TemplateResponse(request, "experts/me_edit.html", {"form": form, "expert": expert})


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything the roster holds about the expert, as a JSON download."""
    expert = _own_profile_or_404(request)
    response = JsonResponse(services.expert_data_export(expert), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="rtcm-expert-profile.json"'
    return response


@login_required
def my_profile_delete(request: HttpRequest) -> HttpResponse:
    """Asks, then deletes the expert's personal data (the anonymous history of what they taught stays)."""
    expert = _own_profile_or_404(request)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request, "experts/me_delete.html", {"expert": expert, "error": _("Tick the box to confirm the deletion.")}, status=400
            )
        services.expert_delete_personal_data(expert=expert)
        request.user.refresh_from_db()
        if not request.user.is_active:
            logout(request)
        messages.success(request, _("Your expert profile and its personal data have been deleted."))
        return redirect("home")
    return TemplateResponse(request, "experts/me_delete.html", {"expert": expert})


@login_required
def invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """An invitation to teach: the invited expert reads it and accepts or declines; anyone else gets a 404."""
    found = selectors.invitation_for_user(request.user, invitation_id)
    if found is None:
        raise Http404
    form = InvitationAnswerForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return TemplateResponse(request, "experts/invitation.html", {"invitation": found, "form": form}, status=400)
        try:
            answered = services.invitation_respond(invitation=found, user=request.user, accept=form.cleaned_data["answer"] == "accept")
        except ValidationError as error:
            form.add_error(None, error)
            return TemplateResponse(request, "experts/invitation.html", {"invitation": found, "form": form}, status=409)
        if answered.status == InvitationStatus.ACCEPTED:
            messages.success(request, _("Thank you: you are now among the trainers of this module."))
        else:
            messages.info(request, _("You have declined the invitation; the coordinator has been told."))
        return redirect("experts:me")
    return TemplateResponse(request, "experts/invitation.html", {"invitation": found, "form": form})
