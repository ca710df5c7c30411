"""/health/ names each dependency and answers 503 only for a hard one; /health/live/ answers while the process runs.

The faults stage breaks the real servers (tests/faults/); here the heartbeats' bookkeeping is checked.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from home import heartbeats
from home.models import ServiceHeartbeat
from home.tasks import worker_heartbeat

pytestmark = pytest.mark.django_db


def _health(client) -> tuple[int, dict]:
    response = client.get("/health/")
    return response.status_code, json.loads(response.content)


@pytest.fixture
def with_a_broker(settings, monkeypatch):
    """As in production: tasks go to a broker (which answers), so the worker and beat must be seen working."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr("home.health.broker_status", lambda: "ok")
    monkeypatch.setattr(heartbeats, "_in_beat", False)


def test_without_a_broker_or_shared_cache_the_site_is_healthy(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # as `make run` has it (the PostgreSQL stage sends tasks to a worker)
    status, health = _health(client)

    assert status == 200
    assert health["status"] == "ok"
    assert health["failing"] == []
    assert (health["database"], health["cache"], health["broker"], health["worker"], health["beat"]) == (
        "ok",
        "local",
        "eager",
        "eager",
        "eager",
    )


def test_a_worker_and_beat_never_seen_make_the_site_degraded_not_unavailable(client, with_a_broker):
    status, health = _health(client)

    assert status == 200
    assert health["status"] == "degraded"
    assert health["failing"] == ["worker", "beat"]
    assert (health["worker"], health["beat"]) == ("never", "never")


def test_the_heartbeat_task_and_beats_publishing_mark_both_as_seen(client, with_a_broker, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the heartbeat task runs here, as a worker would run it
    worker_heartbeat.delay()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    heartbeats.on_before_task_publish()  # another process queueing a task is not beat
    assert not ServiceHeartbeat.objects.filter(service="beat").exists()
    heartbeats._in_beat = True  # as beat_init sets it in beat's process
    heartbeats.on_before_task_publish()

    status, health = _health(client)

    assert status == 200
    assert health["status"] == "ok"
    assert (health["worker"], health["beat"]) == ("ok", "ok")
    assert health["seconds_since_seen"]["worker"] <= 5


def test_the_worker_and_beat_record_a_heartbeat_when_they_start(client, with_a_broker):
    heartbeats.on_worker_ready()
    heartbeats.on_beat_init()

    assert set(ServiceHeartbeat.objects.values_list("service", flat=True)) == {"worker", "beat"}
    assert heartbeats._in_beat


def test_a_heartbeat_older_than_the_limit_is_stale(client, with_a_broker, settings):
    settings.HEALTH_HEARTBEAT_MAX_AGE = 300
    ServiceHeartbeat.objects.create(service="worker", seen_at=timezone.now() - timedelta(seconds=301))
    ServiceHeartbeat.objects.create(service="beat", seen_at=timezone.now() - timedelta(seconds=10))

    status, health = _health(client)

    assert status == 200
    assert health["failing"] == ["worker"]
    assert health["worker"] == "stale"
    assert health["seconds_since_seen"]["worker"] >= 301


def test_an_unreachable_broker_makes_the_site_degraded_not_unavailable(client, with_a_broker, monkeypatch):
    # requests keep working without the broker: their background work waits in the outbox (home/outbox.py)
    monkeypatch.setattr("home.health.broker_status", lambda: "unreachable")
    heartbeats.heartbeat_record(service="worker")
    heartbeats.heartbeat_record(service="beat")

    status, health = _health(client)

    assert status == 200
    assert health["status"] == "degraded"
    assert health["failing"] == ["broker"]
    assert health["broker"] == "unreachable"


def test_liveness_answers_without_touching_a_dependency(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "alive"}
