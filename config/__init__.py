"""Django project package of the RTCM platform (settings, URLs, Celery app)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
