"""Which external services the tests can reach: PostgreSQL, Redis, Chromium, and the server binaries the
fault tests start on their own ports (redis-server, PostgreSQL's initdb and postgres).

As a script (`python tests/services.py postgres redis`), it exits 0 when all are there, 1 when
one is missing on a developer's machine (the stage is skipped with a message) and 2 when one is
missing in CI (CI=true), where every stage must run.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
from urllib.parse import urlparse

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rtcm")
REDIS_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def in_ci() -> bool:
    """CI runs every stage; a developer's machine may skip the ones whose service is absent."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    """PostgreSQL accepts connections and logins at TEST_DATABASE_URL's server."""
    if not _port_open(POSTGRES_URL, 5432):
        return False
    try:
        import psycopg

        parsed = urlparse(POSTGRES_URL)
        with psycopg.connect(
            host=parsed.hostname, port=parsed.port or 5432, user=parsed.username or "postgres", dbname="postgres", connect_timeout=3
        ):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not usable here"
        return False


def redis_available() -> bool:
    """Redis answers PING at TEST_BROKER_URL."""
    if not _port_open(REDIS_URL, 6379):
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping())
    except Exception:  # noqa: BLE001
        return False


def chromium_path() -> str | None:
    """The Chromium binary the browser tests drive (Debian's package), if installed."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit and os.path.exists(explicit):
        return explicit
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


REDIS_SERVER_CANDIDATES = ("redis-server",)
POSTGRES_BINARY_DIRECTORIES = ("/usr/local/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")


def redis_server_path() -> str | None:
    """The redis-server binary the fault tests start a private Redis with (REDIS_SERVER overrides)."""
    explicit = os.environ.get("REDIS_SERVER")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    return shutil.which("redis-server")


def postgres_bin_directory() -> str | None:
    """A directory holding PostgreSQL's initdb and postgres, for a private cluster (POSTGRES_BIN_DIR overrides)."""
    candidates = [os.environ["POSTGRES_BIN_DIR"]] if os.environ.get("POSTGRES_BIN_DIR") else []
    found = shutil.which("initdb")
    if not candidates:
        candidates += [os.path.dirname(found)] if found else []
        candidates += list(POSTGRES_BINARY_DIRECTORIES)
    for directory in candidates:
        if all(os.access(os.path.join(directory, name), os.X_OK) for name in ("initdb", "postgres", "pg_ctl")):
            return directory
    return None


CHECKS = {
    "postgres": (postgres_available, f"PostgreSQL is not reachable at {POSTGRES_URL} (set TEST_DATABASE_URL)"),
    "redis": (redis_available, f"Redis is not reachable at {REDIS_URL} (set TEST_BROKER_URL)"),
    "chromium": (lambda: chromium_path() is not None, "Chromium is not installed (Debian package 'chromium', or set CHROMIUM_PATH)"),
    "redis-server": (
        lambda: redis_server_path() is not None,
        "redis-server is not installed (Debian package 'redis-server', or set REDIS_SERVER)",
    ),
    "postgres-server": (
        lambda: postgres_bin_directory() is not None,
        "PostgreSQL's initdb, pg_ctl and postgres are not installed (Debian package 'postgresql', or set POSTGRES_BIN_DIR)",
    ),
}


def main(names: list[str]) -> int:
    missing = [message for name in names for check, message in [CHECKS[name]] if not check()]
    if not missing:
        return 0
    for message in missing:
        print(("ERROR (CI must run this stage): " if in_ci() else "SKIPPED: ") + message)
    return 2 if in_ci() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
