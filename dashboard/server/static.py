"""Big static files (plotly.js, Dash bundles, assets, GeoJSON) compressed once, kept on disk.

Compressed bodies live in a directory shared by every worker (CSEC_STATIC_CACHE_DIR), named by
the SHA-256 of the file and the encoding: the first process that needs one compresses it under a
file lock while the others wait and read it (`python -m dashboard.server.precompress` fills it
at install time), so a worker's start reads files instead of compressing them.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, request
from werkzeug.http import parse_accept_header

from dashboard.server.headers import STATIC_PREFIXES
from dashboard.server.mount import WSGIApp

try:
    import brotli
except ImportError:  # brotli is optional: gzip only
    brotli = None

COMPRESSIBLE = {
    "application/javascript",
    "text/javascript",
    "text/css",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
}
MIN_BYTES = 1024
LEVELS = {"br": 11, "gzip": 9}  # the best: compressed once, at install time
log = logging.getLogger(__name__)
ENCODINGS = ("br", "gzip") if brotli else ("gzip",)
SCRIPT_URLS = re.compile(r'(?:src|href)="((?:/[\w.~-]+)*/(?:_dash-component-suites|assets)/[^"]+)"')
LAZY_URLS = (  # loaded by the renderer when a chart first shows, not named in the page shell
    "/_dash-component-suites/plotly/package_data/plotly.min.js",
    "/_dash-component-suites/plotly/package_data/plotly-map.min.js",
    "/_dash-component-suites/dash/dcc/async-graph.js",
    "/geo/ca_counties.geojson",
    "/assets/topojson/world_110m.json",
    "/assets/topojson/usa_110m.json",
)


def compress(data: bytes, encoding: str, fast: bool = False) -> bytes:
    """Return data compressed in an encoding: best settings (once per file), or `fast` ones."""
    if encoding == "br":
        return brotli.compress(data, quality=5 if fast else LEVELS["br"], lgwin=24)
    return gzip.compress(data, compresslevel=6 if fast else LEVELS["gzip"], mtime=0)


def compressed_once(directory: Path, raw: bytes, encoding: str) -> bytes:
    """Return raw compressed in an encoding from the shared directory, compressing it there
    (one process at a time, under a lock) if no process has yet; in memory if it is unwritable."""
    name = f"{hashlib.sha256(raw).hexdigest()}.{encoding}{LEVELS[encoding]}"
    path = directory / name
    try:
        return path.read_bytes()
    except OSError:  # not there yet (or no directory): made below
        pass
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / f"{name}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if path.is_file():
                return path.read_bytes()
            body = compress(raw, encoding)
            partial = directory / f"{name}.{os.getpid()}.part"
            partial.write_bytes(body)
            os.replace(partial, path)  # readers see the whole file or none
            return body
    except OSError as error:
        log.warning("static cache %s unusable (%s): compressing in memory", directory, error)
        return compress(raw, encoding)


def chosen_encoding(accept_encoding: str) -> str | None:
    """Return the first of ours the client accepts (a weight above 0; "*" names any), or None."""
    accepted = parse_accept_header(accept_encoding)
    return next((encoding for encoding in ENCODINGS if accepted.quality(encoding) > 0), None)


def without_refused_encodings(app: WSGIApp, encodings: Iterable[str]) -> WSGIApp:
    """Wrap a WSGI app so a weighted or wildcard Accept-Encoding reaches it as the plain list of
    `encodings` the client accepts: one it weights 0 ("gzip;q=0", "*, br;q=0") is left out
    (flask-compress 1.25 would still choose it when nothing else fits)."""
    encodings = tuple(encodings)

    def listing(environ: dict, start_response: Callable) -> Iterable[bytes]:
        header = environ.get("HTTP_ACCEPT_ENCODING", "")
        if ";" in header or "*" in header:
            accepted = parse_accept_header(header)
            environ["HTTP_ACCEPT_ENCODING"] = ", ".join(
                name for name in encodings if accepted.quality(name) > 0
            )
        return app(environ, start_response)

    return listing


@dataclass
class Compressed:
    """One static file: its MIME type, ETag and compressed bodies by encoding."""

    mimetype: str
    etag: str
    raw: bytes
    directory: Path
    bodies: dict[str, bytes] = field(default_factory=dict)

    def body(self, encoding: str) -> bytes:
        """Return the body in an encoding, from the shared directory on first use."""
        if encoding not in self.bodies:
            self.bodies[encoding] = compressed_once(self.directory, self.raw, encoding)
        return self.bodies[encoding]


class StaticStore:
    """Compressed static files by URL path, filled on first request, kept for the process."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, Compressed] = {}
        self.lock = threading.Lock()

    def response(self, path: str, encoding: str) -> Response | None:
        """Return the stored compressed response for a path, or None if not stored."""
        entry = self.files.get(path)
        if entry is None:
            return None
        with self.lock:
            body = entry.body(encoding)
        response = Response(body, mimetype=entry.mimetype)
        response.headers["Content-Encoding"] = encoding
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(f"{entry.etag}-{encoding}")
        return response.make_conditional(request)

    def store(self, path: str, response: Response) -> bool:
        """Keep a static response's body for compression; return False if too small to bother."""
        response.direct_passthrough = False
        raw = response.get_data()
        if len(raw) < MIN_BYTES:
            return False
        etag = hashlib.sha256(raw).hexdigest()[:20]
        with self.lock:
            self.files.setdefault(path, Compressed(response.mimetype, etag, raw, self.directory))
        return True


def is_static(path: str) -> bool:
    """Return whether a path is a static file worth compressing once."""
    return path.startswith(STATIC_PREFIXES)


def install(server: Flask, directory: Path) -> StaticStore:
    """Serve static files precompressed: compress each once (shared directory), answer from memory."""
    store = StaticStore(directory)
    server.extensions["csec_static"] = store

    @server.before_request
    def serve_compressed():
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
        if request.method != "GET" or encoding is None or not is_static(request.path):
            return None
        return store.response(request.path, encoding)

    @server.after_request
    def compress_static(response: Response) -> Response:
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
        if (
            encoding is None
            or request.method != "GET"
            or response.status_code != 200
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
            or not is_static(request.path)
        ):
            return response
        if not store.store(request.path, response):
            return response
        compressed = store.response(request.path, encoding)
        response.close()
        return compressed

    return store


def warm(server: Flask) -> int:
    """Compress every script, stylesheet and map file a first visit loads; return bytes kept."""
    if "csec_static" not in server.extensions:
        return 0
    client = server.test_client()
    base = server.config.get("CSEC_BASE_PATH", "")
    shell = client.get(base + "/").get_data(as_text=True)
    for url in [*SCRIPT_URLS.findall(shell), *(base + lazy for lazy in LAZY_URLS)]:
        for encoding in ENCODINGS:
            client.get(url, headers={"Accept-Encoding": encoding}).close()
    store: StaticStore = server.extensions["csec_static"]
    return sum(len(b) for entry in store.files.values() for b in entry.bodies.values())
