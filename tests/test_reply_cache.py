"""Cached callback replies: the same JSON on every hit, compressed once per encoding."""

from __future__ import annotations

import pytest
from conftest import callback_body, decoded

from dashboard.dash_wire import router_dep
from dashboard.server import replies
from dashboard.server.replies import HIT_HEADER


def page_body(client, path: str, search: str) -> dict:
    """Return the router callback body that loads a page."""
    deps = client.get("/_dash-dependencies").get_json()
    return callback_body(router_dep(deps), [path, search])


@pytest.mark.parametrize("encoding, sfy", [("br", "2019-20"), ("gzip", "2018-19")])
def test_a_hit_is_the_same_reply_in_the_encoding_asked_for(
    compressing_client, encoding, sfy, monkeypatch
):
    client = compressing_client
    body = page_body(client, "/map", f"?sfy={sfy}")  # a view of its own for each encoding
    plain = client.post("/_dash-update-component", json=body)
    assert plain.headers[HIT_HEADER] == "miss" and "Content-Encoding" not in plain.headers
    calls, original = [], replies.compress
    monkeypatch.setattr(replies, "compress", lambda *a, **k: calls.append(a) or original(*a, **k))
    for _ in range(3):
        hit = client.post(
            "/_dash-update-component", json=body, headers={"Accept-Encoding": encoding}
        )
        assert hit.headers[HIT_HEADER] == "hit"
        assert hit.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in hit.headers["Vary"]
        assert decoded(hit) == plain.data
        assert hit.headers["Content-Security-Policy"]  # still goes through the header layer
    assert len(calls) == 1  # compressed once, then answered from the cache


def test_a_hit_without_accept_encoding_is_plain(compressing_client):
    client = compressing_client
    body = page_body(client, "/funnel", "?show=rate")
    first = client.post("/_dash-update-component", json=body)
    hit = client.post("/_dash-update-component", json=body, headers={"Accept-Encoding": ""})
    assert hit.headers[HIT_HEADER] == "hit" and "Content-Encoding" not in hit.headers
    assert hit.data == first.data
