"""Bounded work: computing requests are rate-limited per client and capped per process; cached
views, /healthz and other clients are not held up, and the excess gets a fast 429/503."""

from __future__ import annotations

import threading
import time

from conftest import GEOJSON, callback_body

from dashboard.dash_wire import router_dep
from dashboard.server.replies import HIT_HEADER


def make_client(release_dir, **settings):
    """Return a test client (first request done) of an app with some limit settings."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    app = create_app(Settings(release_dir=release_dir, geojson_path=GEOJSON, **settings))
    client = app.server.test_client()
    client.get("/")
    return client


def load(client, search: str, address: str = "10.0.0.1", **headers):
    """Return the reply of the funnel page's router callback for a query, from an address."""
    deps = client.get("/_dash-dependencies").get_json()
    return client.post(
        "/_dash-update-component",
        json=callback_body(router_dep(deps), ["/funnel", search]),
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_a_client_over_its_rate_gets_429_with_retry_after(fixture_release_dir):
    client = make_client(fixture_release_dir, rate_limit="3/minute", compress=False)
    views = [f"?sfy={s}" for s in ("2015-16", "2016-17", "2017-18", "2018-19")]
    assert load(client, views[0]).status_code == 200
    for _ in range(5):  # cached views do not spend the budget
        again = load(client, views[0])
        assert again.status_code == 200 and again.headers[HIT_HEADER] == "hit"
    assert [load(client, v).status_code for v in views[1:3]] == [200, 200]
    started = time.perf_counter()
    refused = load(client, views[3])
    assert refused.status_code == 429 and time.perf_counter() - started < 0.5
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert load(client, views[0]).status_code == 429  # spent: refused before any lookup
    assert client.get("/healthz").status_code == 200
    assert load(client, views[3], address="10.0.0.2").status_code == 200  # another client
    refused_csv = client.get(
        "/download/chart/home-trend.csv", environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )
    assert refused_csv.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(fixture_release_dir):
    client = make_client(
        fixture_release_dir, rate_limit="1/minute", trusted_proxies=1, compress=False
    )
    assert load(client, "?sfy=2015-16", X_Forwarded_For="192.0.2.1").status_code == 200
    assert load(client, "?sfy=2016-17", X_Forwarded_For="192.0.2.1").status_code == 429
    assert load(client, "?sfy=2016-17", X_Forwarded_For="192.0.2.2").status_code == 200


def test_a_busy_process_answers_503_at_once_and_still_serves_cached_views(
    fixture_release_dir, monkeypatch
):
    from dashboard import charts

    client = make_client(fixture_release_dir, compute_slots=1, threads=2, compress=False)
    assert load(client, "?sfy=2015-16").status_code == 200  # cached from now on
    entered, release = threading.Event(), threading.Event()
    render = charts.render

    def slow_render(*args, **kwargs):
        entered.set()
        release.wait(10)
        return render(*args, **kwargs)

    monkeypatch.setattr(charts, "render", slow_render)
    first: list = []
    worker = threading.Thread(target=lambda: first.append(load(client, "?sfy=2016-17")))
    worker.start()
    try:
        assert entered.wait(10), "the first computation started"
        started = time.perf_counter()
        busy = load(client, "?sfy=2017-18")
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert time.perf_counter() - started < 0.5
        hit = load(client, "?sfy=2015-16")
        assert hit.status_code == 200 and hit.headers[HIT_HEADER] == "hit"
        assert client.get("/healthz").status_code == 200
    finally:
        release.set()
        worker.join(10)
    assert first[0].status_code == 200
    assert load(client, "?sfy=2017-18").status_code == 200  # the slot is free again


def test_the_gate_lets_some_wait_and_turns_the_rest_away_at_once():
    from dashboard.server.limits import Gate

    gate = Gate(slots=1, admitted=2)
    assert gate.enter()
    waited: list[bool] = []
    waiting = threading.Thread(target=lambda: waited.append(gate.enter()))
    waiting.start()
    time.sleep(0.1)
    started = time.perf_counter()
    assert not gate.enter() and time.perf_counter() - started < 0.05  # two already admitted
    gate.leave()
    waiting.join(5)
    assert waited == [True]


def test_the_budget_is_kept_by_one_thread_at_a_time():
    """The rate-limit storage is not thread-safe (its expiry timer could be started twice)."""
    from dashboard.server.limits import Budget

    budget = Budget("1000/second")
    inside, most = [0], [0]
    real_hit = budget.window.hit

    def counted_hit(*args):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.001)
        inside[0] -= 1
        return real_hit(*args)

    budget.window.hit = counted_hit
    threads = [
        threading.Thread(target=lambda: [budget.spend("client") for _ in range(20)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1


def test_identical_misses_arriving_together_are_computed_once(fixture_release_dir, monkeypatch):
    from dashboard import charts

    client = make_client(fixture_release_dir, compress=False)
    calls, entered, release = [], threading.Event(), threading.Event()
    render = charts.render

    def slow_render(*args, **kwargs):
        calls.append(args)
        entered.set()
        release.wait(10)
        return render(*args, **kwargs)

    monkeypatch.setattr(charts, "render", slow_render)
    replies: list = []
    first = threading.Thread(target=lambda: replies.append(load(client, "?sfy=2019-20")))
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=lambda: replies.append(load(client, "?sfy=2019-20")))
    second.start()
    time.sleep(0.2)
    release.set()
    first.join(10)
    second.join(10)
    assert sorted(r.headers[HIT_HEADER] for r in replies) == ["hit", "miss"]
    assert replies[0].data == replies[1].data
    assert [chart for chart, _ in calls] == ["funnel-stages", "funnel-trend"]  # one page, once
