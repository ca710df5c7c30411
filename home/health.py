"""What /health/ checks: each dependency of the site, hard or soft.

The hard dependency, without which this web process cannot do its work, is the database: down, /health/ answers
503, so a load balancer stops sending traffic here. Soft ones degrade the site without stopping it: the cache (each
process falls back to memory of its own, config/cache.py), the broker (background work waits in the database's
outbox and is handed over when it is back, home/outbox.py), the Celery worker and beat (e-mails and scheduled work
wait), and the object store when files live in one (STORAGE_S3_BUCKET: downloads and uploads answer a 503 page,
every other page works). One of them down makes /health/ answer 200 with "status": "degraded" and the part named
under "failing", for monitoring to alert on: taking every web process out of the load balancer because the broker
or the worker stopped would turn a delay into an outage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

OK = "ok"
HARD = ("database",)
# Values of a check that mean "working": "eager" (no broker: tasks run in the request), "local" (no shared cache).
WORKING = {OK, "eager", "local"}


@dataclass(frozen=True)
class HealthReport:
    """Each check's value, the failing ones and what to answer."""

    checks: dict[str, str]
    ages: dict[str, int]
    vendor: str

    @property
    def failing(self) -> list[str]:
        return [name for name, value in self.checks.items() if value not in WORKING]

    @property
    def status(self) -> str:
        if any(name in HARD for name in self.failing):
            return "unavailable"
        return "degraded" if self.failing else OK

    @property
    def http_status(self) -> int:
        return 503 if self.status == "unavailable" else 200

    def as_json(self) -> dict[str, object]:
        return {"status": self.status, "failing": self.failing, **self.checks, "seconds_since_seen": self.ages, "vendor": self.vendor}


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means the database is unreachable
        return "unreachable"
    return OK


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # noqa: BLE001 - any failure means the broker is unreachable
        return "unreachable"
    return OK


def cache_status() -> str:
    """ "ok" when the shared cache answers, "local" without one (CACHE_URL unset), "unreachable" when it does not."""
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"
    return OK if ping() else "unreachable"


def storage_status() -> str | None:
    """ "ok" when the object store's bucket answers, "unreachable" when it does not; None with files on the local disk."""
    from django.core.files.storage import default_storage

    reachable = getattr(default_storage, "reachable", None)  # config.storage.ObjectStorage's, when STORAGE_S3_BUCKET is set
    if reachable is None:
        return None
    return OK if reachable() else "unreachable"


def heartbeat_statuses(database: str) -> tuple[dict[str, str], dict[str, int]]:
    """The worker's and beat's: "ok" when seen within HEALTH_HEARTBEAT_MAX_AGE, "stale" when seen before,
    "never" when never seen, "unknown" without the database, "eager" without a broker (no worker needed)."""
    services = ("worker", "beat")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return dict.fromkeys(services, "eager"), {}
    if database != OK:
        return dict.fromkeys(services, "unknown"), {}
    from home.heartbeats import heartbeats_seen

    try:
        seen: dict[str, datetime] = heartbeats_seen()
    except Exception:  # noqa: BLE001 - e.g. the table is not migrated yet
        return dict.fromkeys(services, "unknown"), {}
    now = timezone.now()
    ages = {service: max(0, int((now - seen[service]).total_seconds())) for service in services if service in seen}
    statuses = {
        service: "never" if service not in ages else OK if ages[service] <= settings.HEALTH_HEARTBEAT_MAX_AGE else "stale"
        for service in services
    }
    return statuses, ages


def health_report() -> HealthReport:
    database = database_status()
    heartbeats, ages = heartbeat_statuses(database)
    checks = {"database": database, "cache": cache_status(), "broker": broker_status(), **heartbeats}
    storage = storage_status()
    if storage is not None:
        checks["storage"] = storage
    return HealthReport(checks=checks, ages=ages, vendor=connection.vendor)
