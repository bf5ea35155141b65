"""Security headers and a cache lifetime on every response the app sends."""

from __future__ import annotations

import re

from flask import Flask, Response, request

SECURITY_HEADERS = {
    # Same-origin only: the page can make no third-party request (no CDN, no fonts, no trackers).
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
FINGERPRINT = re.compile(r"\.v[0-9a-z_]+m\d+\.")  # Dash's `name.v4_4_1m1712345678.min.js`
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")


def cache_control(path: str, query: dict, status: int) -> str:
    """Return the Cache-Control of a response: fingerprinted static files never change."""
    if status >= 400:
        return "no-store"
    if not path.startswith(STATIC_PREFIXES):
        return "no-cache"
    if FINGERPRINT.search(path) or "m" in query or "v" in query:
        return IMMUTABLE
    return SHORT


def install(server: Flask) -> None:
    """Add the security headers and Cache-Control to every response."""

    @server.after_request
    def add_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        response.headers["Cache-Control"] = cache_control(
            request.path, request.args, response.status_code
        )
        return response
