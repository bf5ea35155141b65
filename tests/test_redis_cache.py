"""Redis-shared cache: two gunicorn instances on one loopback redis-server share cached entries."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest
from conftest import GUNICORN, ROOT, callback_body, free_port, gunicorn_env, wait_until

from dashboard.dash_wire import router_dep
from dashboard.server.replies import HIT_HEADER

pytestmark = pytest.mark.redis
WRITES = ("set", "setex", "psetex", "mset", "msetnx", "setnx")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """Start a throwaway redis-server on a free loopback port; stop it (by pid) afterwards."""
    server = shutil.which("redis-server") or pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    wait_until(lambda: redis_client(url).ping(), process)
    yield url
    process.terminate()
    process.wait(timeout=10)


def redis_client(url: str):
    """Return a redis client."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=2)


@pytest.fixture(scope="module")
def instances(redis_url, fixture_release_dir) -> Iterator[list[str]]:
    """Start two separate gunicorn instances sharing the redis cache; yield their base URLs."""
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        env = gunicorn_env(
            port,
            CSEC_RELEASE_DIR=str(fixture_release_dir),
            REDIS_URL=redis_url,
            CSEC_LOG_LEVEL="WARNING",
        )
        processes.append(subprocess.Popen(GUNICORN, cwd=ROOT, env=env))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for process, url in zip(processes, urls, strict=True):
            wait_until(lambda url=url: fetch(url + "/healthz"), process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def fetch(url: str, body: dict | None = None) -> tuple[bytes, dict]:
    """Return the body and headers of a GET (or JSON POST)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.read(), dict(reply.headers)


def writes(url: str) -> int:
    """Return how many write commands the redis server has run."""
    stats = redis_client(url).info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in WRITES)


def hits(url: str) -> int:
    """Return the redis server's keyspace hits."""
    return redis_client(url).info("stats")["keyspace_hits"]


def test_a_chart_computed_by_one_instance_is_read_by_the_other(redis_url, instances):
    first, second = instances
    path = "/download/chart/home-trend.csv?sfy=2018-19"
    body_first, _ = fetch(first + path)
    written, read = writes(redis_url), hits(redis_url)
    assert written > 0
    body_second, _ = fetch(second + path)
    assert body_second == body_first
    assert writes(redis_url) == written, "the second instance computed the chart again"
    assert hits(redis_url) > read


def test_a_callback_reply_is_shared(instances, fixture_release_dir):
    first, second = instances
    deps, _ = fetch(first + "/_dash-dependencies")
    body = callback_body(router_dep(json.loads(deps)), ["/placement", "?sfy=2017-18"])
    reply_first, headers_first = fetch(first + "/_dash-update-component", body)
    reply_second, headers_second = fetch(second + "/_dash-update-component", body)
    assert headers_first[HIT_HEADER] == "miss"
    assert headers_second[HIT_HEADER] == "hit"
    assert reply_second == reply_first


def test_every_key_carries_the_release_id(redis_url, instances):
    release_id = json.loads(fetch(instances[0] + "/healthz")[0])["release_id"]
    keys = [key.decode() for key in redis_client(redis_url).keys("*")]
    assert keys and all(key.startswith(f"csec:{release_id}:") for key in keys)
