"""The partial plotly.js bundles: the map bundle has every trace type the app draws, the charts
bundle every one the pages but the map page draw; they match the plotly package's plotly.js
version, and are served where the pages load plotly.js from."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli
import plotly
import plotly.offline
import pytest
from flask import Flask

from dashboard.server import plotly_bundle, static

MANIFEST = json.loads((plotly_bundle.VENDOR / "manifest.json").read_text())
BUNDLES = MANIFEST["bundles"]
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
TRACE_MODULE = re.compile(rb'moduleType:"trace",name:"(\w+)"')


@pytest.fixture(scope="module")
def drawn_trace_types(fixture_app) -> dict[str, set[str]]:
    """Return the trace types of every page's charts at its defaults and at each fixed choice."""
    from dashboard import charts, urlstate
    from dashboard.data import release

    types: dict[str, set[str]] = {}
    with fixture_app.server.app_context():
        geos = release.current().geos
        for chart_id, (page, _) in charts.CHARTS.items():
            queries = [{}] + [
                {name: choice}
                for name in urlstate.PAGE_PARAMS[page]
                for choice in urlstate.PARAMS[name].choices or ()
            ]
            for query in queries:
                figure = charts.render(chart_id, urlstate.parse(page, query, geos)).figure
                drawn = {trace["type"] for trace in (figure or {}).get("data", [])}
                types.setdefault(page, set()).update(drawn)
    return types


def test_the_map_bundle_has_every_trace_type_the_app_draws(drawn_trace_types):
    every = set().union(*drawn_trace_types.values())
    assert {"bar", "choropleth"} <= every  # the renders reached the figures
    assert every <= set(BUNDLES["map"]["traces"])


def test_the_charts_bundle_has_every_trace_type_of_the_pages_but_the_map_pages(drawn_trace_types):
    from dashboard.server import page_scripts

    assert "choropleth" not in BUNDLES["charts"]["traces"]  # smaller: the map page's traces out
    for page, types in drawn_trace_types.items():
        if page not in page_scripts.MAP_PAGES:
            assert types <= set(BUNDLES["charts"]["traces"]), page
    assert not set(drawn_trace_types["map"]) <= set(BUNDLES["charts"]["traces"])


@pytest.mark.parametrize("name", BUNDLES)
def test_bundle_registers_exactly_the_manifest_traces(name):
    data = plotly_bundle.bundle_path(name).read_bytes()
    traces = BUNDLES[name]["traces"]
    assert sorted(t.decode() for t in TRACE_MODULE.findall(data)) == sorted(traces)
    listed = json.dumps(traces, separators=(",", ":"))
    assert data.rstrip().endswith(f"Plotly.csecTraces={listed};".encode())
    assert b"Licensed under the MIT license" in data[:300]
    assert f"v{MANIFEST['plotly.js']}".encode() in data[:300]


def test_bundles_are_much_smaller_than_full_plotly():
    assert plotly_bundle.bundle_path("map").stat().st_size < 0.4 * FULL.stat().st_size
    charts = plotly_bundle.bundle_path("charts").stat().st_size
    assert charts < 0.9 * plotly_bundle.bundle_path("map").stat().st_size
    assert len(TRACE_MODULE.findall(FULL.read_bytes())) > 40  # the pattern finds full's traces


def test_bundle_is_built_from_the_plotly_js_of_the_plotly_package():
    # A plotly upgrade fails here until vendor/plotly is rebuilt (see vendor/plotly/README.md).
    assert MANIFEST["plotly.js"] == plotly.offline.get_plotlyjs_version()


def _app(*layers, static_dir: Path | None = None) -> Flask:
    """Return a bare Flask app with serving layers installed in order (the static layer keeps
    its compressed files in static_dir)."""
    app = Flask(__name__)
    for layer in layers:
        layer.install(app, static_dir) if layer is static else layer.install(app)

    @app.route("/_dash-component-suites/<path:path>")
    def suites(path):
        return "full plotly.js"

    return app


@pytest.mark.parametrize(
    ("url", "name"), [(plotly_bundle.PLOTLY_URL, "charts"), (plotly_bundle.MAP_URL, "map")]
)
def test_install_serves_each_bundle_at_its_url(url, name):
    client = _app(plotly_bundle).test_client()
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.data == plotly_bundle.bundle_path(name).read_bytes()
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.head(url).status_code == 200
    assert client.get("/_dash-component-suites/dash/x.js").data == b"full plotly.js"
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("layers", [(plotly_bundle, static), (static, plotly_bundle)])
def test_static_layer_compresses_the_bundle(layers, tmp_path):
    client = _app(*layers, static_dir=tmp_path).test_client()
    bundle = plotly_bundle.bundle_path().read_bytes()
    br = client.get(plotly_bundle.PLOTLY_URL, headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == bundle
    gz = client.get(plotly_bundle.PLOTLY_URL, headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(gz.data) == bundle


def test_app_serves_the_bundle_not_the_package_file(fixture_app):
    response = fixture_app.server.test_client().get(plotly_bundle.PLOTLY_URL)
    assert response.status_code == 200
    assert response.data == plotly_bundle.bundle_path().read_bytes()
