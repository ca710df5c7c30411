"""Answering surveys: organisations through personal links (no account), participants for their sessions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments import instruments, services
from assessments.answers import NON_FIELD, NOT_APPLICABLE, grid_field_name, multiple_answers_allowed
from assessments.models import PRIORITY_SCORES, SESSION_PURPOSES, Instrument, Question, QuestionKind, Respondent
from curriculum.models import ThematicChapter, TrainingSession
from lib.ratelimit import rate_limited


@dataclass
class GridRow:
    chapter: ThematicChapter
    name: str
    value: str
    error: str = ""


@dataclass
class QuestionField:
    """A question as the form shows it: its field name, what is selected, and its error."""

    question: Question
    name: str
    values: list[str]
    error: str = ""
    multiple: bool = False
    rows: list[GridRow] = field(default_factory=list)

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


@dataclass
class SectionFields:
    title: str
    fields: list[QuestionField]


def form_sections(instrument: Instrument, values: dict[str, list[str]], errors: dict[str, str]) -> list[SectionFields]:
    """The instrument's questions grouped by section, with the values to show and the errors."""
    questions = instruments.instrument_questions(instrument)
    chapters = instruments.chapters()
    titles = [section.title for section in instrument.sections.all()]
    sections: dict[int, SectionFields] = {}
    for question in questions:
        number = question.section_number
        if number not in sections:
            title = titles[number - 1] if 0 < number <= len(titles) else ""
            sections[number] = SectionFields(title, [])
        item = QuestionField(
            question,
            question.field_name,
            values.get(question.field_name, []),
            errors.get(question.field_name, ""),
            multiple=multiple_answers_allowed(question),
        )
        if question.kind == QuestionKind.PRIORITY_GRID:
            for chapter in chapters:
                name = grid_field_name(question, chapter)
                item.rows.append(GridRow(chapter, name, (values.get(name) or [""])[0], errors.get(name, "")))
        sections[number].fields.append(item)
    return [sections[number] for number in sorted(sections)]


def _message(request: HttpRequest, respondent: Respondent, text: str, status: int) -> HttpResponse:
    return render(request, "assessments/survey_message.html", {"instrument": respondent.instrument, "text": text}, status=status)


def _answer(request: HttpRequest, respondent: Respondent, *, done_url: str) -> HttpResponse:
    instrument = respondent.instrument
    window = services.respondent_window(respondent)
    if not window.is_open:
        return _message(request, respondent, window.reason, 409 if respondent.submitted_at else 403)
    values: dict[str, list[str]] = respondent.draft or {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "submit")
        try:
            if action == "save":
                services.draft_save(respondent=respondent, data=request.POST)
                messages.success(request, _("Your answers are saved. You can come back to this page to go on."))
                return redirect(request.path)
            if action != "submit":
                raise services.SubmissionInvalid(_("Unknown action."))
            services.response_submit(respondent=respondent, data=request.POST, language=get_language() or "")
            return redirect(done_url)
        except services.SubmissionInvalid as invalid:
            errors = dict(invalid.parsed.errors) if invalid.parsed else {NON_FIELD: invalid.message}
            values = {name: request.POST.getlist(name) for name in request.POST if name.startswith("q-")}
            status = 400
        except services.SurveyError as refused:
            return _message(request, respondent, refused.message, refused.status)
    sections = form_sections(instrument, values, errors)
    error_fields = [item for section in sections for item in section.fields if item.error or any(row.error for row in item.rows)]
    context = {
        "instrument": instrument,
        "respondent": respondent,
        "sections": sections,
        "errors": errors,
        "form_error": errors.get(NON_FIELD, ""),
        "error_fields": error_fields,
        "priority_scores": PRIORITY_SCORES,
        "not_applicable": NOT_APPLICABLE,
        "language_offered": (get_language() or "az")[:2] in instrument.languages,
    }
    return render(request, "assessments/survey_form.html", context, status=status)


@rate_limited("survey_submit", key=lambda request, token: f"link:{token}")
@require_http_methods(["GET", "POST"])
def survey_link(request: HttpRequest, token: str) -> HttpResponse:
    """A needs-assessment questionnaire answered through an organisation's personal link."""
    respondent = get_object_or_404(
        Respondent.objects.select_related("instrument", "round", "country", "category"), token=token, round__isnull=False
    )
    return _answer(request, respondent, done_url=reverse("survey_thanks"))


@login_required
@rate_limited("survey_submit", key=lambda request, session_id, purpose: f"session:{session_id}:{purpose}:{request.user.pk}")
@require_http_methods(["GET", "POST"])
def session_survey(request: HttpRequest, session_id: int, purpose: str) -> HttpResponse:
    """A session's evaluation, pre-test, post-test or follow-up, for its confirmed participants only."""
    if purpose not in SESSION_PURPOSES:
        raise Http404
    session = get_object_or_404(TrainingSession.objects.select_related("module").prefetch_related("surveys__instrument"), pk=session_id)
    if not services.is_participant(request.user, session):
        raise Http404
    instrument = services.session_survey_instrument(session, purpose)
    if instrument is None:
        raise Http404
    respondent = services.participant_respondent(instrument=instrument, session=session, user=request.user)
    respondent.session = session
    return _answer(request, respondent, done_url=reverse("survey_thanks"))


def survey_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/survey_thanks.html")
