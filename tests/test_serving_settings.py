"""Serving settings: documented in docs/settings.md, aliases, gunicorn config, no debug in WSGI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from dashboard.settings import SETTINGS, Settings, SettingsError, markdown

DOCS = ROOT / "docs" / "settings.md"


def test_docs_are_generated_from_the_table():
    assert DOCS.read_text() == markdown(), "run: python -m dashboard.settings > docs/settings.md"
    for setting in SETTINGS:
        assert f"`{setting.env}`" in DOCS.read_text()


@pytest.mark.parametrize(
    ("environ", "attribute", "expected"),
    [
        ({"PORT": "9000"}, "port", 9000),
        ({"CSEC_PORT": "9001", "PORT": "9000"}, "port", 9001),
        ({"WEB_CONCURRENCY": "5"}, "workers", 5),
        ({"REDIS_URL": "redis://cache:6379/1"}, "cache_redis_url", "redis://cache:6379/1"),
        (
            {"CACHE_REDIS_URL": "redis://a/0", "REDIS_URL": "redis://b/0"},
            "cache_redis_url",
            "redis://a/0",
        ),
        ({"CSEC_LOG_LEVEL": "warning"}, "log_level", "WARNING"),
        ({"CSEC_MAX_REQUEST_BYTES": "1000"}, "max_request_bytes", 1000),
    ],
)
def test_serving_values_are_parsed(environ, attribute, expected):
    assert getattr(Settings.from_env(environ), attribute) == expected


@pytest.mark.parametrize(
    ("environ", "backend"),
    [
        ({}, "SimpleCache"),
        ({"REDIS_URL": "redis://localhost:6379/0"}, "RedisCache"),
        ({"CACHE_REDIS_URL": "redis://localhost:6379/0"}, "RedisCache"),
        ({"REDIS_URL": "redis://x/0", "CSEC_CACHE_TYPE": "NullCache"}, "NullCache"),
    ],
)
def test_redis_url_selects_the_shared_cache(environ, backend):
    assert Settings.from_env(environ).cache_backend == backend


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"PORT": "http"}, "CSEC_PORT"),
        ({"PORT": "70000"}, "CSEC_PORT"),
        ({"WEB_CONCURRENCY": "0"}, "CSEC_WORKERS"),
        ({"REDIS_URL": "localhost:6379"}, "CSEC_CACHE_REDIS_URL"),
        ({"CSEC_LOG_LEVEL": "LOUD"}, "CSEC_LOG_LEVEL"),
        ({"CSEC_CACHE_TYPE": "RedisCache"}, "REDIS_URL"),
        ({"CSEC_MAX_REQUEST_BYTES": "-1"}, "CSEC_MAX_REQUEST_BYTES"),
    ],
)
def test_bad_serving_values_fail_with_a_hint(environ, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(environ)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Return the result of a Python snippet run with extra environment variables."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gunicorn_config_follows_the_platform_variables():
    done = run_python(
        "from dashboard.server import gunicorn_conf as c;"
        "print(c.bind, c.workers, c.worker_class, c.threads, c.timeout, c.loglevel,"
        " c.control_socket_disable)",
        PORT="9123",
        WEB_CONCURRENCY="3",
        CSEC_LOG_LEVEL="warning",
    )
    assert done.stdout.split() == ["0.0.0.0:9123", "3", "gthread", "8", "30", "warning", "True"]


def test_wsgi_refuses_debug_mode():
    done = run_python("import dashboard.wsgi", CSEC_DEBUG="1")
    assert done.returncode != 0 and "CSEC_DEBUG" in done.stderr


def test_procfile_and_run_script_use_the_gunicorn_config():
    for path in (ROOT / "Procfile", ROOT / "scripts" / "run.sh"):
        text = path.read_text()
        assert "-c python:dashboard.server.gunicorn_conf dashboard.wsgi:server" in text, path
        assert "--no-control-socket" in text, path
