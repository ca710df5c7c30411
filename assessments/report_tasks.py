"""Celery tasks of the reports: the priority-matrix PDF and the donor indicator pack, each built once per job."""

from __future__ import annotations

from celery import Task, shared_task


@shared_task(bind=True, acks_late=True, max_retries=3)
def matrix_report_build(self: Task, job_id: int) -> str:
    """Build the PDF of a priority-matrix report job with its progress; a job already done stays done."""
    from assessments import reports
    from assessments.jobs import job_task_run

    return job_task_run(self, job_id, reports.matrix_report_build)


@shared_task(bind=True, acks_late=True, max_retries=3)
def donor_pack_build(self: Task, job_id: int) -> str:
    """Build the XLSX, CSV or PDF of a donor-pack job with its progress; a job already done stays done."""
    from assessments import reports
    from assessments.jobs import job_task_run

    return job_task_run(self, job_id, reports.donor_pack_build)
