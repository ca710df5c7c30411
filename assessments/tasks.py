"""Celery tasks of the surveys: reminders, session survey e-mails, exports."""

from __future__ import annotations

from celery import Task, shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def round_reminders_send() -> int:
    """Remind round respondents who have not answered, 7 and 2 days before the deadline; each once."""
    from assessments.services import round_reminders_send as send

    return send()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def session_surveys_send() -> int:
    """Tell participants when their session's evaluation, tests or follow-up open, and remind them; each once."""
    from assessments.services import session_surveys_send as send

    return send()


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def round_invitations_send(round_id: int) -> int:
    """E-mail the personal links of an opened round (those already sent are not sent again)."""
    from assessments.models import Round
    from assessments.services import round_invitations_send as send

    survey_round = Round.objects.filter(pk=round_id).first()
    return send(survey_round=survey_round) if survey_round is not None else 0


@shared_task(bind=True, acks_late=True, max_retries=3)
def results_export(self: Task, job_id: int) -> str:
    """Build the file of a survey-results export job with its progress; a job already done stays done."""
    from assessments.exports import export_job_fail, results_export_build

    try:
        return results_export_build(job_id)
    except OSError as error:
        if self.request.retries >= self.max_retries:
            export_job_fail(job_id, f"{type(error).__name__}: {error}")
            return "failed"
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error
