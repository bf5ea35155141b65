"""The page shell (Dash's index HTML, with the page's first paint) rendered once per release,
base path, page path and accepted encodings, then answered from memory before Flask builds a
request.

Only the site's canonical page paths (every page's entry path, every county and its brief)
without a query are kept, so the store is bounded whatever addresses clients send; others are
answered as usual (a query changes the first paint).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from dashboard.server.mount import WSGIApp

ENCODINGS = frozenset({"br", "gzip", "deflate", "zstd", "identity"})
PER_REQUEST = {"date"}  # gunicorn adds its own


def accepted(header: str) -> frozenset[str] | None:
    """Return the encodings an Accept-Encoding header names, or None if it weighs or names
    others (such a request is answered, not kept)."""
    names = frozenset(part.strip().lower() for part in header.split(",") if part.strip())
    if any(";" in name for name in names) or not names <= ENCODINGS:
        return None
    return names


class ShellCache:
    """A WSGI wrapper keeping the 200 replies to GET on the site's page paths."""

    def __init__(self, app: WSGIApp, release_id: str, paths: Iterable[str]) -> None:
        self.app = app
        self.release_id = release_id
        self.paths = frozenset(paths)
        self.replies: dict[tuple, tuple[str, list[tuple[str, str]], bytes]] = {}
        self.lock = threading.Lock()

    def key(self, environ: dict) -> tuple | None:
        """Return the store key of a request (release, base path, page path, encodings), or None."""
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or path not in self.paths:
            return None
        if environ.get("QUERY_STRING"):
            return None
        encodings = accepted(environ.get("HTTP_ACCEPT_ENCODING", ""))
        if encodings is None:
            return None
        return self.release_id, environ.get("SCRIPT_NAME", ""), path, encodings

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        reply = self.replies.get(key)
        if reply is None:
            reply = self.render(environ)
            status, headers, body = reply
            if status.startswith("200") and not any(n.lower() == "set-cookie" for n, _ in headers):
                kept = [(n, v) for n, v in headers if n.lower() not in PER_REQUEST]
                with self.lock:
                    self.replies.setdefault(key, (status, kept, body))
        status, headers, body = reply
        start_response(status, list(headers))
        return [body]

    def render(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        """Return the app's status, headers and whole body for a request."""
        captured: list = []

        def capture(status: str, headers: list, exc_info=None) -> Callable:
            captured[:] = [status, headers]
            return lambda data: None  # Flask never writes through it

        reply = self.app(environ, capture)
        try:
            body = b"".join(reply)
        finally:
            getattr(reply, "close", lambda: None)()
        return captured[0], captured[1], body
