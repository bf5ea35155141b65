"""The page shell's scripts: no polyfill bundle, no unused component bundle, regenerator-runtime
served in the polyfill's place, and an empty base map only where no chart shows one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.server import page_scripts
from dashboard.settings import ROOT

SCRIPT_SRC = re.compile(r'<script src="([^"]+)"')


@pytest.fixture(scope="module")
def shell(fixture_app) -> str:
    return fixture_app.server.test_client().get("/").get_data(as_text=True)


def test_the_shell_loads_the_runtime_not_the_polyfill_nor_dash_table(shell):
    sources = SCRIPT_SRC.findall(shell)
    assert not [s for s in sources if "polyfill" in s or "dash_table" in s]
    assert sources[0] == f"{page_scripts.RUNTIME_URL}?v={page_scripts.RUNTIME_VERSION}"
    assert any("dash_renderer" in s for s in sources) and any("/dcc/" in s for s in sources)


def test_the_runtime_is_served_with_a_long_life(fixture_app):
    client = fixture_app.server.test_client()
    reply = client.get(f"{page_scripts.RUNTIME_URL}?v={page_scripts.RUNTIME_VERSION}")
    assert reply.status_code == 200 and reply.mimetype == "application/javascript"
    assert reply.data == page_scripts.RUNTIME_FILE.read_bytes()
    assert b"regeneratorRuntime=runtime" in reply.data  # it sets the global Dash's bundles call
    assert "immutable" in reply.headers["Cache-Control"]
    assert client.post(page_scripts.RUNTIME_URL).status_code in {400, 405}


def test_the_base_map_seed_is_allowed_by_the_csp(fixture_app, shell):
    reply = fixture_app.server.test_client().get("/")
    assert f"<script>{page_scripts.NO_BASE_MAP}</script>" in shell
    hashes = set(fixture_app.csp_hashes())
    assert hashes <= set(reply.headers["Content-Security-Policy"].replace(";", " ").split())


def test_no_page_uses_dash_table():
    uses = re.compile(r"import dash_table|dash_table\.|DataTable\(")
    assert uses.search("table = dash_table.DataTable(data)")  # the pattern finds a use
    sources = {p: p.read_text() for p in (ROOT / "dashboard").rglob("*.py")}
    assert len(sources) > 20 and not [p for p, s in sources.items() if uses.search(s)]


def test_no_chart_shows_a_base_map(fixture_app):
    from dashboard import charts, urlstate
    from dashboard.data import release

    geo_layouts = []
    with fixture_app.server.app_context():
        geos = release.current().geos
        for chart_id, (page, _) in charts.CHARTS.items():
            figure = charts.render(chart_id, urlstate.parse(page, {}, geos)).figure or {}
            layout = figure.get("layout", {})
            geo_layouts += [v for k, v in layout.items() if k.startswith("geo")]
    assert geo_layouts  # the map's choropleth was reached
    assert all(geo.get("visible") is False for geo in geo_layouts)


def test_the_vendored_runtime_keeps_its_licence():
    folder = Path(page_scripts.RUNTIME_FILE).parent
    assert "MIT License" in (folder / "LICENSE").read_text()
    assert page_scripts.RUNTIME_FILE.read_bytes().startswith(b"/*! regenerator-runtime 0.14.1")


def test_pages_with_charts_load_the_graph_chunk_with_their_scripts(fixture_app):
    client = fixture_app.server.test_client()
    for path, charts in (("/funnel", True), ("/county/alameda/brief", True), ("/downloads", False)):
        shell = client.get(path).get_data(as_text=True)
        sources = SCRIPT_SRC.findall(shell)
        assert (page_scripts.GRAPH_CHUNK in sources) is charts, path
    assert client.get(page_scripts.GRAPH_CHUNK).status_code == 200


def test_only_the_map_pages_name_the_map_bundle(fixture_app):
    client = fixture_app.server.test_client()
    named = f'<script id="plotly-bundle" type="application/json">{{"src": "{page_scripts.MAP_URL}"'
    for path in ("/", "/funnel", "/map", "/county/alameda", "/changes"):
        shell = client.get(path).get_data(as_text=True)
        assert (named in shell) is (path.strip("/") in page_scripts.MAP_PAGES), path


def test_the_map_page_loads_plotly_with_the_page(fixture_app):
    """The map is the top of its page: its bundle loads at once (no wait for it to show)."""
    shell = fixture_app.server.test_client().get("/map").get_data(as_text=True)
    assert '"eager": true' in shell


def test_the_printed_brief_loads_plotly_with_the_page(fixture_app):
    client = fixture_app.server.test_client()
    eager = '<script id="plotly-bundle" type="application/json">{"eager": true}</script>'
    assert eager in client.get("/county/alameda/brief").get_data(as_text=True)
    assert '"eager"' not in client.get("/county/alameda").get_data(as_text=True)
