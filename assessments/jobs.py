"""What the files built in the background share (results exports, priority-matrix reports, donor packs): running a
job once whatever retries happen, its Celery task's retries, who may see a job, its state for the progress page and
its download from the private storage."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from celery import Task
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone, translation

from assessments.models import ExportJob, ExportStatus

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class JobRefused(Exception):
    """A job that cannot be made as asked (its survey or snapshot gone, a group too small); `message` is for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# `make(job, store)` builds the job's file and hands it to `store(name, file)` while the file is still open.
Store = Callable[[str, File], None]


def job_fail(job_id: int, error: str) -> None:
    """Record why a job failed (a job already done keeps its file)."""
    ExportJob.objects.filter(pk=job_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def job_progress(job_id: int) -> Callable[[int], None]:
    """Set a running job's percentage (the job's page reads it)."""

    def report(percent: int) -> None:
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(progress=percent)

    return report


def job_run(job_id: int, *, kind: str, make: Callable[[ExportJob, Store], None], first_progress: int = 0) -> str:
    """Run a job once: take it under a lock (a missing or finished one is left alone), let `make` build and store its
    file in the job's language, then mark it done unless another run (a retry while this one ran) stored a file first."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id, kind=kind).first()
        if job is None:
            return "missing"
        if job.status == ExportStatus.DONE:
            return "already-done"
        ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.RUNNING, progress=first_progress, error="", finished_at=None)
        job.status = ExportStatus.RUNNING

    def store(name: str, content: File) -> None:
        job.file.save(name, content, save=False)

    with translation.override(job.language):
        try:
            make(job, store)
        except JobRefused as refused:
            job_fail(job_id, refused.message)
            return "refused"
        except OSError:
            raise  # the task retries a storage or disk failure
        except Exception as error:  # noqa: BLE001 - any other failure is shown on the job's page
            job_fail(job_id, f"{type(error).__name__}: {error}")
            return "failed"
    # compare and swap: a second run of the same job keeps the first file stored
    stored = (
        ExportJob.objects.filter(pk=job_id)
        .exclude(status=ExportStatus.DONE)
        .update(status=ExportStatus.DONE, progress=100, file=job.file.name, error="", finished_at=timezone.now())
    )
    if not stored:
        job.file.storage.delete(job.file.name)
        return "already-done"
    return "done"


def job_task_run(task: Task, job_id: int, build: Callable[[int], str]) -> str:
    """Run a job from its Celery task: a storage or disk failure is retried with backoff, then recorded on the job."""
    try:
        return build(job_id)
    except OSError as error:
        if task.request.retries >= task.max_retries:
            job_fail(job_id, f"{type(error).__name__}: {error}")
            return "failed"
        raise task.retry(exc=error, countdown=2 ** (task.request.retries + 1)) from error


def visible_job(request: HttpRequest, job_id: int, *, kinds: Iterable[str], may_see_all: Callable[[object], bool]) -> ExportJob:
    """A job of these kinds that the user asked for, or any for whom `may_see_all`; 404 for anyone else."""
    job = ExportJob.objects.filter(pk=job_id, kind__in=list(kinds)).first()
    if job is None or not (job.requested_by_id == request.user.pk or may_see_all(request.user)):
        raise Http404
    return job


def job_state(job: ExportJob) -> dict[str, bool]:
    """What a job's page shows: still running (the page refreshes itself), or done with a file to download."""
    return {
        "running": job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING),
        "done": job.status == ExportStatus.DONE and bool(job.file),
    }


def job_download(job: ExportJob, filename: str) -> FileResponse:
    """The file of a finished job as an attachment, never cached; 404 while there is none."""
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    content_type = CONTENT_TYPES.get(job.file_format, "application/octet-stream")
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response
