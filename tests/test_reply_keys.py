"""Reply-cache keys come from the parsed view: bytes, order, junk and spelling make no new entry,
and two requests that share a key get the same reply when computed afresh."""

from __future__ import annotations

import json

import pytest
from conftest import GEOJSON, UNBOUNDED, DashClient, callback_body, controls, page_calls

from dashboard.dash_wire import ROUTER_OUTPUT
from dashboard.server.guard import CallbackRequest
from dashboard.server.replies import HIT_HEADER
from dashboard.server.reply_keys import reply_key


@pytest.fixture(scope="module")
def dash_client(fixture_app) -> DashClient:
    """Return a Dash client of the fixture app (replies cached in-process)."""
    client = DashClient(fixture_app)
    client.app = fixture_app
    return client


@pytest.fixture(scope="module")
def uncached(fixture_release_dir) -> DashClient:
    """Return a Dash client of an app that caches nothing (every reply computed afresh)."""
    from dashboard.app import create_app
    from dashboard.settings import Settings

    settings = Settings(
        release_dir=fixture_release_dir,
        geojson_path=GEOJSON,
        compress=False,
        cache_type="NullCache",
        **UNBOUNDED,
    )
    app = create_app(settings)
    client = DashClient(app)
    client.app = app
    return client


def post(client: DashClient, data: bytes):
    """Return the reply to a raw callback body."""
    return client.client.post("/_dash-update-component", data=data, content_type="application/json")


def router_body(client: DashClient, pathname: str, search: str = "") -> dict:
    """Return the page-router callback body of a location."""
    return callback_body(client.dep_for(ROUTER_OUTPUT), [pathname, search])


def test_key_order_and_whitespace_hit_the_same_entry(dash_client):
    body = router_body(dash_client, "/placement", "?sfy=2016-17")
    first = post(dash_client, json.dumps(body).encode())
    assert first.headers[HIT_HEADER] == "miss"
    reordered = dict(reversed(list(body.items())))
    spaced = json.dumps(reordered, indent=4, separators=(" ,", " :  ")).encode()
    second = post(dash_client, spaced)
    assert second.headers[HIT_HEADER] == "hit" and second.data == first.data


def test_a_junk_key_is_refused_not_cached(dash_client):
    body = router_body(dash_client, "/placement", "?sfy=2017-18") | {"junk": "x" * 100}
    reply = post(dash_client, json.dumps(body).encode())
    assert reply.status_code == 400 and HIT_HEADER not in reply.headers


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("/funnel", "?sfy=2019-20"), ("/funnel/", "?sfy=2019")),
        (("/funnel", "?geo=state&sfy=2019-20"), ("/funnel", "?sfy=SFY 2019-20&geo=CA")),
        (("/county/fresno", ""), ("/county/FRESNO", "")),
        (("/map", ""), ("/map", "?view=measure")),
    ],
)
def test_spellings_of_one_view_share_an_entry(dash_client, first, second):
    reply = post(dash_client, json.dumps(router_body(dash_client, *first)).encode())
    again = post(dash_client, json.dumps(router_body(dash_client, *second)).encode())
    assert again.headers[HIT_HEADER] == "hit" and again.data == reply.data


@pytest.mark.parametrize(
    ("pathname", "search"),
    [("/funnel", "?sfy=nonsense"), ("/funnel", "?junk=1"), ("/no/such/page", "")],
)
def test_views_with_notices_and_non_pages_are_answered_not_cached(dash_client, pathname, search):
    body = json.dumps(router_body(dash_client, pathname, search)).encode()
    for _ in range(2):
        reply = post(dash_client, body)
        assert reply.status_code == 200 and HIT_HEADER not in reply.headers


def test_junk_control_values_share_the_default_views_entry(dash_client):
    layout = dash_client.page("/funnel")
    dep = next(d for d in dash_client.page_deps(layout) if "figure" in d["output"])
    values = [controls(layout)[i["id"]][0] for i in dep["inputs"]]
    good = post(dash_client, json.dumps(callback_body(dep, values)).encode())
    junk = post(dash_client, json.dumps(callback_body(dep, ["<junk>"] * len(values))).encode())
    assert junk.headers[HIT_HEADER] == "hit" and junk.data == good.data


def key_of(client: DashClient, dep: dict, values: list) -> str | None:
    """Return the reply-cache key of a callback request."""
    app = client.app
    with app.server.test_request_context("/"):
        return reply_key(app, CallbackRequest(dep["output"], tuple(values), ()))


ROUTER_VARIANTS = [
    ("/", ""),
    ("/", "?sfy=2021-22"),
    ("/", "?sfy=2021"),
    ("/funnel", ""),
    ("/funnel/", "?geo=state"),
    ("/funnel", "?geo=county:fresno&sfy=all"),
    ("/funnel", "?sfy=all&geo=county:06019"),
    ("/placement", "?group=youth"),
    ("/placement", ""),
    ("/map", "?measure=reports_per_100k"),
    ("/map", ""),
    ("/county", ""),
    ("/county/alameda", ""),
    ("/county/06001", "?sfy=2021-22"),
    ("/county/fresno", ""),
    ("/county/Fresno", ""),
    ("/county/fresno", "?county=kern"),
    ("/county/fresno/brief", ""),
    ("/county/Fresno/brief", ""),
    ("/county/06019/brief", "?sfy=2021-22"),
    ("/county/kern/brief", ""),
    ("/county/fresno/other", ""),
    ("/downloads", "?table=cells"),
    ("/downloads", ""),
    ("/methodology", ""),
    ("/methodology", "?x=1"),
]


def test_requests_sharing_a_key_get_the_same_fresh_reply(uncached):
    replies: dict[str, bytes] = {}
    dep = uncached.dep_for(ROUTER_OUTPUT)
    for pathname, search in ROUTER_VARIANTS:
        key = key_of(uncached, dep, [pathname, search])
        reply = post(uncached, json.dumps(callback_body(dep, [pathname, search])).encode())
        assert reply.status_code == 200 and reply.headers.get(HIT_HEADER) != "hit"
        if key is not None:
            assert replies.setdefault(key, reply.data) == reply.data, (pathname, search)
    assert len(replies) < len([v for v in ROUTER_VARIANTS if v[1] != "?x=1"])  # some share


def test_control_requests_sharing_a_key_get_the_same_fresh_reply(uncached):
    replies: dict[str, bytes] = {}
    for path in ("/funnel", "/county/fresno"):
        junk_done = set()
        for dep, values, response in page_calls(uncached, path):
            calls = [(values, response)]
            if dep["output"] not in junk_done:  # junk values: the default view's entry
                junk_done.add(dep["output"])
                junk = ["<junk>"] * len(values)
                calls.append((junk, uncached.call(dep, junk)))
            for sent, reply in calls:
                key = key_of(uncached, dep, sent)
                assert key is not None, dep["output"]
                encoded = json.dumps(reply, sort_keys=True).encode()
                assert replies.setdefault(key, encoded) == encoded, (dep["output"], sent)
