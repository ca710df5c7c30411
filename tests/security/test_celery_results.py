"""Celery keeps no task result for long: results of tasks nobody reads, failures included, are not stored at all."""

from __future__ import annotations

import datetime

from config.celery import app

PROJECT_APPS = ("assessments.", "curriculum.", "experts.", "home.", "people.")
READ_RESULTS = {"people.tasks.platform_probe"}


def project_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(PROJECT_APPS)}


def test_stored_task_results_expire_within_an_hour():
    expires = app.conf.result_expires
    seconds = expires.total_seconds() if isinstance(expires, datetime.timedelta) else float(expires)
    assert 0 < seconds <= 3600


def test_no_task_but_the_worker_probe_stores_its_result_or_its_failure():
    tasks = project_tasks()

    assert "assessments.tasks.round_invitations_send" in tasks and "people.tasks.platform_probe" in tasks
    assert app.conf.task_ignore_result is True
    assert app.conf.task_store_errors_even_if_ignored is False
    storing = {name for name, task in tasks.items() if not task.ignore_result}
    assert storing == READ_RESULTS
