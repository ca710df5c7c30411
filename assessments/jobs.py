"""What the background-file pages share (results exports, priority-matrix reports, donor packs): who may see a job,
its state for the progress page, and its download from the private storage."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import FileResponse, Http404, HttpRequest

from assessments.models import ExportJob, ExportStatus

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
