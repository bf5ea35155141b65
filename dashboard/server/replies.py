"""Whole callback replies cached by view: a repeated view costs one lookup, not a render.

Every callback of this app is a pure function of the view it is asked for and the release; the
key is that view in canonical form (dashboard.server.reply_keys) and cache keys carry the release
id (dashboard.cache), so a reply is valid for as long as its release.
"""

from __future__ import annotations

import dash
from flask import Response, g, request
from flask_caching import Cache

from dashboard.server.guard import is_callback_request
from dashboard.server.reply_keys import reply_key
from dashboard.server.static import chosen_encoding, compress

HIT_HEADER = "X-Callback-Cache"
MIN_COMPRESSED = 500  # flask-compress's COMPRESS_MIN_SIZE: smaller replies go out as they are


def compressed_reply(cache: Cache, key: str, reply: bytes, encoding: str) -> Response:
    """Return a cached reply in an encoding the client accepts, compressing it once per key."""
    body = cache.get(f"{key}:{encoding}")
    if body is None:
        body = compress(reply, encoding, fast=True)
        cache.set(f"{key}:{encoding}", body)
    response = Response(body, mimetype="application/json", headers={HIT_HEADER: "hit"})
    response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    return response


def install(app: dash.Dash, cache: Cache, compressed: bool = False) -> None:
    """Answer callback requests from the cache (`compressed`: in the client's encoding too),
    and cache every successful reply."""
    server = app.server

    @server.before_request
    def cached_reply():
        if not is_callback_request(app):
            return None
        key = reply_key(app, g.callback)
        if key is None:
            return None
        reply = cache.get(key)
        if reply is None:
            g.reply_key = key
            return None
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
        if compressed and encoding and len(reply) >= MIN_COMPRESSED:
            return compressed_reply(cache, key, reply, encoding)
        return Response(reply, mimetype="application/json", headers={HIT_HEADER: "hit"})

    @server.after_request
    def store_reply(response: Response) -> Response:
        key = g.pop("reply_key", None)
        if key and response.status_code == 200 and response.mimetype == "application/json":
            cache.set(key, response.get_data())
            response.headers[HIT_HEADER] = "miss"
        return response
