"""Bad input: malformed, oversized or unknown callback requests and junk URLs never give a 5xx."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import DashClient, controls


@pytest.fixture(scope="module")
def dash_client(fixture_app) -> DashClient:
    """Return a Dash client of the fixture app."""
    return DashClient(fixture_app)


def router_body(dash_client: DashClient, pathname: str = "/", search: str = "") -> dict:
    """Return a valid body of the page-router callback."""
    dep = dash_client.dep_for("_pages_content")
    return {
        "output": dep["output"],
        "outputs": [{"id": i, "property": p} for i, p in dash_client.outputs(dep)],
        "inputs": [
            {"id": i["id"], "property": i["property"], "value": v}
            for i, v in zip(dep["inputs"], [pathname, search], strict=True)
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def with_changes(body: dict, **changes) -> bytes:
    """Return a JSON body with some keys replaced."""
    return json.dumps(body | changes).encode()


def bad_bodies(body: dict) -> dict[str, bytes]:
    """Return malformed callback bodies by name."""
    wrong_input = [dict(body["inputs"][0], id="no-such-component"), body["inputs"][1]]
    return {
        "not json": b"{'output': ",
        "empty": b"",
        "json list": b"[1, 2, 3]",
        "json string": b'"hello"',
        "no output": with_changes(body, output=None),
        "unknown output": with_changes(body, output="no-such-component.children"),
        "output not a string": with_changes(body, output=["_pages_content.children"]),
        "unknown input id": with_changes(body, inputs=wrong_input),
        "inputs not a list": with_changes(body, inputs={"id": "x"}),
        "missing inputs": with_changes(body, inputs=[]),
        "inputs of wrong type": with_changes(body, inputs=[1, 2]),
        "unknown output in outputs": with_changes(body, outputs=[{"id": "x", "property": "y"}]),
        "state not a list": with_changes(body, state="x"),
    }


@pytest.mark.parametrize(
    "name",
    list(bad_bodies({"inputs": [{}, {}]})),
)
def test_malformed_callback_bodies_get_400(dash_client, name):
    data = bad_bodies(router_body(dash_client))[name]
    response = dash_client.client.post(
        "/_dash-update-component", data=data, content_type="application/json"
    )
    assert response.status_code == 400, (name, response.data[:200])


def test_oversized_payload_gets_413(dash_client):
    body = router_body(dash_client, search="?x=" + "a" * 100_000)
    response = dash_client.client.post("/_dash-update-component", json=body)
    assert response.status_code == 413


def test_rejections_are_logged_once_without_the_payload(dash_client, caplog):
    secret = "PAYLOAD-MARKER-" + "z" * 50
    data = with_changes(router_body(dash_client), output=secret + ".children")
    with caplog.at_level(logging.INFO, logger="dashboard.requests"):
        response = dash_client.client.post(
            "/_dash-update-component", data=data, content_type="application/json"
        )
    assert response.status_code == 400
    records = [r for r in caplog.records if r.name == "dashboard.requests"]
    assert len(records) == 1
    assert "400" in records[0].getMessage() and secret not in records[0].getMessage()
    assert secret.encode() not in response.data


@pytest.mark.parametrize(
    "search",
    [
        "?sfy=1999-00",
        "?geo=county:99999&sfy=<script>",
        "?metric=%00%ff&&&=",
        "?" + "&".join(f"k{i}=v" for i in range(200)),
        "?sfy[]=1&sfy[]=2",
    ],
)
@pytest.mark.parametrize("pathname", ["/", "/funnel", "/placement", "/map", "/county"])
def test_junk_query_strings_give_the_default_view(dash_client, pathname, search):
    layout = dash_client.page(pathname, search)
    default = dash_client.page(pathname)
    assert {k: v[0] for k, v in controls(layout).items()} == {
        k: v[0] for k, v in controls(default).items()
    }


@pytest.mark.parametrize(
    "path",
    [
        "/?sfy=<script>alert(1)</script>",
        "/funnel?%ff%fe=%00",
        "/county/not-a-county",
        "/map?" + "x=1&" * 500,
        "/download/chart/home-funnel.csv?sfy=nonsense&geo=%00",
        "/_dash-layout?junk=1",
    ],
)
def test_junk_urls_never_give_a_5xx(dash_client, path):
    assert dash_client.client.get(path).status_code < 500


def test_junk_control_values_give_the_default_view(dash_client):
    layout = dash_client.page("/funnel")
    dep = next(d for d in dash_client.page_deps(layout) if "figure" in d["output"])
    good = dash_client.call(dep, [controls(layout)[i["id"]][0] for i in dep["inputs"]])
    junk = dash_client.call(dep, ["<junk>" for _ in dep["inputs"]])
    assert junk == good
