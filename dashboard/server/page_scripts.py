"""The page shell's scripts: only what the supported browsers (docs/browsers.md) need and the
pages use.

- Dash's @babel/polyfill bundle (core-js 2 for old browsers, about 30 KB brotli) gives way to
  regenerator-runtime (vendor/regenerator-runtime), the one global Dash's bundles call that
  supported browsers lack.
- dash_table's bundle is left out: no page draws a DataTable.
- On a page with charts, dcc's graph chunk (which Dash would fetch only once the page's layout
  arrives) loads with the other scripts, so each graph takes its height at once: no layout
  shift when the charts arrive. Pages without charts do not load it.
- The map page names plotly.js's map bundle (#plotly-bundle, a JSON data block), which
  assets/plotly_loader.js then loads instead of the smaller charts bundle
  (dashboard/server/plotly_bundle.py).
- plotly.js fetches a base-map topojson for any geojson choropleth, even with the base map
  hidden; no chart shows one (every geo layout has `visible: False`), so the page hands plotly
  an empty topology instead of a 36 KB download.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache

import dash
from flask import Flask, Response, request

from dashboard import charts, urlstate
from dashboard.server.plotly_bundle import MAP_URL
from dashboard.settings import ROOT

RUNTIME_VERSION = "0.14.1"
RUNTIME_FILE = (
    ROOT / "vendor" / "regenerator-runtime" / f"regenerator-runtime-{RUNTIME_VERSION}.min.js"
)
RUNTIME_URL = f"/_dash-component-suites/dash/deps/regenerator-runtime@{RUNTIME_VERSION}.min.js"
POLYFILL = re.compile(
    r'<script src="([^"]*)/_dash-component-suites/dash/deps/polyfill@[^"]+"></script>'
)
UNUSED_BUNDLES = re.compile(
    r'\s*<script src="[^"]*/_dash-component-suites/dash/dash_table/[^"]+"></script>'
)
DCC_SHARED = re.compile(
    r'<script src="([^"]*)/_dash-component-suites/dash/dcc/dash_core_components-shared[^"]+"></script>'
)
GRAPH_CHUNK = "/_dash-component-suites/dash/dcc/async-graph.js"
MAP_PAGES = frozenset({"map"})  # the pages whose charts need the map bundle
EAGER_PAGES = frozenset({"brief", "map"})  # plotly.js loads with the page: printed; map on top
EMPTY_TOPOLOGY = "{type:'Topology',objects:{},arcs:[]}"
NO_BASE_MAP = (
    "window.PlotlyGeoAssets={topojson:"
    f"{{world_110m:{EMPTY_TOPOLOGY},usa_110m:{EMPTY_TOPOLOGY}}}}};"
)


@cache
def runtime() -> bytes:
    """Return regenerator-runtime's bytes (read once per process)."""
    return RUNTIME_FILE.read_bytes()


@cache
def chart_pages() -> frozenset[str]:
    """Return the pages that draw charts."""
    return frozenset(page for page, _ in charts.CHARTS.values())


def graph_scripts(prefix: str, page: str | None) -> str:
    """Return the tags a page with charts adds: the graph chunk and, for assets/plotly_loader.js
    (data, not a script: no CSP hash), the map page's bundle or a printed page's eager load."""
    tags = f'<script src="{prefix}{GRAPH_CHUNK}"></script>'
    named = {"src": prefix + MAP_URL} if page in MAP_PAGES else {}
    named |= {"eager": True} if page in EAGER_PAGES else {}
    if named:
        tags += f'\n<script id="plotly-bundle" type="application/json">{json.dumps(named)}</script>'
    return tags


def lean(scripts: str, page: str | None) -> str:
    """Return the shell's script tags with the polyfill replaced, unused bundles left out and,
    for a page with charts, the graph scripts added."""
    scripts = POLYFILL.sub(
        lambda m: f'<script src="{m[1]}{RUNTIME_URL}?v={RUNTIME_VERSION}"></script>', scripts
    )
    if page in chart_pages():
        scripts = DCC_SHARED.sub(lambda m: f"{m[0]}\n{graph_scripts(m[1], page)}", scripts)
    return UNUSED_BUNDLES.sub("", scripts)


def lean_index(interpolate: Callable[..., str]) -> Callable[..., str]:
    """Return Dash's index interpolation with lean scripts for the requested page."""

    def interpolate_index(**parts: str) -> str:
        found = urlstate.page_of_path(request.path.strip("/")) if request else None
        parts["scripts"] = lean(parts["scripts"], found[0] if found else None)
        return interpolate(**parts)

    return interpolate_index


def install(app: dash.Dash) -> None:
    """Lean scripts in the shell, regenerator-runtime served, the empty base map handed over."""
    server: Flask = app.server
    app.interpolate_index = lean_index(app.interpolate_index)
    app._inline_scripts.append(NO_BASE_MAP)  # Dash's inline scripts: hashed into the CSP

    @server.before_request
    def serve_runtime():
        if request.method not in {"GET", "HEAD"} or request.path != RUNTIME_URL:
            return None
        response = Response(runtime(), mimetype="application/javascript")
        response.add_etag()
        return response.make_conditional(request)
