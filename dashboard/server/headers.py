"""Security headers and a cache lifetime on every response the app sends.

Scripts run only from this origin or as the inline scripts Dash writes into its page, each
allowed by its SHA-256 (no 'unsafe-inline' for scripts). Styles keep 'unsafe-inline': plotly.js
and Dash set style attributes at run time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import dash
from flask import Flask, Response, request

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"
FINGERPRINT = re.compile(r"\.v[0-9a-z_]+m\d+\.")  # Dash's `name.v4_4_1m1712345678.min.js`
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/geo/")
REQUEST_URL_META = re.compile(r'\s*<meta property="twitter:url" content="[^"]*">')


def content_security_policy(script_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """Return the CSP: this origin only; inline scripts only by hash."""
    scripts = " ".join(["'self'", *dict.fromkeys(script_hashes)])
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def error_headers(hsts_seconds: int = 0) -> dict[str, str]:
    """Return the headers of a reply made outside Flask (mount redirects, gunicorn errors)."""
    headers = SECURITY_HEADERS | {"Content-Security-Policy": content_security_policy()}
    if hsts_seconds:
        headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}"
    return headers | {"Cache-Control": "no-store"}


def cache_control(path: str, query: dict, status: int) -> str:
    """Return the Cache-Control of a response: fingerprinted static files never change."""
    if status >= 400:
        return "no-store"
    if not path.startswith(STATIC_PREFIXES):
        return "no-cache"
    if FINGERPRINT.search(path) or "m" in query or "v" in query:
        return IMMUTABLE
    return SHORT


def without_request_url(interpolate: Callable[..., str]) -> Callable[..., str]:
    """Return Dash's index interpolation minus the meta tag that repeats the request's URL
    (and so whatever Host header the client sent)."""

    def interpolate_index(**parts: str) -> str:
        parts["metas"] = REQUEST_URL_META.sub("", parts["metas"])
        return interpolate(**parts)

    return interpolate_index


def install(app: dash.Dash, hsts_seconds: int = 0) -> None:
    """Add the security headers and Cache-Control to every response; no URL echo in the page."""
    server: Flask = app.server
    app.interpolate_index = without_request_url(app.interpolate_index)
    fixed = error_headers(hsts_seconds)
    del fixed["Cache-Control"], fixed["Content-Security-Policy"]

    @server.after_request
    def add_headers(response: Response) -> Response:
        response.headers.update(fixed)
        hashes = app.csp_hashes() if response.mimetype == "text/html" else ()
        response.headers["Content-Security-Policy"] = content_security_policy(hashes)
        response.headers["Cache-Control"] = cache_control(
            request.path, request.args, response.status_code
        )
        return response
