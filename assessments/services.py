"""Writes of the surveys: drafts and submissions, rounds and their links, session surveys, e-mails, versions."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import anonymity
from assessments.answers import Parsed, parse
from assessments.instruments import chapters, instrument_questions
from assessments.models import (
    SESSION_PURPOSES,
    Answer,
    Instrument,
    InstrumentStatus,
    Purpose,
    Respondent,
    Response,
    Round,
    RoundStatus,
    SessionSurvey,
    SurveyNotice,
)
from curriculum.models import ApplicationStatus, SessionApplication, SessionStatus, TrainingSession
from home.outbox import task_enqueue_on_commit
from people.models import OutboundEmail, User
from people.services import outbound_email_queue

# How long a session's evaluation and post-test stay open after its last day.
EVALUATION_OPEN_DAYS = 30
# A follow-up stays open this long after it is sent.
FOLLOW_UP_OPEN_DAYS = 60


class SurveyError(Exception):
    """A submission that cannot be taken; `status` is the HTTP status the view answers with."""

    status = 400

    def __init__(self, message: str, parsed: Parsed | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parsed = parsed


class SubmissionInvalid(SurveyError):
    status = 400


class SurveyClosed(SurveyError):
    status = 403


class AlreadySubmitted(SurveyError):
    status = 409


# --- when a survey can be answered ---------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Whether a respondent may answer now, and if not, why (a sentence for them)."""

    is_open: bool
    reason: str = ""


def session_survey_instrument(session: TrainingSession, purpose: str) -> Instrument | None:
    """The instrument a session uses for `purpose`: its own, or the published default (evaluation, follow-up)."""
    own = next((survey for survey in session.surveys.all() if survey.purpose == purpose), None)
    if own is not None:
        return own.instrument
    if purpose in (Purpose.SESSION_EVALUATION, Purpose.FOLLOW_UP):
        return (
            Instrument.objects.filter(purpose=purpose, is_default=True, status=InstrumentStatus.PUBLISHED)
            .order_by("-version", "pk")
            .first()
        )
    return None


def follow_up_months(session: TrainingSession) -> int:
    own = next((survey for survey in session.surveys.all() if survey.purpose == Purpose.FOLLOW_UP), None)
    return own.follow_up_months if own is not None else 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def session_survey_closes(purpose: str, *, start_date: datetime.date, end_date: datetime.date, months: int = 3) -> datetime.date:
    """The last day a session's survey of `purpose` can be answered (as `session_window` says): the first day for the
    pre-test, 30 days after the last day for the evaluation and the post-test, the follow-up's opening plus 60 days."""
    if purpose == Purpose.PRE_TEST:
        return start_date
    if purpose == Purpose.FOLLOW_UP:
        return add_months(end_date, months) + datetime.timedelta(days=FOLLOW_UP_OPEN_DAYS)
    return end_date + datetime.timedelta(days=EVALUATION_OPEN_DAYS)


def session_window(session: TrainingSession, purpose: str, today: datetime.date | None = None) -> Window:
    """When a session's survey of `purpose` is open: pre-test until the first day, evaluation and post-test for
    30 days from the last day, the follow-up from N months after the last day for 60 days."""
    today = today or timezone.localdate()
    if session.status == SessionStatus.CANCELLED:
        return Window(False, _("The session was cancelled."))
    if purpose == Purpose.PRE_TEST:
        if today > session.start_date:
            return Window(False, _("The pre-test closed when the session started."))
        return Window(True)
    if purpose in (Purpose.SESSION_EVALUATION, Purpose.POST_TEST):
        if today < session.end_date and session.status != SessionStatus.COMPLETED:
            return Window(False, _("This opens on the last day of the session."))
        if today > session.end_date + datetime.timedelta(days=EVALUATION_OPEN_DAYS):
            return Window(False, _("This survey has closed."))
        return Window(True)
    if purpose == Purpose.FOLLOW_UP:
        opens = add_months(session.end_date, follow_up_months(session))
        if today < opens:
            return Window(False, _("This follow-up opens on %(date)s.") % {"date": opens.strftime("%d.%m.%Y")})
        if today > opens + datetime.timedelta(days=FOLLOW_UP_OPEN_DAYS):
            return Window(False, _("This survey has closed."))
        return Window(True)
    return Window(False, _("This survey has closed."))


def respondent_window(respondent: Respondent, today: datetime.date | None = None) -> Window:
    """Whether this respondent may save or submit now."""
    today = today or timezone.localdate()
    if respondent.submitted_at is not None:
        return Window(False, _("This survey has already been answered through this link. Thank you."))
    if respondent.instrument.status != InstrumentStatus.PUBLISHED:
        return Window(False, _("This survey is not open."))
    if respondent.round_id is not None:
        survey_round = respondent.round
        if survey_round.status != RoundStatus.OPEN:
            return Window(False, _("This needs-assessment round is not open."))
        if today > survey_round.deadline:
            return Window(False, _("The deadline of this round has passed."))
        return Window(True)
    if respondent.session_id is not None:
        return session_window(respondent.session, respondent.instrument.purpose, today)
    return Window(False, _("This survey is not open."))


def is_participant(user: User, session: TrainingSession) -> bool:
    return SessionApplication.objects.filter(session=session, trainee=user, status=ApplicationStatus.APPROVED).exists()


# --- drafts and submissions ----------------------------------------------------------------


def participant_respondent(*, instrument: Instrument, session: TrainingSession, user: User) -> Respondent:
    """The respondent row of a session's participant for one instrument (made on first visit, whatever the races)."""
    existing = Respondent.objects.filter(instrument=instrument, session=session, user=user).first()
    if existing is not None:
        return existing
    application = SessionApplication.objects.filter(session=session, trainee=user).first()
    try:
        with transaction.atomic():
            return Respondent.objects.create(
                instrument=instrument,
                session=session,
                user=user,
                email=user.email,
                country=application.country if application else user.country,
                category=application.category if application else None,
                gender=(application.gender if application else "") or user.gender,
                language=user.preferred_language or settings.LANGUAGE_CODE,
            )
    except IntegrityError:
        return Respondent.objects.get(instrument=instrument, session=session, user=user)


def _checked(respondent: Respondent, data: object, *, complete: bool, today: datetime.date | None = None) -> Parsed:
    window = respondent_window(respondent, today)
    if not window.is_open:
        raise (AlreadySubmitted if respondent.submitted_at else SurveyClosed)(window.reason)
    parsed = parse(respondent.instrument, instrument_questions(respondent.instrument), chapters(), data, complete=complete)  # type: ignore[arg-type]
    if not parsed.is_valid:
        raise SubmissionInvalid(_("Some answers need your attention."), parsed)
    return parsed


def draft_save(*, respondent: Respondent, data: object) -> Respondent:
    """Keep the answers so far (every value checked, required ones may be missing)."""
    parsed = _checked(respondent, data, complete=False)
    updated = Respondent.objects.filter(pk=respondent.pk, submitted_at__isnull=True).update(
        draft=parsed.values, draft_saved_at=timezone.now()
    )
    if not updated:
        raise AlreadySubmitted(_("This survey has already been answered through this link. Thank you."))
    respondent.refresh_from_db()
    return respondent


def response_submit(*, respondent: Respondent, data: object, language: str = "", today: datetime.date | None = None) -> Response:
    """Store a complete submission once: the link is marked used and the answers written in one transaction.

    `today` is for loading past answers (demo data, imports): the day the survey is checked as open and dated.
    """
    today = today or timezone.localdate()
    parsed = _checked(respondent, data, complete=True, today=today)
    instrument = respondent.instrument
    now = timezone.now()
    with transaction.atomic():
        # The conditional update is the lock: of two simultaneous submissions exactly one changes the row.
        taken = Respondent.objects.filter(pk=respondent.pk, submitted_at__isnull=True).update(
            submitted_at=anonymity.submission_time(instrument, now, today),
            draft={} if instrument.is_anonymous else parsed.values,
            draft_saved_at=None,
        )
        if not taken:
            raise AlreadySubmitted(_("This survey has already been answered through this link. Thank you."))
        points, possible = parsed.points() if instrument.is_test else (None, None)
        response = Response.objects.create(
            instrument=instrument,
            round_id=respondent.round_id,
            session_id=respondent.session_id,
            respondent=None if instrument.is_anonymous else respondent,
            country_id=respondent.country_id,
            category_id=respondent.category_id,
            gender=respondent.gender,
            language=(language or respondent.language)[:2],
            submitted_on=today,
            points=points,
            max_points=possible,
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=answer.question,
                option=answer.option,
                chapter=answer.chapter,
                score=answer.score,
                not_applicable=answer.not_applicable,
                number=answer.number,
                text=answer.text,
            )
            for answer in parsed.answers
        )
    respondent.refresh_from_db()
    return response


# --- knowledge tests and the completion rule -----------------------------------------------


def post_test_passes(session: TrainingSession) -> Callable[[SessionApplication], bool]:
    """The completion rule's post-test part for a session's participants, in two queries for all of them: passed when
    the session has no post-test with a pass mark, or when the participant's latest post-test reaches it."""
    instrument = session_survey_instrument(session, Purpose.POST_TEST)
    if instrument is None or instrument.pass_mark_percent is None:
        return lambda application: True
    latest: dict[int, float | None] = {}
    for user_id, points, possible in (
        Response.objects.filter(session_id=session.pk, instrument__purpose=Purpose.POST_TEST, respondent__user__isnull=False)
        .order_by("pk")
        .values_list("respondent__user_id", "points", "max_points")
    ):
        latest[user_id] = float(100 * points / possible) if points is not None and possible else None
    pass_mark = instrument.pass_mark_percent

    def passed(application: SessionApplication) -> bool:
        percent = latest.get(application.trainee_id)
        return percent is not None and percent >= pass_mark

    return passed


# --- needs-assessment rounds ---------------------------------------------------------------


def round_open(*, survey_round: Round) -> Round:
    if not survey_round.instruments.exists():
        raise SurveyError(_("Choose at least one questionnaire before opening the round."))
    if survey_round.deadline < timezone.localdate():
        raise SurveyError(_("The deadline has passed: move it before opening the round."))
    from assessments.tasks import round_invitations_send as send_task

    Round.objects.filter(pk=survey_round.pk).update(status=RoundStatus.OPEN)
    task_enqueue_on_commit(send_task, survey_round.pk)
    survey_round.refresh_from_db()
    return survey_round


def round_close(*, survey_round: Round) -> Round:
    Round.objects.filter(pk=survey_round.pk).update(status=RoundStatus.CLOSED)
    survey_round.refresh_from_db()
    return survey_round


def respondent_add(
    *,
    survey_round: Round,
    instrument: Instrument,
    organisation_name: str,
    country_id: int,
    category_id: int,
    email: str,
    contact_name: str = "",
    language: str = "az",
) -> Respondent:
    """A personal link for an organisation of a round's country (sent when the round is open)."""
    if not survey_round.instruments.filter(pk=instrument.pk).exists():
        raise SurveyError(_("This questionnaire is not part of the round."))
    if not survey_round.countries.filter(pk=country_id).exists():
        raise SurveyError(_("This country is not part of the round."))
    try:
        with transaction.atomic():
            respondent = Respondent.objects.create(
                round=survey_round,
                instrument=instrument,
                organisation_name=organisation_name.strip(),
                contact_name=contact_name.strip(),
                email=email.strip().lower(),
                country_id=country_id,
                category_id=category_id,
                language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
            )
    except IntegrityError as exc:
        raise SurveyError(_("This address already has a link to this questionnaire in the round.")) from exc
    if survey_round.status == RoundStatus.OPEN:
        link_send(respondent=respondent, kind="invitation")
    return respondent


def respondents_add_many(*, survey_round: Round, rows: list) -> int:
    """Add checked respondents (from the pasted list) all together, or none when one is a duplicate."""
    with transaction.atomic():
        for row in rows:
            try:
                respondent_add(
                    survey_round=survey_round,
                    instrument=row.instrument,
                    organisation_name=row.organisation_name,
                    country_id=row.country.pk,
                    category_id=row.category.pk,
                    email=row.email,
                    language=row.language,
                )
            except SurveyError as refused:
                raise SurveyError(_("Line %(line)d: %(problem)s") % {"line": row.line, "problem": refused.message}) from refused
    return len(rows)


def respondent_url(respondent: Respondent) -> str:
    with translation.override(respondent.language):
        path = reverse("survey_link", kwargs={"token": respondent.token})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


NOTICE_SUBJECTS = {
    "invitation": gettext_lazy("Your questionnaire: %(title)s"),
    "reminder": gettext_lazy("Reminder: %(title)s closes on %(deadline)s"),
    "evaluation": gettext_lazy("Please evaluate the session: %(title)s"),
    "evaluation-reminder": gettext_lazy("Reminder: please evaluate the session: %(title)s"),
    "pre-test": gettext_lazy("Before the session: a short knowledge test (%(title)s)"),
    "post-test": gettext_lazy("After the session: the knowledge test (%(title)s)"),
    "follow-up": gettext_lazy("Three questions months later: %(title)s"),
}


EMAIL_KINDS = {
    "invitation": OutboundEmail.Kind.QUESTIONNAIRE_INVITATION,
    "reminder": OutboundEmail.Kind.QUESTIONNAIRE_REMINDER,
}


def _notice_once(key: str, *, to: str, language: str, kind: str, context: dict[str, object], secrets: tuple[str, ...] = ()) -> bool:
    """Queue one e-mail per key, whatever retries or concurrent runs happen; `secrets` never reach the e-mail log."""
    if not to or SurveyNotice.objects.filter(key=key).exists():
        return False
    with translation.override(language):
        subject = str(NOTICE_SUBJECTS[kind]) % context
        body = render_to_string("assessments/email/survey_notice.txt", {**context, "kind": kind})
    try:
        with transaction.atomic():
            notice = SurveyNotice.objects.create(key=key)
    except IntegrityError:
        return False
    notice.email = outbound_email_queue(
        to=to,
        subject=subject,
        body_text=body,
        language=language,
        kind=EMAIL_KINDS.get(kind, OutboundEmail.Kind.SESSION_SURVEY),
        secrets=secrets,
    )
    notice.save(update_fields=["email"])
    return True


def link_send(*, respondent: Respondent, kind: str = "invitation") -> bool:
    """E-mail a round respondent their personal link (the invitation, or the reminder), once each."""
    survey_round = respondent.round
    with translation.override(respondent.language):
        context = {
            "title": respondent.instrument.title,
            "round": survey_round.title,
            "deadline": survey_round.deadline.strftime("%d.%m.%Y"),
            "organisation": respondent.organisation_name,
            "url": respondent_url(respondent),
        }
    suffix = f":{survey_round.deadline:%Y%m%d}" if kind == "reminder" else ""
    return _notice_once(
        f"round:{kind}:{respondent.pk}{suffix}",
        to=respondent.email,
        language=respondent.language,
        kind=kind,
        context=context,
        secrets=(str(context["url"]),),  # the personal link answers as the respondent
    )


def round_reminders_send(*, days_before: tuple[int, ...] = (7, 2), today: datetime.date | None = None) -> int:
    """Remind respondents of open rounds who have not submitted, 7 and 2 days before the deadline (once each)."""
    today = today or timezone.localdate()
    sent = 0
    deadlines = [today + datetime.timedelta(days=days) for days in days_before]
    pending: QuerySet[Respondent] = Respondent.objects.filter(
        round__status=RoundStatus.OPEN, round__deadline__in=deadlines, submitted_at__isnull=True
    ).select_related("round", "instrument")
    for respondent in pending:
        days = (respondent.round.deadline - today).days
        with translation.override(respondent.language):
            context = {
                "title": respondent.instrument.title,
                "round": respondent.round.title,
                "deadline": respondent.round.deadline.strftime("%d.%m.%Y"),
                "organisation": respondent.organisation_name,
                "url": respondent_url(respondent),
            }
        sent += _notice_once(
            f"round:reminder:{respondent.pk}:{days}",
            to=respondent.email,
            language=respondent.language,
            kind="reminder",
            context=context,
            secrets=(str(context["url"]),),
        )
    return sent


def round_invitations_send(*, survey_round: Round) -> int:
    """Send every not yet invited respondent of an open round their link."""
    if survey_round.status != RoundStatus.OPEN:
        return 0
    return sum(
        link_send(respondent=respondent, kind="invitation") for respondent in survey_round.respondents.select_related("instrument", "round")
    )


# --- session surveys: opening e-mails and reminders ----------------------------------------


def _session_notice(application: SessionApplication, instrument: Instrument, purpose: str, kind: str, key_suffix: str = "") -> bool:
    trainee = application.trainee
    language = trainee.preferred_language or settings.LANGUAGE_CODE
    session = application.session
    with translation.override(language):
        path = reverse("session_survey", kwargs={"session_id": session.pk, "purpose": purpose})
        context = {
            "title": session.module.localized.title,
            "instrument": instrument.title,
            "deadline": (session.end_date + datetime.timedelta(days=EVALUATION_OPEN_DAYS)).strftime("%d.%m.%Y"),
            "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path,
        }
    return _notice_once(
        f"session:{kind}:{session.pk}:{trainee.pk}{key_suffix}", to=trainee.email, language=language, kind=kind, context=context
    )


def _answered_user_ids(session: TrainingSession, instrument: Instrument) -> set[int]:
    return set(
        Respondent.objects.filter(session=session, instrument=instrument, submitted_at__isnull=False).values_list("user_id", flat=True)
    )


def session_surveys_send(*, today: datetime.date | None = None) -> int:
    """Daily: tell confirmed participants when a survey of their session opens, and remind them of the evaluation
    a week later; each e-mail once per participant."""
    today = today or timezone.localdate()
    sent = 0
    sessions = (
        TrainingSession.objects.exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.DRAFT])
        .filter(end_date__gte=today - datetime.timedelta(days=400), start_date__lte=today + datetime.timedelta(days=14))
        .select_related("module")
        .prefetch_related("surveys__instrument")
    )
    for session in sessions:
        applications = list(session.applications.filter(status=ApplicationStatus.APPROVED).select_related("trainee", "session__module"))
        for purpose, kind in (
            (Purpose.PRE_TEST, "pre-test"),
            (Purpose.SESSION_EVALUATION, "evaluation"),
            (Purpose.POST_TEST, "post-test"),
            (Purpose.FOLLOW_UP, "follow-up"),
        ):
            instrument = session_survey_instrument(session, purpose)
            if instrument is None or not session_window(session, purpose, today).is_open:
                continue
            answered = _answered_user_ids(session, instrument)
            for application in applications:
                if application.trainee_id in answered:
                    continue
                sent += _session_notice(application, instrument, purpose, kind)
                if purpose == Purpose.SESSION_EVALUATION and today >= session.end_date + datetime.timedelta(days=7):
                    sent += _session_notice(application, instrument, purpose, "evaluation-reminder")
    return sent


@dataclass(frozen=True)
class PendingSurvey:
    """A survey a trainee is asked to answer now."""

    session: TrainingSession
    purpose: str
    instrument: Instrument

    @property
    def label(self) -> str:
        return str(Purpose(self.purpose).label)


def pending_surveys(user: User, today: datetime.date | None = None) -> list[PendingSurvey]:
    """What a trainee may answer now for the sessions they are confirmed in (not yet submitted)."""
    today = today or timezone.localdate()
    sessions = list(
        TrainingSession.objects.filter(applications__trainee=user, applications__status=ApplicationStatus.APPROVED)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("module")
        .prefetch_related("surveys__instrument")
        .order_by("start_date", "pk")
    )
    submitted = set(
        Respondent.objects.filter(user=user, submitted_at__isnull=False, session__in=sessions).values_list("session_id", "instrument_id")
    )
    defaults = {
        purpose: Instrument.objects.filter(purpose=purpose, is_default=True, status=InstrumentStatus.PUBLISHED).order_by("-version").first()
        for purpose in (Purpose.SESSION_EVALUATION, Purpose.FOLLOW_UP)
    }
    result = []
    for session in sessions:
        for purpose in SESSION_PURPOSES:
            own = next((survey.instrument for survey in session.surveys.all() if survey.purpose == purpose), None)
            instrument = own or defaults.get(purpose)
            if instrument is None or instrument.status != InstrumentStatus.PUBLISHED:
                continue
            if (session.pk, instrument.pk) in submitted or not session_window(session, purpose, today).is_open:
                continue
            result.append(PendingSurvey(session, purpose, instrument))
    return result


def session_survey_set(*, session: TrainingSession, instrument: Instrument, follow_up_months: int = 3) -> SessionSurvey:
    """Attach an instrument to a session for its purpose (replacing the one before)."""
    if instrument.purpose not in SESSION_PURPOSES:
        raise SurveyError(_("A needs-assessment questionnaire cannot be attached to a session."))
    survey, _created = SessionSurvey.objects.update_or_create(
        session=session, purpose=instrument.purpose, defaults={"instrument": instrument, "follow_up_months": follow_up_months}
    )
    return survey
