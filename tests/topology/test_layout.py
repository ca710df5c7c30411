"""The platform/ folder: a plain folder of scripts that never shadows the standard library."""

from __future__ import annotations

import json
import os
import re
import runpy
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.real_services import REPOSITORY

PLATFORM = REPOSITORY / "platform"
SCRIPTS = ("launch", "worker", "beat")


def _variables_in_env_example() -> set[str]:
    text = (PLATFORM / "env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_platform_folder_holds_no_init_file_so_it_is_not_a_package():
    assert PLATFORM.is_dir()
    assert list(PLATFORM.rglob("__init__.py")) == []


def test_django_started_from_the_repository_imports_the_standard_library_platform_module():
    # `python -c` puts the current directory first on sys.path, as `celery -A config` and manage.py do.
    code = (
        "import json, django; django.setup(); import platform, uuid; "
        "print(json.dumps({'system': platform.system(), 'file': platform.__file__, 'uuid': str(uuid.uuid4())}))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=60)

    assert completed.returncode == 0, completed.stderr
    imported = json.loads(completed.stdout.strip().splitlines()[-1])
    assert imported["system"]
    module_file = Path(imported["file"]).resolve()
    assert not module_file.is_relative_to(REPOSITORY)
    assert module_file.is_relative_to(Path(sysconfig.get_paths()["stdlib"]).resolve())


@pytest.mark.parametrize("script", SCRIPTS)
def test_platform_script_is_an_executable_bash_script_without_syntax_errors(script):
    path = PLATFORM / script

    assert path.stat().st_mode & stat.S_IXUSR
    assert path.read_text().startswith("#!/usr/bin/env bash\n")
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True, timeout=10).returncode == 0


def test_env_example_documents_every_variable_the_settings_and_platform_scripts_read():
    read_by_python = set()
    for source in [
        *sorted((REPOSITORY / "config" / "settings").glob("*.py")),
        REPOSITORY / "config" / "env.py",
        PLATFORM / "gunicorn.conf.py",
    ]:
        text = source.read_text()
        read_by_python |= set(re.findall(r"env_(?:str|bool|int|list|url|networks)\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
        read_by_python |= set(re.findall(r"os\.environ(?:\.get\(|\[)\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))
    read_by_scripts = set()
    for script in SCRIPTS:
        read_by_scripts |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):-", (PLATFORM / script).read_text()))

    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "PORT", "WEB_CONCURRENCY"} <= read_by_python | read_by_scripts
    assert sorted((read_by_python | read_by_scripts) - _variables_in_env_example()) == []


def test_env_example_gives_each_variable_a_comment():
    lines = (PLATFORM / "env.example").read_text().splitlines()
    uncommented = [
        line for above, line in zip(["", *lines], lines, strict=False) if re.match(r"^#?[A-Z]", line) and not above.startswith("# ")
    ]

    assert uncommented == []


def test_gunicorn_config_takes_address_port_and_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104 - the container setting under test
    monkeypatch.setenv("PORT", "9123")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")

    config = runpy.run_path(str(PLATFORM / "gunicorn.conf.py"))

    assert config["bind"] == "0.0.0.0:9123"
    assert config["workers"] == 5
    assert config["accesslog"] == "-"


def test_gunicorn_config_defaults_to_two_workers_on_loopback_port_8000(monkeypatch):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)

    config = runpy.run_path(str(PLATFORM / "gunicorn.conf.py"))

    assert config["bind"] == "127.0.0.1:8000"
    assert config["workers"] == 2


def _launch(*arguments: str, environment: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(cwd)), "LANG": "C.UTF-8"}
    command = [str(PLATFORM / "launch"), *arguments]
    return subprocess.run(command, cwd=cwd, env={**base, **environment}, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        ({}, "DATABASE_URL CELERY_BROKER_URL"),
        ({"DATABASE_URL": "postgres://rtcm@db/rtcm"}, "CELERY_BROKER_URL"),
        ({"CELERY_BROKER_URL": "redis://broker:6379/0"}, "DATABASE_URL"),
    ],
)
def test_launch_refuses_to_start_without_database_and_broker(tmp_path, environment, missing):
    completed = _launch(environment=environment, cwd=tmp_path)

    assert completed.returncode != 0
    assert f"set {missing} in the environment" in completed.stderr


def test_launch_reads_variables_from_an_env_file(tmp_path):
    env_file = tmp_path / "rtcm.env"
    env_file.write_text("# comment\n\nexport DATABASE_URL='postgres://rtcm@db/rtcm'\n")

    completed = _launch("--env-file", str(env_file), environment={}, cwd=tmp_path)

    assert completed.returncode != 0
    assert "set CELERY_BROKER_URL in the environment" in completed.stderr


def test_launch_rejects_an_env_file_line_that_is_not_key_value(tmp_path):
    env_file = tmp_path / "rtcm.env"
    env_file.write_text("DATABASE_URL=postgres://rtcm@db/rtcm\nrm -rf /\n")

    completed = _launch("--env-file", str(env_file), environment={}, cwd=tmp_path)

    assert completed.returncode != 0
    assert "rtcm.env:2 is not a KEY=value line" in completed.stderr


def test_no_folder_on_a_script_path_is_named_platform():
    """`python tests/services.py` puts tests/ on sys.path, so no package there may be called platform."""
    tests_dir = Path(__file__).resolve().parent.parent
    assert not (tests_dir / "platform").exists()
    completed = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.__file__)"], cwd=tests_dir, capture_output=True, text=True, check=True
    )
    assert str(tests_dir) not in completed.stdout
