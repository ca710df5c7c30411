"""Coordinators' pages of the roster in the Wagtail admin: status decisions, matching and invitations, import and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from experts import roster_rows, selectors, services, spreadsheets
from experts.filters import ExpertFilterSet
from experts.forms import ExpertStatusForm, InviteForm, MatchForm, RosterImportForm
from experts.matching import Match, rank_experts
from experts.models import Invitation
from people import uploads

MATCH_LIMIT = 20
IMPORT_SESSION_KEY = "expert_roster_import"


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


def _require_roster_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("experts.change_expertprofile"):
        raise PermissionDenied


def _admin_locale() -> Locale:
    return Locale.get_default()


def expert_match(request: HttpRequest) -> HttpResponse:
    """Rank vetted experts for a module, with the reasons for each score, and invite from the ranking."""
    _require_roster_manager(request)
    form = MatchForm(request.GET or None, locale=_admin_locale())
    matches: list[Match] = []
    invitations: list[Invitation] = []
    if form.is_bound and form.is_valid():
        matches = rank_experts(form.match_request(), limit=MATCH_LIMIT)
        invitations = list(selectors.module_invitations(form.cleaned_data["module"], session=form.cleaned_data.get("session")))
    return TemplateResponse(
        request,
        "experts/admin/match.html",
        {
            "form": form,
            "matches": matches,
            "invitations": invitations,
            "invite_form": InviteForm(),
            "limit": MATCH_LIMIT,
            "query": request.GET.urlencode(),
        },
    )


def expert_invite(request: HttpRequest) -> HttpResponse:
    """Invite the experts ticked in a ranking; each is told by e-mail."""
    _require_roster_manager(request)
    if request.method != "POST":
        return redirect("expert_roster:match")
    criteria = MatchForm(request.POST, locale=_admin_locale())
    form = InviteForm(request.POST)
    if not criteria.is_valid():
        messages.error(request, _("The ranking's criteria are no longer valid: rank the experts again."))
        return redirect("expert_roster:match")
    back = reverse("expert_roster:match") + "?" + request.POST.get("query", "")
    if not form.is_valid():
        for error in form.errors.get("experts", []):
            messages.error(request, error)
        return redirect(back)
    outcome = services.expert_invite(
        module=criteria.cleaned_data["module"],
        experts=list(form.cleaned_data["experts"].select_related("user")),
        invited_by=request.user,
        message=form.cleaned_data["message"],
        match_request=criteria.match_request(),
        session=criteria.cleaned_data.get("session"),
    )
    if outcome.invited:
        messages.success(
            request,
            ngettext(
                "%(n)d expert invited; they have been told by e-mail.",
                "%(n)d experts invited; they have been told by e-mail.",
                len(outcome.invited),
            )
            % {"n": len(outcome.invited)},
        )
    for expert, reason in outcome.skipped:
        messages.warning(request, _("%(expert)s was not invited: %(reason)s.") % {"expert": expert, "reason": reason})
    return redirect(back)


def roster_import(request: HttpRequest) -> HttpResponse:
    """Import a roster spreadsheet: a dry run reports every invalid row; nothing is written until the coordinator confirms."""
    _require_roster_manager(request)
    if request.method == "POST" and "confirm" in request.POST:
        return _roster_import_confirm(request)
    if request.method == "POST" and "cancel" in request.POST:
        _import_forget(request)
        messages.info(request, _("The checked file has been deleted; nothing was imported."))
        return redirect("expert_roster:import")
    form = RosterImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = spreadsheets.roster_import_parse(file=content, filename=upload.name)
        _import_forget(request)  # a new file replaces the one checked before
        if report.can_import:
            name = uploads.upload_stash(kind="roster", content=content)
            request.session[IMPORT_SESSION_KEY] = {"path": name, "filename": upload.name}
    # a file that cannot be read at all (damaged, not UTF-8, a zip bomb...) is refused: its message is on the page
    status = 400 if report is not None and report.file_error else 200
    return TemplateResponse(request, "experts/admin/import.html", _import_context(form, report), status=status)


def _import_forget(request: HttpRequest) -> None:
    """Delete the file waiting for confirmation, if any."""
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if pending:
        uploads.upload_discard(pending.get("path"))


def _import_context(form: RosterImportForm, report: spreadsheets.ImportReport | None) -> dict[str, object]:
    counts = {action.value: report.count(action) for action in roster_rows.RowAction} if report else {}
    return {"form": form, "report": report, "report_counts": counts, "columns": [column.key for column in roster_rows.COLUMNS]}


def _roster_import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(IMPORT_SESSION_KEY)
    content = uploads.upload_read(pending["path"]) if pending else None
    if content is None:
        messages.error(request, _("The checked file is no longer here: upload it again."))
        return redirect("expert_roster:import")
    # checked again: the roster may have changed since the dry run
    report = spreadsheets.roster_import_parse(file=content, filename=pending["filename"])
    only_valid = request.POST.get("only_valid_rows") == "yes"
    if not report.can_import or (report.invalid_rows and not only_valid):
        messages.error(request, _("The file still has invalid rows: correct them, or confirm importing only the valid rows."))
        return TemplateResponse(request, "experts/admin/import.html", _import_context(RosterImportForm(), report), status=400)
    try:
        result = spreadsheets.roster_import_apply(report=report, imported_by=request.user, only_valid_rows=only_valid)
    except ValidationError as error:
        # a row no longer fits the roster as it is now: everything was rolled back
        messages.error(request, " ".join(error.messages))
        return TemplateResponse(request, "experts/admin/import.html", _import_context(RosterImportForm(), report), status=409)
    _import_forget(request)
    messages.success(
        request,
        _("Import finished: %(created)d experts created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d invalid rows left out.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged, "skipped": result.skipped_invalid},
    )
    return redirect("expert_roster:index")


def roster_export(request: HttpRequest) -> HttpResponse:
    """The roster (filtered as the listing is) as XLSX or CSV, with only what experts consented to share."""
    if not request.user.has_perm("experts.view_expertprofile"):
        raise PermissionDenied
    file_format = request.GET.get("format", "xlsx")
    if file_format not in {"xlsx", "csv"}:
        file_format = "xlsx"
    filters = ExpertFilterSet(request.GET, queryset=selectors.roster())
    queryset = filters.qs if filters.is_valid() else selectors.roster()
    if request.GET.get("q"):
        queryset = selectors.roster_text_search(queryset, request.GET["q"])
    content = spreadsheets.roster_export(queryset=queryset, file_format=file_format)
    content_type = (
        "text/csv; charset=utf-8" if file_format == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="rtcm-expert-roster.{file_format}"'
    return response


def expert_cv(request: HttpRequest, pk: int) -> HttpResponse:
    """An expert's CV, for those who may see the roster; CVs have no public URL."""
    if not request.user.has_perm("experts.view_expertprofile"):
        raise PermissionDenied
    expert = get_object_or_404(selectors.roster(), pk=pk)
    if not expert.cv:
        raise Http404
    extension = expert.cv.name.rsplit(".", 1)[-1].lower()
    content_type = "application/pdf" if extension == "pdf" else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    name = f"cv-{slugify(expert.user.get_full_name()) or expert.pk}.{extension}"
    return FileResponse(expert.cv.open("rb"), as_attachment=True, filename=name, content_type=content_type)
