"""Views of the curriculum: catalogue, module, lesson and the trainee's progress."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Locale

from curriculum import attendance, certificates, corrections, enrolment, selectors, services
from curriculum.forms import ApplicationForm, AttendanceCorrectionForm, CatalogueFilterForm
from curriculum.models import (
    ApplicationStatus,
    Attendance,
    CertificateOutcome,
    CurriculumIndexPage,
    CurriculumPartPage,
    LessonPage,
    ModulePage,
    SessionApplication,
    SessionStatus,
    TrainingSession,
)
from experts import selectors as expert_selectors

PAGE_SIZE = 12


def catalogue(request: HttpRequest, page: CurriculumIndexPage) -> HttpResponse:
    """The public list of published modules in the page's language, filtered and searched."""
    form = CatalogueFilterForm(request.GET or None)
    status = 200
    module_ids: list[int] = []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        module_ids = selectors.catalogue_module_ids(locale=page.locale, filters=filters)
    paginator = Paginator(module_ids, PAGE_SIZE)
    requested_page = request.GET.get("page", "")
    listing = paginator.get_page(requested_page)
    page_note = ""
    if requested_page and requested_page != str(listing.number):
        page_note = _("There is no page “%(requested)s” of these results: this is page %(shown)s.") % {
            "requested": requested_page[:20],
            "shown": listing.number,
        }
    # only the shown page of modules is loaded with its chapters, audiences, levels and languages
    listing.object_list = selectors.modules_by_ids(list(listing.object_list))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "listing": listing,
            "result_count": paginator.count,
            "is_filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
            "querystring": query_without_page.urlencode(),
            "page_note": page_note,
        }
    )
    return TemplateResponse(request, "curriculum/curriculum_index_page.html", context, status=status)


def part_modules(page: CurriculumPartPage) -> list[ModulePage]:
    """A part's published modules with their card data, by code."""
    modules = ModulePage.objects.child_of(page).live().public().order_by("code", "title")
    return selectors.modules_by_ids(list(modules.values_list("pk", flat=True)))


def module_context(request: HttpRequest, page: ModulePage) -> dict[str, object]:
    """What a module page shows besides its fields: activities, lessons, trainers, materials (also in previews)."""
    return {
        "activities": selectors.module_activities(page),
        "lessons": selectors.lesson_entries(module=page, user=request.user),
        "can_take": selectors.can_take_module(user=request.user, module=page),
        "materials": list(page.materials.select_related("document", "language")),
        "trainers": [expert for expert in expert_selectors.module_trainers(page) if expert.is_publicly_listed],
        # live ones only; a preview's prerequisites are an in-memory list, not a queryset
        "prerequisites": [module for module in page.prerequisites.all() if module.live],
        "sessions": selectors.upcoming_sessions(page),
    }


def module_detail(request: HttpRequest, page: ModulePage) -> HttpResponse:
    """A module with its chapters, audience, levels, activities, materials and lessons."""
    return TemplateResponse(request, "curriculum/module_page.html", page.get_context(request))


def lesson_detail(request: HttpRequest, page: LessonPage) -> HttpResponse:
    """A lesson: visible to those who may take its module; opening it records progress."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    module = page.get_parent().specific
    if not selectors.can_take_module(user=request.user, module=module):
        context = page.get_context(request)
        context["module"] = module
        return TemplateResponse(request, "curriculum/lesson_locked.html", context, status=403)
    if request.method == "POST":
        if request.POST.get("action") == "complete":
            services.lesson_complete(user=request.user, lesson=page, module=module)
            messages.success(request, _("Lesson marked as completed."))
            following = _next_lesson(module, page)
            return redirect(following.get_url(request) if following else module.get_url(request))
        return HttpResponse(_("Unknown action."), status=400, content_type="text/plain; charset=utf-8")
    services.lesson_visit(user=request.user, lesson=page, module=module)
    entries = selectors.lesson_entries(module=module, user=request.user)
    position = next((i for i, entry in enumerate(entries) if entry.lesson.pk == page.pk), 0)
    context = page.get_context(request)
    context.update(
        {
            "module": module,
            "entries": entries,
            "position": position + 1,
            "previous_lesson": entries[position - 1].lesson if position > 0 else None,
            "next_lesson": entries[position + 1].lesson if position + 1 < len(entries) else None,
            "completed": entries[position].completed if entries else False,
        }
    )
    return TemplateResponse(request, "curriculum/lesson_page.html", context)


def _next_lesson(module: ModulePage, lesson: LessonPage) -> LessonPage | None:
    lessons = selectors.module_lessons(module)
    ids = [item.pk for item in lessons]
    index = ids.index(lesson.pk) if lesson.pk in ids else -1
    return lessons[index + 1] if 0 <= index < len(lessons) - 1 else None


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    """The trainee's page: modules in progress with how far they got and where to continue."""
    from assessments.services import pending_surveys  # assessments builds on curriculum, not the reverse

    locale = Locale.get_active()
    context = {
        "pending_surveys": pending_surveys(request.user),
        "progress": selectors.learning_progress(user=request.user, locale=locale),
        "catalogue": selectors.catalogue_page_for(locale),
        "applications": selectors.applications_of(request.user),
        # a revoked one stays listed, marked, without its download: the holder learns why it went
        "certificates": list(certificates.certificates_of(request.user)),
    }
    return TemplateResponse(request, "curriculum/my_learning.html", context)


def module_pdf(request: HttpRequest, page_id: int) -> HttpResponse:
    """Download a module's PDF pack in its language; while it is being made, a page that refreshes itself."""
    from django.http import FileResponse

    from curriculum.models import ModulePdf

    # `id` (the page's integer column), not `pk` (the link to it): a number past any integer is then no page, not an error
    module = ModulePage.objects.live().public().filter(id=page_id).first()
    if module is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.can_take_module(user=request.user, module=module):
        return TemplateResponse(request, "curriculum/lesson_locked.html", {"page": module, "module": module}, status=403)
    pdf = services.module_pdf_request(module=module)
    if pdf.status == ModulePdf.Status.READY and pdf.file:
        filename = f"{module.code}-{module.locale.language_code}.pdf"
        return FileResponse(pdf.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    # 202 while the worker renders it (the page refreshes itself); 503 when rendering failed
    status = 503 if pdf.status == ModulePdf.Status.FAILED else 202
    return TemplateResponse(request, "curriculum/module_pdf_pending.html", {"module": module, "pdf": pdf}, status=status)


def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    """A session: its module, dates, place, seats, and for a signed-in trainee the application form or their application."""
    session = selectors.public_session(session_id)
    if session is None:
        raise Http404
    application = None
    if request.user.is_authenticated:
        application = session.applications.filter(trainee=request.user).first()
    return _session_page(request, session, application, ApplicationForm())


def _session_page(
    request: HttpRequest, session: TrainingSession, application: SessionApplication | None, form: ApplicationForm, status: int = 200
) -> HttpResponse:
    is_trainee = "trainee" in selectors.user_role_codes(request.user)
    context = {
        "session": session,
        "module": session.module.localized,
        "application": application,
        "form": form,
        "is_trainee": is_trainee,
        "seats_left": max(session.capacity - session.approved, 0),
    }
    return TemplateResponse(request, "curriculum/session_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_apply(request: HttpRequest, session_id: int) -> HttpResponse:
    """A trainee's application to a session; errors are shown on the session's page.

    A visit (someone signed in again after the form was sent signed out, and the sign-in came back here) goes to the
    session's page, where the form is.
    """
    session = selectors.public_session(session_id)
    if session is None:
        raise Http404
    if request.method != "POST":
        return redirect("session_detail", session_id=session.pk)
    if "trainee" not in selectors.user_role_codes(request.user):
        raise PermissionDenied
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            enrolment.session_apply(session=session, trainee=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your application has been received; we have sent you a confirmation by e-mail."))
            return redirect("my_learning")
    existing = session.applications.filter(trainee=request.user).first()
    return _session_page(request, session, existing, form, status=409 if existing else 400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def application_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    """The trainee withdraws their application after confirming it on this page; anyone else's gets a 404."""
    application = selectors.application_of(request.user, application_id)
    if application is None:
        raise Http404
    if request.method != "POST":
        if not application.can_withdraw:
            return redirect("my_learning")
        return TemplateResponse(
            request, "curriculum/application_withdraw.html", {"application": application, "module": application.session.module.localized}
        )
    try:
        enrolment.application_withdraw(application=application, trainee=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("my_learning")
    messages.success(request, _("Your application has been withdrawn."))
    return redirect("my_learning")


@login_required
def session_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    """The trainer's phone-friendly attendance sheet: one day at a time, a checkbox per participant."""
    session = TrainingSession.objects.select_related("module", "language").filter(pk=session_id).first()
    if session is None or not attendance.may_record(request.user, session):
        raise Http404
    days = session.days()
    day = _chosen_day(request, days)
    if day is None:
        return TemplateResponse(
            request, "curriculum/session_attendance.html", {"session": session, "days": days, "error": True}, status=400
        )
    error = ""
    locked = corrections.attendance_locked(session)
    if request.method == "POST" and locked:
        # the certificates follow from this attendance: nothing on the sheet changes, a correction is filed instead
        return _attendance_page(request, session, day, error=attendance.locked_message(), status=409)
    if request.method == "POST":
        try:
            present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
            changed = attendance.attendance_record(
                session=session, day=day, present_ids=present, recorded_by=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Attendance of %(day)s saved (%(n)d marks changed).") % {"day": date_format(day), "n": changed})
            return redirect(f"{reverse('session_attendance', args=[session.pk])}?day={day.isoformat()}")
    return _attendance_page(request, session, day, error=error, status=400 if error else 200)


def _attendance_page(
    request: HttpRequest, session: TrainingSession, day: datetime.date, *, error: str = "", status: int = 200, correction: object = None
) -> TemplateResponse:
    """The sheet of one day; once the session is completed, read-only with the correction form."""
    marks = dict(Attendance.objects.filter(application__session=session, day=day).values_list("application_id", "present"))
    participants = attendance.participants(session)
    rows = [{"application": a, "present": marks.get(a.pk, False), "recorded": a.pk in marks} for a in participants]
    locked = corrections.attendance_locked(session)
    context = {
        "session": session,
        "module": session.module.localized,
        "days": session.days(),
        "day": day,
        "upcoming": day > timezone.localdate(),
        "rows": rows,
        "error": error,
        "is_coordinator": request.user.has_perm("curriculum.change_sessionapplication"),
        "locked": locked,
        "correction_form": (correction or AttendanceCorrectionForm(session=session, participants=participants, initial={"day": day}))
        if locked
        else None,
    }
    return TemplateResponse(request, "curriculum/session_attendance.html", context, status=status)


@login_required
@require_POST
def session_attendance_correct(request: HttpRequest, session_id: int) -> HttpResponse:
    """File a correction of a completed session's attendance (participant, day, new mark, reason)."""
    session = TrainingSession.objects.select_related("module", "language").filter(pk=session_id).first()
    if session is None or not corrections.may_correct(request.user, session):
        raise Http404
    participants = attendance.participants(session)
    form = AttendanceCorrectionForm(request.POST, session=session, participants=participants)
    day = session.days()[-1]
    if not corrections.attendance_locked(session):
        return _attendance_page(
            request, session, day, error=_("The session is not completed yet: change the attendance on the sheet."), status=409
        )
    if not form.is_valid():
        return _attendance_page(request, session, day, status=400, correction=form)
    day = form.cleaned_data["day"]
    try:
        correction = corrections.attendance_correct(
            session=session,
            application_id=form.cleaned_data["participant"],
            day=day,
            present=form.cleaned_data["present"],
            reason=form.cleaned_data["reason"],
            corrected_by=request.user,
        )
    except ValidationError as refused:
        status = 409 if refused.code == "not_completed" else 400
        return _attendance_page(request, session, day, error=" ".join(refused.messages), status=status, correction=form)
    outcome = {
        CertificateOutcome.ISSUED: _("The participant's certificate has been issued."),
        CertificateOutcome.REVOKED: _("The participant's certificate has been revoked."),
        CertificateOutcome.REPLACED: _("The participant's certificate has been revoked and replaced by one of the kind now due."),
    }.get(correction.certificate_outcome, _("The participant's certificate is unchanged."))
    messages.success(request, _("The correction is saved and the coordinators are told.") + " " + outcome)
    return redirect(f"{reverse('session_attendance', args=[session.pk])}?day={day.isoformat()}")


def _chosen_day(request: HttpRequest, days: list[datetime.date]) -> datetime.date | None:
    raw = request.POST.get("day") or request.GET.get("day")
    if not raw:
        today = timezone.localdate()
        return today if today in days else days[0]
    try:
        chosen = datetime.date.fromisoformat(raw)
    except ValueError:
        return None
    return chosen if chosen in days else None


@login_required
def my_teaching(request: HttpRequest) -> HttpResponse:
    """A trainer's sessions with their participants and the attendance sheet."""
    sessions = list(
        request.user.sessions_taught.exclude(status=SessionStatus.DRAFT)
        .select_related("module", "language", "venue_country")
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=SessionApplication.objects.filter(status=ApplicationStatus.APPROVED).select_related("trainee"),
                to_attr="participants",
            )
        )
        .order_by("-start_date")
    )
    return TemplateResponse(request, "curriculum/my_teaching.html", {"sessions": sessions})
