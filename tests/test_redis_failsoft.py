"""Redis is optional for the site to work: a real redis-server stopped and restarted under a
running gunicorn, and a gunicorn started with no Redis at all, answer every request."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GUNICORN, ROOT, callback_body, free_port, gunicorn_env, wait_until

from dashboard.dash_wire import router_dep
from dashboard.server.replies import HIT_HEADER

pytestmark = pytest.mark.redis
WARNING = "Redis cache unreachable"


class RedisServer:
    """A throwaway redis-server on a fixed loopback port that a test can stop and start."""

    def __init__(self, workdir: Path) -> None:
        self.binary = shutil.which("redis-server") or pytest.skip("redis-server is not installed")
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        import redis

        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: redis.Redis.from_url(self.url).ping(), self.process)

    def stop(self) -> None:
        """Stop the server (by its pid) and wait for it to exit."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self) -> int:
        """Return how many keys the server holds."""
        import redis

        return redis.Redis.from_url(self.url).dbsize()


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    """Return a started redis-server; stop it afterwards."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def start_gunicorn(redis_url: str, release_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """Start a one-worker gunicorn using a Redis URL, its log in a file; return it and its URL."""
    port = free_port()
    env = gunicorn_env(
        port,
        CSEC_RELEASE_DIR=str(release_dir),
        REDIS_URL=redis_url,
        CSEC_LOG_LEVEL="INFO",
        CSEC_RATE_LIMIT="100000/second",
    )
    with log.open("w") as handle:
        process = subprocess.Popen(GUNICORN, cwd=ROOT, env=env, stderr=handle, stdout=handle)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: get(url + "/healthz"), process)
    return process, url


def get(url: str, body: dict | None = None) -> tuple[int, bytes, dict]:
    """Return status, body and headers of a GET (or JSON POST), errors included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read(), dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def page_load(url: str, search: str) -> tuple[int, bytes, dict]:
    """Return the reply of the page-router callback for the funnel page with a query."""
    deps = json.loads(get(url + "/_dash-dependencies")[1])
    return get(
        url + "/_dash-update-component", callback_body(router_dep(deps), ["/funnel", search])
    )


def stop(process: subprocess.Popen) -> None:
    """Stop a gunicorn (by its pid)."""
    process.terminate()
    process.wait(timeout=60)


def test_redis_stopped_and_restarted_under_a_running_app(
    redis_server, fixture_release_dir, tmp_path
):
    log = tmp_path / "gunicorn.log"
    process, url = start_gunicorn(redis_server.url, fixture_release_dir, log)
    try:
        status, _, _ = page_load(url, "?sfy=2016-17")
        assert status == 200 and redis_server.keys() > 0
        assert json.loads(get(url + "/healthz")[1])["status"] == "ok"

        redis_server.stop()
        statuses = []
        for sfy in ("2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "all"):
            for show in ("count", "rate"):
                statuses.append(page_load(url, f"?sfy={sfy}&show={show}")[0])
        statuses.append(get(url + "/download/chart/home-trend.csv?sfy=2017-18")[0])
        assert statuses == [200] * len(statuses)
        health = json.loads(get(url + "/healthz")[1])
        assert health["status"] == "degraded" and health["cache"]["state"] == "unreachable"
        assert get(url + "/readyz")[0] == 200  # still serving: degraded, not unready
        assert log.read_text().count(WARNING) == 1, "one warning per interval, not per request"

        redis_server.start()
        time.sleep(2.5)  # the retry interval
        status, _, headers = page_load(url, "?sfy=2015-16&show=rate")
        assert status == 200 and headers[HIT_HEADER] == "miss"
        assert json.loads(get(url + "/healthz")[1])["status"] == "ok"
        assert redis_server.keys() > 0, "writes go to Redis again"
        assert page_load(url, "?sfy=2015-16&show=rate")[2][HIT_HEADER] == "hit"
        assert "Redis cache reachable again" in log.read_text()
        assert "Traceback" not in log.read_text()
    finally:
        stop(process)


def test_the_app_starts_and_serves_without_redis(fixture_release_dir, tmp_path):
    log = tmp_path / "gunicorn.log"
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    process, url = start_gunicorn(nowhere, fixture_release_dir, log)
    try:
        assert page_load(url, "?sfy=2018-19")[0] == 200
        assert page_load(url, "?sfy=2018-19")[2][HIT_HEADER] == "hit"  # the in-process cache
        health = json.loads(get(url + "/healthz")[1])
        assert health["status"] == "degraded" and health["cache"]["state"] == "unreachable"
        assert log.read_text().count(WARNING) == 1
        # and the log, as gunicorn writes it, cannot be forged through a request path
        assert get(url + "/download/chart/x%0A2026-01-01%20ERROR%20forged%1b.csv")[0] == 404
        lines = log.read_text().splitlines()
        assert any("x\\n2026-01-01 ERROR forged\\x1b.csv" in line for line in lines)
        assert not any(line.startswith("2026-01-01 ERROR forged") for line in lines)
    finally:
        stop(process)
