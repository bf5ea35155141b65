"""Whole callback replies cached by view: a repeated view costs one lookup, not a render.

Every callback of this app is a pure function of the view it is asked for and the release; the
key is that view in canonical form (dashboard.server.reply_keys) and cache keys carry the release
id (dashboard.cache), so a reply is valid for as long as its release. Identical misses arriving
together are computed once: the others wait for that reply (up to FOLLOW_SECONDS).
"""

from __future__ import annotations

import threading

import dash
from flask import Response, g, request
from flask_caching import Cache

from dashboard.server.guard import is_callback_request
from dashboard.server.reply_keys import reply_key
from dashboard.server.static import chosen_encoding, compress

HIT_HEADER = "X-Callback-Cache"
FOLLOW_SECONDS = 2.0
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


class InFlight:
    """Keys being computed in this process, each with the event its followers wait on."""

    def __init__(self) -> None:
        self.events: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def lead_or_wait(self, key: str) -> bool:
        """Return True if the caller computes `key`; else wait for whoever does, return False."""
        with self.lock:
            event = self.events.get(key)
            if event is None:
                self.events[key] = threading.Event()
                return True
        event.wait(FOLLOW_SECONDS)
        return False

    def done(self, key: str) -> None:
        """Wake the followers of a computed (or failed) key."""
        with self.lock:
            event = self.events.pop(key, None)
        if event is not None:
            event.set()


def install(app: dash.Dash, cache: Cache, compressed: bool = False) -> None:
    """Answer callback requests from the cache (`compressed`: in the client's encoding too),
    and cache every successful reply."""
    server = app.server
    inflight = InFlight()

    @server.before_request
    def cached_reply():
        if not is_callback_request(app):
            return None
        key = reply_key(app, g.callback)
        if key is None:
            return None
        reply = cache.get(key)
        if reply is None and not inflight.lead_or_wait(key):
            reply = cache.get(key)  # computed meanwhile by another request
        if reply is None:
            g.reply_key = key
            return None
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
        if compressed and encoding and len(reply) >= MIN_COMPRESSED:
            return compressed_reply(cache, key, reply, encoding)
        return Response(reply, mimetype="application/json", headers={HIT_HEADER: "hit"})

    @server.after_request
    def store_reply(response: Response) -> Response:
        key = g.get("reply_key")
        if key and response.status_code == 200 and response.mimetype == "application/json":
            cache.set(key, response.get_data())
            response.headers[HIT_HEADER] = "miss"
        return response

    @server.teardown_request
    def wake_followers(_error: BaseException | None) -> None:
        key = g.pop("reply_key", None)
        if key:
            inflight.done(key)
