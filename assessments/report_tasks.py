"""Celery tasks of the reports: the priority-matrix PDF and the donor indicator pack, each built once per job."""

from __future__ import annotations

from collections.abc import Callable

from celery import Task, shared_task


def _run(task: Task, job_id: int, build: Callable[[int], str]) -> str:
    """Build a report job; a storage or disk failure is retried with backoff, then recorded on the job."""
    from assessments.reports import report_job_fail

    try:
        return build(job_id)
    except OSError as error:
        if task.request.retries >= task.max_retries:
            report_job_fail(job_id, f"{type(error).__name__}: {error}")
            return "failed"
        raise task.retry(exc=error, countdown=2 ** (task.request.retries + 1)) from error


@shared_task(bind=True, acks_late=True, max_retries=3)
def matrix_report_build(self: Task, job_id: int) -> str:
    """Build the PDF of a priority-matrix report job with its progress; a job already done stays done."""
    from assessments import reports

    return _run(self, job_id, reports.matrix_report_build)


@shared_task(bind=True, acks_late=True, max_retries=3)
def donor_pack_build(self: Task, job_id: int) -> str:
    """Build the XLSX, CSV or PDF of a donor-pack job with its progress; a job already done stays done."""
    from assessments import reports

    return _run(self, job_id, reports.donor_pack_build)
