"""Scheduled publishing runs from a Celery beat task."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from home.models import HomePage
from home.tasks import publish_scheduled_pages


def test_beat_schedule_runs_scheduled_publishing_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["publish-scheduled-pages"]
    assert entry["task"] == publish_scheduled_pages.name
    assert entry["schedule"] == 60.0


def test_a_page_scheduled_in_the_past_is_published_by_the_task(site):
    home = HomePage.objects.get(locale__language_code="en")
    home.title = "Scheduled title"
    revision = home.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    home.refresh_from_db()
    assert home.title != "Scheduled title"

    publish_scheduled_pages.delay()

    home.refresh_from_db()
    assert home.title == "Scheduled title"
