"""The cache's Redis dies (or hangs) under the site: pages and logins go on, /health/ names the cache, and the
site goes back to Redis once it answers again.

The settings come from CACHE_URL as in production (config/settings/base.py evaluated with it), pointing at a
redis-server of the test's own, which the test kills by its PID.
"""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from curriculum.models import CurriculumIndexPage
from tests.conftest import PASSWORD
from tests.factories.curriculum import CurriculumIndexPageFactory
from tests.faults.conftest import PrivateRedis, settings_from_environment, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

RETRY_SECONDS = 1
# Every page here answers in well under a second with Redis down; a hung Redis must not add more than its timeouts.
SLOW = 3.0


@pytest.fixture
def cache_redis(private_redis: PrivateRedis, settings, monkeypatch) -> PrivateRedis:
    """The site's cache on the private Redis, configured from CACHE_URL as a production process would be."""
    configured = settings_from_environment(monkeypatch, CACHE_URL=private_redis.url(0), CACHE_RETRY_SECONDS=str(RETRY_SECONDS))
    settings.CACHES = configured.CACHES
    cache.clear()
    return private_redis


@pytest.fixture
def catalogue(site) -> CurriculumIndexPage:
    return CurriculumIndexPageFactory()


def _client() -> Client:
    # A 500 is an answer to see, not an exception to raise into the test.
    return Client(raise_request_exception=False)


def _keys_in(server: PrivateRedis) -> list[bytes]:
    client = redis.Redis.from_url(server.url(0), socket_timeout=2)
    try:
        return client.keys("*")
    finally:
        client.close()


def _pages(catalogue: CurriculumIndexPage, signed_in: Client) -> dict[str, int]:
    anonymous = _client()
    return {
        "login page": anonymous.get("/az/accounts/login/").status_code,
        "catalogue": anonymous.get(catalogue.url).status_code,
        "My learning": signed_in.get("/az/learning/").status_code,
    }


def _timed_pages(catalogue: CurriculumIndexPage, signed_in: Client) -> tuple[dict[str, int], float]:
    started = time.monotonic()
    pages = _pages(catalogue, signed_in)
    return pages, time.monotonic() - started


def _health() -> tuple[int, dict[str, object]]:
    response = _client().get("/health/")
    return response.status_code, json.loads(response.content)


def _log_in(email: str, password: str) -> tuple[int, Client]:
    client = _client()
    response = client.post("/az/accounts/login/", {"login": email, "password": password})
    return response.status_code, client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_with_the_cache_redis_killed_pages_and_logins_keep_working_and_health_names_the_cache(cache_redis, catalogue, trainee):
    signed_in = _client()
    signed_in.force_login(trainee)
    assert _pages(catalogue, signed_in) == {"login page": 200, "catalogue": 200, "My learning": 200}
    assert _keys_in(cache_redis), "the pages did not use the cache on Redis at all"

    cache_redis.kill()

    pages, seconds = _timed_pages(catalogue, signed_in)
    assert pages == {"login page": 200, "catalogue": 200, "My learning": 200}
    assert seconds < SLOW
    status, client = _log_in("trainee@example.org", PASSWORD)
    assert status == 302
    assert _signed_in(client)
    print(f"\nfaults: login page, catalogue and My learning took {seconds:.2f} s together with the cache Redis killed")
    status, health = _health()
    assert status == 200
    assert health["status"] == "degraded"
    assert health["failing"] == ["cache"]
    assert health["cache"] == "unreachable"
    assert health["database"] == "ok"


def test_after_the_cache_redis_comes_back_the_site_uses_it_again(cache_redis, catalogue, trainee):
    signed_in = _client()
    signed_in.force_login(trainee)
    cache_redis.kill()
    assert _pages(catalogue, signed_in) == {"login page": 200, "catalogue": 200, "My learning": 200}

    cache_redis.start()
    restarted = time.monotonic()

    def back_on_redis() -> bool:
        cache.set("faults-probe", "written after the restart")
        return b":1:faults-probe" in _keys_in(cache_redis)

    wait_for(back_on_redis, RETRY_SECONDS + 5, "the site did not write to the restarted Redis")
    recovered_after = time.monotonic() - restarted
    assert recovered_after <= RETRY_SECONDS + 1
    assert _pages(catalogue, signed_in) == {"login page": 200, "catalogue": 200, "My learning": 200}
    assert _health()[0] == 200
    assert _health()[1]["cache"] == "ok"
    assert _health()[1]["status"] == "ok"
    print(f"\nfaults: back on the restarted cache Redis {recovered_after:.2f} s after it accepted connections")


def test_with_the_cache_redis_down_the_failed_login_lock_still_holds(cache_redis, trainee):
    cache_redis.kill()

    for _attempt in range(5):
        status, client = _log_in("trainee@example.org", "wrong-password")
        assert status == 200
        assert not _signed_in(client)
    status, client = _log_in("trainee@example.org", PASSWORD)

    assert status in {200, 429}
    assert not _signed_in(client)


def test_with_the_cache_redis_hung_pages_answer_within_its_timeouts(cache_redis, catalogue, trainee):
    signed_in = _client()
    signed_in.force_login(trainee)
    assert _pages(catalogue, signed_in)["catalogue"] == 200
    os.kill(cache_redis.pid, signal.SIGSTOP)  # accepts connections (the kernel does), answers nothing
    try:
        pages, seconds = _timed_pages(catalogue, signed_in)
        status, client = _log_in("trainee@example.org", PASSWORD)
    finally:
        os.kill(cache_redis.pid, signal.SIGCONT)

    assert pages == {"login page": 200, "catalogue": 200, "My learning": 200}
    assert seconds < SLOW
    assert status == 302
    assert _signed_in(client)
    print(f"\nfaults: login page, catalogue and My learning took {seconds:.2f} s together with the cache Redis hung")
