"""Celery application: configured from Django settings under the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import beat_init, before_task_publish, worker_ready

from home.heartbeats import on_beat_init, on_before_task_publish, on_worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("rtcm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The worker's and beat's heartbeats for /health/ (home/heartbeats.py): when each starts, and whenever beat queues a task.
worker_ready.connect(on_worker_ready, weak=False)
beat_init.connect(on_beat_init, weak=False)
before_task_publish.connect(on_before_task_publish, weak=False)
