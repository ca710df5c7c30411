"""The shared cache on Redis, which the site outlives: when Redis is unreachable, each process carries on with a
cache of its own in memory, and goes back to Redis once it answers again.

Pages never need the cache to be right, only to be fast; but Django's RedisCache raises on every call while
Redis is down, so the login page, the catalogue and My learning answered 500. What the cache holds:

- the rate limits' counters (django-allauth's and lib.ratelimit's): while Redis is down each process counts on
  its own, so a limit still holds, per web process (with WEB_CONCURRENCY=2 a client gets at most twice the limit
  before a 429). Failing open would drop the failed-login lock for as long as an attacker can keep Redis down.
- Wagtail's site root paths and locale names: rebuilt from the database on a miss.

Sessions are in the database (SESSION_ENGINE is Django's default), so nobody is signed out.

The first failure is logged at ERROR (so it reaches Sentry, or the ADMINS by e-mail), once per outage and process;
for RETRY_AFTER seconds afterwards the process does not try Redis at all (a Redis that hangs would otherwise cost
every request a timeout), then tries again. On the way back, the keys written locally during the outage are
deleted from Redis, as their values there are older than the ones the outage's writes replaced.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

T = TypeVar("T")

# A Redis that accepts connections answers in milliseconds; one that hangs must not hold a request for long.
DEFAULT_SOCKET_TIMEOUT = 0.5
DEFAULT_RETRY_AFTER = 5.0
# Keys written during an outage that are remembered (to delete from Redis on the way back); beyond it, fewer.
TOUCHED_KEYS_LIMIT = 10_000


@dataclass
class _Outage:
    """What one process knows about one Redis location (shared by its threads, whose cache objects differ)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    down: bool = False
    retry_at: float = 0.0
    since: float = 0.0
    touched: set[str] = field(default_factory=set)


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that degrades to a per-process memory cache while Redis is unreachable."""

    _outages: ClassVar[dict[str, _Outage]] = {}
    _outages_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.retry import Retry

        options = {
            "socket_connect_timeout": DEFAULT_SOCKET_TIMEOUT,
            "socket_timeout": DEFAULT_SOCKET_TIMEOUT,
            # one more try on a broken connection: after Redis restarts, the pooled connections are dead
            "retry": Retry(NoBackoff(), 1),
            "retry_on_error": [RedisConnectionError],
            **params.get("OPTIONS", {}),
        }
        self.retry_after = float(params.get("RETRY_AFTER", DEFAULT_RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = server if isinstance(server, str) else ",".join(server)
        with self._outages_lock:
            self._outage = self._outages.setdefault(self.location, _Outage())
        local_params = {key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION") if key in params}
        # LocMemCache objects of one name share their memory: one local cache per process and location.
        self._local = LocMemCache(f"rtcm-fallback:{self.location}", {**local_params, "OPTIONS": {"MAX_ENTRIES": 10_000}})

    # ---- the switch between Redis and the local cache ------------------------------------------------------

    @property
    def degraded(self) -> bool:
        """Whether this process is serving from its local cache (Redis was unreachable at the last try)."""
        return self._outage.down

    def ping(self) -> bool:
        """Ask Redis directly, whatever the last try said (for /health/); an answer ends an outage."""
        try:
            self._cache.get_client(write=True).ping()
        except _redis_errors() as error:
            self._went_down(error)
            return False
        if self._outage.down:
            self._try_to_recover(force=True)
        return not self._outage.down

    def _went_down(self, error: BaseException) -> None:
        outage = self._outage
        with outage.lock:
            first = not outage.down
            outage.down = True
            outage.retry_at = time.monotonic() + self.retry_after
            if first:
                outage.since = time.monotonic()
        if first:
            logger.error(
                "The cache at %s is unreachable (%s: %s); this process serves from a local in-memory cache, "
                "rate limits count per process, and Redis is tried again every %.0f s.",
                _redacted(self.location),
                type(error).__name__,
                error,
                self.retry_after,
            )

    def _try_to_recover(self, *, force: bool = False) -> None:
        """Once RETRY_AFTER has passed: delete from Redis what the outage wrote locally; success ends the outage."""
        outage = self._outage
        with outage.lock:
            if not outage.down or (not force and time.monotonic() < outage.retry_at):
                return
            touched = list(outage.touched)
            try:
                client = self._cache.get_client(write=True)
                client.ping()
                for start in range(0, len(touched), 500):
                    client.delete(*touched[start : start + 500])
            except _redis_errors():
                outage.retry_at = time.monotonic() + self.retry_after
                return
            outage.down = False
            outage.touched.clear()
            lasted = time.monotonic() - outage.since
        self._local.clear()
        logger.warning("The cache at %s answers again after %.1f s; back to the shared cache.", _redacted(self.location), lasted)

    def _guarded(self, redis_call: Callable[[], T], local_call: Callable[[], T], written: Iterable[str] = ()) -> T:
        if self._outage.down:
            self._try_to_recover()
        if not self._outage.down:
            try:
                return redis_call()
            except _redis_errors() as error:
                self._went_down(error)
        keys = [self.make_key(key) if not isinstance(key, tuple) else self.make_key(*key) for key in written]
        with self._outage.lock:
            if len(self._outage.touched) < TOUCHED_KEYS_LIMIT:
                self._outage.touched.update(keys)
        return local_call()

    # ---- Django's cache API ------------------------------------------------------------------------------

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self._local.add(key, value, timeout, version),
            [(key, version)],
        )

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).get(key, default, version), lambda: self._local.get(key, default, version)
        )

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self._local.set(key, value, timeout, version),
            [(key, version)],
        )

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self._local.touch(key, timeout, version),
            [(key, version)],
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).delete(key, version), lambda: self._local.delete(key, version), [(key, version)]
        )

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keys = list(keys)
        return self._guarded(lambda: super(ResilientRedisCache, self).get_many(keys, version), lambda: self._local.get_many(keys, version))

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).has_key(key, version), lambda: self._local.has_key(key, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self._local.incr(key, delta, version),
            [(key, version)],
        )

    def set_many(self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[str]:
        return self._guarded(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self._local.set_many(data, timeout, version),
            [(key, version) for key in data],
        )

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        keys = list(keys)
        return self._guarded(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._local.delete_many(keys, version),
            [(key, version) for key in keys],
        )

    def clear(self) -> bool:
        return self._guarded(lambda: super(ResilientRedisCache, self).clear(), lambda: self._local.clear() or True)


def _redacted(url: str) -> str:
    """The location without its password, for logs."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if "@" in rest else url


def cache_settings(url: str, *, retry_after: float = DEFAULT_RETRY_AFTER) -> dict[str, dict[str, Any]]:
    """The CACHES setting: Redis at `url` (redis://...) through ResilientRedisCache, else memory of one process."""
    if url:
        return {"default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": url, "RETRY_AFTER": retry_after}}
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rtcm"}}
