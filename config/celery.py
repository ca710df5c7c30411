"""Celery application: configured from Django settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import beat_init, before_task_publish, task_failure, task_prerun, task_success, worker_ready

from home.heartbeats import on_beat_init, on_before_task_publish, on_worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("rtcm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The worker's and beat's heartbeats for /health/ (home/heartbeats.py): when each starts, and whenever beat queues a task.
worker_ready.connect(on_worker_ready, weak=False)
beat_init.connect(on_beat_init, weak=False)
before_task_publish.connect(on_before_task_publish, weak=False)

# The outbox of background work (home/outbox.py): the worker notes on each queued task's row when it starts and ends.
# Imported when a task runs, not here: this module loads before Django's apps are ready.


def _outbox_handler(name: str):  # noqa: ANN202 - a signal receiver
    def handler(*args: object, **kwargs: object) -> None:
        from home import outbox

        getattr(outbox, name)(*args, **kwargs)

    handler.__name__ = name
    return handler


task_prerun.connect(_outbox_handler("on_task_prerun"), weak=False)
task_success.connect(_outbox_handler("on_task_success"), weak=False)
task_failure.connect(_outbox_handler("on_task_failure"), weak=False)
