"""Production serving: security and cache headers, static compression, request guards, robots."""

from __future__ import annotations

import dash
from flask import Response

from dashboard.cache import cache
from dashboard.server import guard, headers, plotly_bundle, replies, static

ROBOTS = """User-agent: *
Allow: {base}/
Disallow: {base}/_dash-
Disallow: {base}/download/chart/
"""


def install(app: dash.Dash, compress: bool) -> None:
    """Wire the serving layers into a Dash app's Flask server (static compression if asked)."""
    server = app.server
    replies.install(app, cache, compress)  # before the guard: a cached reply was a valid request
    guard.install(app)
    headers.install(server)
    if compress:
        static.install(server)  # registered last, so it runs before the headers are added
    plotly_bundle.install(server)  # after static: compressed once, then answered from its store

    @server.route("/robots.txt")
    def robots():
        base = server.config.get("CSEC_BASE_PATH", "")
        return Response(ROBOTS.format(base=base), mimetype="text/plain")
