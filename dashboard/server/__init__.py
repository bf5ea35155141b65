"""Production serving: request checks, reply and page-shell caches, bounded work, health,
headers, compression."""

from __future__ import annotations

import dash
from flask import Response
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import urlstate
from dashboard.cache import cache
from dashboard.data.release import Release
from dashboard.server import (
    first_paint,
    guard,
    headers,
    health,
    limits,
    page_scripts,
    plotly_bundle,
    replies,
    static,
)
from dashboard.server.mount import mount
from dashboard.server.shell import ShellCache
from dashboard.settings import Settings

ROBOTS = """User-agent: *
Allow: {base}/
Disallow: {base}/_dash-
Disallow: {base}/download/chart/
"""


def install(app: dash.Dash, settings: Settings, rel: Release) -> None:
    """Wire the serving layers into a Dash app's Flask server, in the order they must run."""
    server = app.server
    budget, shed = limits.Budget(settings.rate_limit), limits.Shed()
    guard.install(app)  # first: the reply cache keys on the checked request
    replies.install(app, cache, settings.compress)
    limits.install(app, budget, shed, settings.compute_slots, settings.threads)  # what it missed
    health.install(server, rel)
    headers.install(app, settings.hsts_seconds)
    if settings.compress:
        static.install(
            server, settings.static_cache_dir
        )  # registered last, so it runs before the headers are added
    plotly_bundle.install(server)  # after static: compressed once, then answered from its store
    page_scripts.install(app)  # the same
    first_paint.install(app)

    @server.route("/robots.txt")
    def robots():
        base = server.config.get("CSEC_BASE_PATH", "")
        return Response(ROBOTS.format(base=base), mimetype="text/plain")

    limits.refuse_spent_clients(app, budget, shed, headers.error_headers(settings.hsts_seconds))
    if settings.compress:
        server.wsgi_app = static.without_refused_encodings(
            server.wsgi_app, server.config["COMPRESS_ALGORITHM"]
        )
    if not settings.debug:  # dev tools reload assets, and with them the shell
        shell_paths = {*urlstate.sitemap_paths(rel.geos), *urlstate.PAGES.values()}
        server.wsgi_app = ShellCache(server.wsgi_app, rel.release_id, shell_paths)
    if settings.base_path:
        server.wsgi_app = mount(
            server.wsgi_app, settings.base_path, headers.error_headers(settings.hsts_seconds)
        )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n)
