"""Bad input: malformed, oversized or unknown callback requests and junk URLs never give a 5xx."""

from __future__ import annotations

import io
import json
import logging

import pytest
from conftest import DashClient, controls
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dashboard.server.logs import EscapingFormatter


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
        "unknown top-level key": with_changes(body, junk=1),
        "unknown key in an input": with_changes(
            body, inputs=[dict(body["inputs"][0], extra=1), body["inputs"][1]]
        ),
        "changedPropIds null": with_changes(body, changedPropIds=None),
        "changedPropIds a number": with_changes(body, changedPropIds=5),
        "changedPropIds names no input": with_changes(body, changedPropIds=["x.y"]),
        "nested 1,000 deep": b'{"output": "x", "inputs": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        "nested 20 deep in a value": with_changes(
            body, inputs=[dict(body["inputs"][0], value=json.loads("[" * 20 + "]" * 20))]
        ),
        "pathname empty": with_changes(body, inputs=with_value(body, 0, "")),
        "pathname without a slash": with_changes(body, inputs=with_value(body, 0, "funnel")),
        "pathname a number": with_changes(body, inputs=with_value(body, 0, 5)),
        "pathname null": with_changes(body, inputs=with_value(body, 0, None)),
        "pathname a list": with_changes(body, inputs=with_value(body, 0, ["/"])),
        "search a dict": with_changes(body, inputs=with_value(body, 1, {"a": 1})),
    }


def with_value(body: dict, index: int, value) -> list[dict]:
    """Return a body's inputs with one input's value replaced."""
    inputs = [dict(spec) for spec in body["inputs"]]
    inputs[index]["value"] = value
    return inputs


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


def map_click_body(dash_client: DashClient, click) -> dict:
    """Return a body of the map's click-to-county callback with some clickData (current release)."""
    from dashboard import ids
    from dashboard.dash_wire import callback_body

    return callback_body(dash_client.dep_for(ids.MAP_NAV), [click, ""])


@pytest.mark.parametrize(
    "click", [5, "x", [], {"points": 5}, {"points": [5]}, {"points": "abc"}, [{"points": []}]]
)
def test_map_click_data_that_is_not_points_gets_400(dash_client, click):
    response = dash_client.client.post(
        "/_dash-update-component", json=map_click_body(dash_client, click)
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "click",
    [None, {}, {"points": []}, {"points": [{"location": 5}]}, {"points": [{"location": {}}]}],
)
def test_map_click_on_nothing_known_changes_nothing(dash_client, click):
    response = dash_client.client.post(
        "/_dash-update-component", json=map_click_body(dash_client, click)
    )
    assert response.status_code == 204


class CutShortBody(io.BytesIO):
    """A request body the WSGI server cannot read (gunicorn: an invalid chunk size)."""

    def read(self, *_):
        from gunicorn.http.errors import InvalidChunkSize

        raise InvalidChunkSize(b"zz")

    readline = readinto = read


def test_a_body_the_server_cannot_read_gets_400(dash_client):
    response = dash_client.client.post(
        "/_dash-update-component",
        input_stream=CutShortBody(),
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # as gunicorn sets for chunked bodies
        content_type="application/json",
    )
    assert response.status_code == 400
    assert b"Traceback" not in response.data


def test_oversized_payload_gets_413(dash_client):
    body = router_body(dash_client, search="?x=" + "a" * 100_000)
    response = dash_client.client.post("/_dash-update-component", json=body)
    assert response.status_code == 413


def test_oversized_chunked_payload_gets_413(dash_client):
    body = json.dumps(router_body(dash_client, search="?x=" + "a" * 100_000)).encode()
    response = dash_client.client.post(
        "/_dash-update-component",
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked"},  # no length: read up to the limit, then refused
        environ_overrides={"wsgi.input_terminated": True},
        content_type="application/json",
    )
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


def test_a_newline_in_a_path_cannot_forge_a_log_line(dash_client, caplog):
    with caplog.at_level(logging.INFO, logger="dashboard.requests"):
        dash_client.client.get("/download/chart/x%0A2026-01-01 ERROR forged%1b[31m.csv")
    records = [r for r in caplog.records if r.name == "dashboard.requests"]
    assert records, "the rejected download is logged"
    line = EscapingFormatter("%(levelname)s %(message)s").format(records[-1])
    assert "\n" not in line and "\x1b" not in line
    assert "\\n2026-01-01 ERROR forged\\x1b[31m" in line


def test_a_traceback_keeps_its_lines_but_the_message_is_escaped():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "a\nb", (), None)
        import sys

        record.exc_info = sys.exc_info()
    text = EscapingFormatter("%(message)s").format(record)
    assert text.startswith("a\\nb\nTraceback")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


TEXT = st.text(max_size=30)
# Values of the right type for each input property, so that most draws reach the callbacks.
SHAPED = {
    "data-value": TEXT,
    "pathname": st.builds("/".__add__, TEXT),
    "search": st.builds("?".__add__, TEXT),
    "clickData": st.fixed_dictionaries(
        {"points": st.lists(st.fixed_dictionaries({"location": TEXT | st.integers()}))}
    ),
}


@st.composite
def callback_payloads(draw, deps: list[dict]) -> object:
    """Draw a callback body: a real callback's shape with any part replaced by any JSON."""
    from dashboard.dash_wire import callback_body

    dep = draw(st.sampled_from(deps))
    values = [draw(JSON | SHAPED.get(i["property"], JSON)) for i in dep["inputs"]]
    body = callback_body(dep, values)
    for key in draw(st.lists(st.sampled_from([*body, "changedPropIds", "junk"]), max_size=3)):
        body[key] = draw(JSON)
    inputs = body.get("inputs")
    if isinstance(inputs, list) and inputs and draw(st.booleans()):
        spec = inputs[draw(st.integers(0, len(inputs) - 1))]
        if isinstance(spec, dict):
            spec[draw(st.sampled_from(["id", "property", "value", "extra"]))] = draw(JSON)
    return draw(st.sampled_from([body, draw(JSON)])) if draw(st.integers(0, 9)) == 0 else body


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_callback_payload_gives_a_5xx(dash_client, data):
    deps = [d for d in dash_client.deps if not d.get("clientside_function")]
    body = data.draw(callback_payloads(deps))
    response = dash_client.client.post("/_dash-update-component", json=body)
    event(f"status {response.status_code}")
    assert response.status_code < 500, (body, response.data[:300])


@pytest.mark.parametrize("value", [5, ["x"], {"a": 1}, "x" * 201])
def test_a_release_holder_value_of_the_wrong_shape_gets_400(dash_client, value):
    from dashboard import ids
    from dashboard.dash_wire import callback_body

    body = callback_body(dash_client.dep_for(ids.MAP_NAV), [{"points": []}, value])
    response = dash_client.client.post("/_dash-update-component", json=body)
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["0123456789ab", "../../etc/passwd", "<script>", None])
def test_an_unknown_release_in_a_callback_is_the_current_release(dash_client, value):
    from dashboard import ids
    from dashboard.dash_wire import callback_body

    body = callback_body(
        dash_client.dep_for(ids.MAP_NAV), [{"points": [{"location": "06019"}]}, value]
    )
    response = dash_client.client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert response.get_json()["response"][ids.MAP_NAV]["href"] == "/county/fresno"
