"""Serve the partial plotly.js bundle of vendor/plotly where Dash's graphs lazy-load plotly.js."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Flask, Response, request

from dashboard.settings import ROOT

VENDOR = ROOT / "vendor" / "plotly"
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def bundle_path() -> Path:
    """Return the path of the built bundle named by vendor/plotly/manifest.json."""
    return VENDOR / json.loads((VENDOR / "manifest.json").read_text())["file"]


@cache
def bundle() -> bytes:
    """Return the bundle's bytes (read once per process)."""
    return bundle_path().read_bytes()


def install(server: Flask) -> None:
    """Answer requests for Dash's plotly.min.js with the partial bundle (ETag, 304 if unchanged)."""

    @server.before_request
    def serve_plotly_bundle():
        if request.method not in {"GET", "HEAD"} or request.path != PLOTLY_URL:
            return None
        response = Response(bundle(), mimetype="application/javascript")
        response.add_etag()
        return response.make_conditional(request)
