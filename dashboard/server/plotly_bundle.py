"""Serve the partial plotly.js bundles of vendor/plotly where Dash's graphs load plotly.js from.

The charts bundle (bar, scatter; about 70 KB brotli smaller) answers Dash's plotly.min.js; the
map bundle (every trace type the figures draw) answers MAP_URL, which the map page's shell
names and assets/plotly_loader.js then loads instead (each once a chart is on screen).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Flask, Response, request

from dashboard.settings import ROOT

VENDOR = ROOT / "vendor" / "plotly"
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
MAP_URL = "/_dash-component-suites/plotly/package_data/plotly-map.min.js"
BUNDLE_OF_URL = {PLOTLY_URL: "charts", MAP_URL: "map"}


@cache
def manifest() -> dict:
    """Return vendor/plotly/manifest.json (the plotly.js version and each bundle's traces and file)."""
    return json.loads((VENDOR / "manifest.json").read_text())


def bundle_path(name: str = "charts") -> Path:
    """Return the path of a built bundle ("charts" or "map") named by the manifest."""
    return VENDOR / manifest()["bundles"][name]["file"]


@cache
def bundle(name: str = "charts") -> bytes:
    """Return a bundle's bytes (read once per process)."""
    return bundle_path(name).read_bytes()


def install(server: Flask) -> None:
    """Answer requests for the bundles' URLs with their bytes (ETag, 304 if unchanged)."""

    @server.before_request
    def serve_plotly_bundle():
        name = BUNDLE_OF_URL.get(request.path)
        if request.method not in {"GET", "HEAD"} or name is None:
            return None
        response = Response(bundle(name), mimetype="application/javascript")
        response.add_etag()
        return response.make_conditional(request)
