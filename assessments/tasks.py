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
    from assessments.exports import results_export_build
    from assessments.jobs import job_task_run

    return job_task_run(self, job_id, results_export_build)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def matrix_recompute(snapshot_id: int) -> str:
    """Compute a queued priority-matrix snapshot; a finished one is left alone, so retries do no double work."""
    from django.utils import timezone

    from assessments.matrix import snapshot_compute
    from assessments.models import MatrixSnapshot, SnapshotStatus

    taken = MatrixSnapshot.objects.filter(pk=snapshot_id, status__in=[SnapshotStatus.QUEUED, SnapshotStatus.FAILED]).update(
        status=SnapshotStatus.RUNNING, progress=5, error=""
    )
    snapshot = MatrixSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        return "missing"
    if not taken:
        return "already-" + snapshot.status

    def progress(percent: int) -> None:
        MatrixSnapshot.objects.filter(pk=snapshot_id).update(progress=percent)

    try:
        snapshot_compute(snapshot, progress)
    except Exception as exc:  # noqa: BLE001 - recorded for the coordinator who asked
        MatrixSnapshot.objects.filter(pk=snapshot_id).update(
            status=SnapshotStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return "failed"
    return "done"


# The priority-matrix PDF report and the donor indicator pack (assessments.report_tasks) register with the worker here.
from assessments.report_tasks import donor_pack_build, matrix_report_build  # noqa: E402, F401
