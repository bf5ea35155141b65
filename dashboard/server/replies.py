"""Whole callback replies cached by request body: a repeated view costs one lookup, not a render.

Every callback of this app is a pure function of its request body and the release, and cache
keys carry the release id (dashboard.cache), so a reply is valid for as long as its release.
"""

from __future__ import annotations

import hashlib

import dash
from flask import Response, g, request
from flask_caching import Cache

from dashboard.server.guard import callback_url

HIT_HEADER = "X-Callback-Cache"


def install(app: dash.Dash, cache: Cache) -> None:
    """Answer callback requests from the cache, and cache every successful reply."""
    server = app.server
    endpoint = callback_url(app)

    @server.before_request
    def cached_reply():
        if request.path != endpoint or request.method != "POST":
            return None
        key = "reply:" + hashlib.sha256(request.get_data()).hexdigest()
        reply = cache.get(key)
        if reply is None:
            g.reply_key = key
            return None
        return Response(reply, mimetype="application/json", headers={HIT_HEADER: "hit"})

    @server.after_request
    def store_reply(response: Response) -> Response:
        key = g.pop("reply_key", None)
        if key and response.status_code == 200 and response.mimetype == "application/json":
            cache.set(key, response.get_data())
            response.headers[HIT_HEADER] = "miss"
        return response
