"""The partial plotly.js bundle: it has every trace type the app draws, matches the plotly
package's plotly.js version, and is served where Dash's graphs load plotly.js from."""

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
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
TRACE_MODULE = re.compile(rb'moduleType:"trace",name:"(\w+)"')


@pytest.fixture(scope="module")
def drawn_trace_types(fixture_app) -> set[str]:
    """Return the trace types of every chart at its page's defaults and at each fixed choice."""
    from dashboard import charts, urlstate
    from dashboard.data import release

    types = set()
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
                types |= {trace["type"] for trace in (figure or {}).get("data", [])}
    return types


def test_manifest_has_every_trace_type_the_app_draws(drawn_trace_types):
    assert {"bar", "choropleth"} <= drawn_trace_types  # the renders reached the figures
    assert drawn_trace_types <= set(MANIFEST["traces"])


def test_bundle_registers_exactly_the_manifest_traces():
    data = plotly_bundle.bundle_path().read_bytes()
    assert sorted(t.decode() for t in TRACE_MODULE.findall(data)) == sorted(MANIFEST["traces"])
    assert b"Licensed under the MIT license" in data[:300]
    assert f"v{MANIFEST['plotly.js']}".encode() in data[:300]


def test_bundle_is_much_smaller_than_full_plotly():
    assert plotly_bundle.bundle_path().stat().st_size < 0.4 * FULL.stat().st_size
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


def test_install_serves_the_bundle_at_the_plotly_url():
    client = _app(plotly_bundle).test_client()
    response = client.get(plotly_bundle.PLOTLY_URL)
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.data == plotly_bundle.bundle_path().read_bytes()
    again = client.get(
        plotly_bundle.PLOTLY_URL, headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.head(plotly_bundle.PLOTLY_URL).status_code == 200
    assert client.get("/_dash-component-suites/dash/x.js").data == b"full plotly.js"
    assert client.post(plotly_bundle.PLOTLY_URL).status_code == 405


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
