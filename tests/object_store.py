"""An S3-compatible server for the tests of the object store: moto's server mode (moto_server), on a free port.

moto is an emulator of S3, not a full implementation: objects, buckets, ACLs and anonymous reads behave as S3's do
(an unsigned GET of a private object is refused with 403), but it does not verify signatures or their expiry, so the
tests read a signed URL's lifetime from the URL itself. Each server runs as a subprocess, stopped or killed by its PID.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.real_services import service_missing

ACCESS_KEY = "rtcm-test-access-key"
SECRET_KEY = "rtcm-test-secret-key"  # moto accepts any key; this one says what it is
REGION = "us-east-1"
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class MotoServer:
    """`moto_server` on 127.0.0.1 and a free port, logging to `log_path`."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start the server; seconds until it accepts connections."""
        binary = Path(sys.executable).with_name("moto_server")
        if not binary.exists():
            service_missing("moto's server (moto_server) is not installed: make install installs requirements.lock")
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(binary), "-H", "127.0.0.1", "-p", str(self.port)], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        while not _port_answers(self.port):
            if self.process.poll() is not None or time.monotonic() - started > START_TIMEOUT:
                tail = self.log_path.read_text(errors="replace")[-3000:]
                self.kill()
                raise RuntimeError(f"moto_server did not start within {START_TIMEOUT} s:\n{tail}")
            time.sleep(0.05)
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL by PID, as a crash would; returns once the port is closed. Everything the server held is gone."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _port_answers(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def client(self) -> Any:
        """A boto3 client of the server, with the tests' keys."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )


@dataclass(frozen=True)
class Bucket:
    """A bucket of a test's own on the server, and how to look into it."""

    server: MotoServer
    name: str

    def object_keys(self) -> list[str]:
        pages = self.server.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    def grants(self, key: str) -> list[dict[str, Any]]:
        return self.server.client().get_object_acl(Bucket=self.name, Key=key)["Grants"]

    def environment(self, **overrides: str) -> dict[str, str]:
        """The variables that point a process of the platform at this bucket."""
        return {
            "STORAGE_S3_BUCKET": self.name,
            "STORAGE_S3_ENDPOINT_URL": self.server.endpoint,
            "STORAGE_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "STORAGE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "STORAGE_S3_REGION": REGION,
            "STORAGE_S3_ADDRESSING_STYLE": "path",
            **overrides,
        }

    def storage_options(self, location: str, url_seconds: int = 300, timeout_seconds: int = 5) -> dict[str, Any]:
        """OPTIONS of config.storage's classes for this bucket, as config/settings/base.py builds them."""
        return {
            "bucket_name": self.name,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "endpoint_url": self.server.endpoint,
            "region_name": REGION,
            "querystring_expire": url_seconds,
            "addressing_style": "path",
            "timeout_seconds": timeout_seconds,
            "location": location,
        }


def bucket_create(server: MotoServer) -> Bucket:
    """A new, empty bucket with a unique name."""
    name = f"rtcm-test-{uuid.uuid4().hex[:12]}"
    server.client().create_bucket(Bucket=name)
    return Bucket(server=server, name=name)
