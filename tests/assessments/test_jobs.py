"""The runner every background file shares (results exports, matrix reports, donor packs): once per job, whatever
retries happen, a refusal or a failure recorded on the job, a storage failure retried by the task."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from assessments import jobs
from assessments.models import ExportJob, ExportStatus
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

KIND = "survey-results"


@pytest.fixture
def job(reference_data) -> ExportJob:
    return ExportJob.objects.create(kind=KIND, requested_by=UserFactory(), parameters={}, file_format="csv", language="ru")


def test_a_job_is_made_in_its_language_stored_and_done(job):
    seen = []

    def make(row: ExportJob, store: jobs.Store) -> None:
        seen.append((row.status, ExportJob.objects.get(pk=row.pk).progress, translation.get_language()))
        store("answers.csv", ContentFile(b"a;b\n"))

    assert jobs.job_run(job.pk, kind=KIND, make=make, first_progress=10) == "done"

    job.refresh_from_db()
    assert seen == [(ExportStatus.RUNNING, 10, "ru")]
    assert (job.status, job.progress, job.error) == (ExportStatus.DONE, 100, "")
    assert job.file.read() == b"a;b\n" and job.finished_at is not None


def test_a_done_missing_or_other_kind_of_job_is_left_alone(job):
    job.status = ExportStatus.DONE
    job.save()
    made = []

    assert jobs.job_run(job.pk, kind=KIND, make=lambda *args: made.append(args)) == "already-done"
    assert jobs.job_run(999_999, kind=KIND, make=lambda *args: made.append(args)) == "missing"
    assert jobs.job_run(job.pk, kind="donor-pack", make=lambda *args: made.append(args)) == "missing"
    assert made == []


def test_a_refusal_and_a_failure_are_recorded_on_the_job_and_an_os_error_is_left_to_the_task(job):
    def refuse(row: ExportJob, store: jobs.Store) -> None:
        raise jobs.JobRefused("Its survey no longer exists.")

    def break_down(row: ExportJob, store: jobs.Store) -> None:
        raise KeyError("column")

    def disk_full(row: ExportJob, store: jobs.Store) -> None:
        raise OSError(28, "No space left on device")

    assert jobs.job_run(job.pk, kind=KIND, make=refuse) == "refused"
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "Its survey no longer exists.")

    assert jobs.job_run(job.pk, kind=KIND, make=break_down) == "failed"
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "KeyError: 'column'")

    with pytest.raises(OSError, match="No space left"):
        jobs.job_run(job.pk, kind=KIND, make=disk_full)
    job.refresh_from_db()
    assert job.status == ExportStatus.RUNNING  # the task decides: retry, or record the failure once out of retries


class _Retry(Exception):
    pass


def _task(retries: int) -> SimpleNamespace:
    calls = []

    def retry(*, exc: BaseException, countdown: int) -> _Retry:
        calls.append((type(exc).__name__, countdown))
        return _Retry()

    return SimpleNamespace(request=SimpleNamespace(retries=retries), max_retries=3, retry=retry, calls=calls)


def test_the_task_retries_a_storage_failure_with_backoff_then_records_it(job):
    def build(job_id: int) -> str:
        raise OSError(5, "Input/output error")

    second_try = _task(retries=1)
    with pytest.raises(_Retry):
        jobs.job_task_run(second_try, job.pk, build)
    assert second_try.calls == [("OSError", 4)]
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED

    last_try = _task(retries=3)
    assert jobs.job_task_run(last_try, job.pk, build) == "failed"
    assert last_try.calls == []
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "OSError: [Errno 5] Input/output error")
